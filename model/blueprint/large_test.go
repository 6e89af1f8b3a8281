package blueprint

import (
	"encoding/json"
	"os"
	"reflect"
	"strings"
	"testing"
)

const largeTemplate = "testdata/large/template-116-nodes.json"

// The 116-node template is what its meta says it is: scrapernode--6402's
// 100 nodes and connections unchanged, then the first 16 non-sticky nodes
// of base/Email 2.json renamed "… (Email 2)" with fresh ids, each wired to
// another as in Email 2; and it imports as one 116-node workflow.
func TestLargeTemplateIsItsRecipe(t *testing.T) {
	type node = map[string]any
	var big, e2, large struct {
		Name        string
		Nodes       []node
		Connections map[string]any
		Meta        map[string]any
	}
	for path, v := range map[string]any{
		"testdata/public/scrapernode--6402-automate-personalized-cold-email-sequences-with-gpt-4-mailgun-and-supabase.json": &big,
		"testdata/base/Email 2.json": &e2, largeTemplate: &large,
	} {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(b, v); err != nil {
			t.Fatal(err)
		}
	}
	if len(large.Nodes) != 116 || !reflect.DeepEqual(large.Nodes[:100], big.Nodes) {
		t.Fatalf("%d nodes; the first 100 are 6402's: %v", len(large.Nodes), reflect.DeepEqual(large.Nodes[:100], big.Nodes))
	}
	for k, v := range big.Connections {
		if !reflect.DeepEqual(large.Connections[k], v) {
			t.Errorf("6402's connections from %q changed", k)
		}
	}
	var picked []node
	for _, n := range e2.Nodes {
		if !strings.Contains(n["type"].(string), "stickyNote") && len(picked) < 16 {
			picked = append(picked, n)
		}
	}
	wired := map[string]bool{}
	for src, byType := range large.Connections {
		if !strings.HasSuffix(src, " (Email 2)") {
			continue
		}
		b, _ := json.Marshal(byType)
		wired[src] = true
		for _, p := range picked {
			if strings.Contains(string(b), `"node":"`+p["name"].(string)+` (Email 2)"`) {
				wired[p["name"].(string)+" (Email 2)"] = true
			}
		}
	}
	for i, p := range picked {
		n := large.Nodes[100+i]
		if n["name"] != p["name"].(string)+" (Email 2)" || n["type"] != p["type"] || !reflect.DeepEqual(n["parameters"], p["parameters"]) || n["id"] == p["id"] {
			t.Errorf("node %d: %v, want %v renamed with a fresh id", 100+i, n["name"], p["name"])
		}
		if !wired[n["name"].(string)] {
			t.Errorf("%s is not connected", n["name"])
		}
	}
	if how, _ := large.Meta["godmodeFixture"].(string); !strings.Contains(how, "scrapernode--6402") || !strings.Contains(how, "16") {
		t.Errorf("meta.godmodeFixture does not say how the file was made: %q", how)
	}
	p, err := Prepare([]Source{source(t, largeTemplate)}, Options{})
	if err != nil || len(p.Workflows) != 1 || p.Workflows[0].Nodes != 116 {
		t.Fatalf("import: %v", err)
	}
}
