package forensics

import "testing"

func TestPartPathCutsTheRunsPathToThePartsDocument(t *testing.T) {
	one := Run{OutputItems: []int{45}}
	two := Run{OutputItems: []int{0, 45}}
	for _, c := range []struct {
		many     bool
		path     string
		wantPart Part
		want     string
	}{
		{false, "data.main.0.3.json.from", PartOutput, "3.json.from"},
		{true, "data.main.1.3.json.from", PartOutput, "1.3.json.from"},
		{false, "data.main.1.3.json.from", PartOutput, ""},
		{false, "data.main", PartOutput, ""},
		{false, "error.node.parameters.jsCode", PartError, "node.parameters.jsCode"},
		{false, "inputOverride.main.0.0.json", PartInput, ""},
		{false, "errorish.key", PartOutput, ""},
	} {
		r := one
		if c.many {
			r = two
		}
		if part, got := PartPath(r, c.path); part != c.wantPart || got != c.want {
			t.Errorf("PartPath(%q) = %v, %q; want %v, %q", c.path, part, got, c.wantPart, c.want)
		}
	}
}
