package genesis

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/godmode-console/godmode/n8n/n8ntest"
)

// The template names every variable the plan asks for and every
// credential slot, commented out: as it is, the plan refuses each by name;
// uncommented and filled in, it plans.
func TestValuesTemplateIsEveryQuestionThePlanAsks(t *testing.T) {
	v := importVersion(t, "testdata/base-optout", "base-cold-email", 1)
	secret := func(name string) bool {
		return strings.HasSuffix(name, "_TOKEN") || strings.HasSuffix(name, "_API_KEY")
	}
	tpl := ValuesTemplate(v, secret)
	f := n8ntest.New()
	t.Cleanup(f.Close)
	ports := Ports{Webhooks: fakeHooks{f.Client()}}
	ws := Workspace{Slug: "texas"}

	// As written: nothing is a value, so the plan names every question.
	vals, err := ParseValues("values.toml", []byte(tpl), LoadOptions{})
	if err != nil {
		t.Fatalf("the template does not parse: %v\n%s", err, tpl)
	}
	_, err = MakePlan(context.Background(), Input{Version: v, Workspace: ws, Values: vals}, ports)
	asked := map[string]bool{} // what the refusal says has no value or is unresolved
	if re, ok := err.(*RefusedError); ok {
		q := regexp.MustCompile(`variable (YOUR_[A-Z0-9_]+) has no value|credential slot (YOUR_[A-Z0-9_]+) \(`)
		for _, p := range re.Problems {
			if m := q.FindStringSubmatch(p.Message); m != nil {
				asked[m[1]+m[2]] = true
			}
		}
	}
	varLine := regexp.MustCompile(`(?m)^# (YOUR_[A-Z0-9_]+) = (".*")$`)
	slotLine := regexp.MustCompile(`(?m)^# \[credentials\.([A-Z0-9_]+)\]\n# id = ""$`)
	vars, slots := varLine.FindAllStringSubmatch(tpl, -1), slotLine.FindAllStringSubmatch(tpl, -1)
	offered := map[string]bool{}
	for _, m := range append(vars, slots...) {
		offered[m[1]] = true
	}
	if len(vars) == 0 || len(slots) == 0 || len(offered) != len(vars)+len(slots) {
		t.Fatalf("the template offers %d variables and %d slots (%d names)\n%s", len(vars), len(slots), len(offered), tpl)
	}
	for name := range asked {
		if !offered[name] {
			t.Errorf("the plan asks for %s; the template does not offer it", name)
		}
	}
	for name := range offered {
		if !asked[name] {
			t.Errorf("the template offers %s; the plan does not ask for it", name)
		}
	}
	if strings.Contains(tpl, "# "+BuiltinSlug+" = ") {
		t.Errorf("the template asks for the slug")
	}
	for _, m := range vars {
		if secret(m[1]) != strings.HasPrefix(m[2], `"env:`) {
			t.Errorf("%s is offered as %s", m[1], m[2])
		}
	}

	// Filled in: it plans.
	filled := varLine.ReplaceAllString(tpl, `$1 = "filled in"`)
	filled = slotLine.ReplaceAllString(filled, "[credentials.$1]\nid = \"an-existing-id\"")
	vals, err = ParseValues("values.toml", []byte(filled), LoadOptions{})
	if err != nil {
		t.Fatalf("the filled template does not parse: %v\n%s", err, filled)
	}
	if _, err := MakePlan(context.Background(), Input{Version: v, Workspace: ws, Values: vals}, ports); err != nil {
		t.Fatalf("the filled template does not plan: %v\n%s", err, filled)
	}
}
