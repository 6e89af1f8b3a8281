package genesis

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/godmode-console/godmode/model/blueprint/detect"
)

// ValuesTemplate is a starting values file for a version: every variable
// the plan will ask for and every credential slot, each with where it is
// used, all commented out. Nothing in it is a value, so a line left
// commented is refused by the plan by name rather than provisioned empty.
// secretNamed says which variables to suggest as env: references.
func ValuesTemplate(v Version, secretNamed func(string) bool) string {
	var b strings.Builder
	ref := fmt.Sprintf("%s@%d", v.Blueprint, v.Number)
	fmt.Fprintf(&b, "# Values for %s, written by `godmode blueprint values %s`.\n", ref, ref)
	b.WriteString("# Uncomment each line and fill it in. A secret is best given as \"env:NAME\" or\n")
	b.WriteString("# \"file:PATH\" (relative to this file), or as { value = \"…\", secret = true }.\n")
	fmt.Fprintf(&b, "# %s is the workspace's slug: godmode fills it in.\n", BuiltinSlug)
	fmt.Fprintf(&b, "# Then: godmode provision --workspace SLUG --blueprint %s --values THIS_FILE\n", ref)

	vars := map[string]detect.Variable{} // as the plan asks for them
	for _, d := range v.Report.Variables {
		if _, seen := vars[d.Name]; d.Name != BuiltinSlug && !seen && !onlyInCredentialIDs(d) {
			vars[d.Name] = d
		}
	}
	if len(vars) > 0 {
		b.WriteString("\n[variables]\n")
	}
	for _, name := range sortedKeys(vars) {
		note := places(vars[name].Where)
		if secretNamed != nil && secretNamed(name) {
			fmt.Fprintf(&b, "# secret · %s\n# %s = %s\n", note, name, strconv.Quote("env:"+name))
			continue
		}
		fmt.Fprintf(&b, "# %s\n# %s = \"\"\n", note, name)
	}

	types := map[string][]string{}
	first := map[string]detect.CredSlot{}
	uses := map[string]int{}
	for _, c := range v.Report.Credentials {
		s := slotOf(c)
		if _, ok := first[s]; !ok {
			first[s] = c
		}
		uses[s]++
		if c.Type != "" && !contains(types[s], c.Type) {
			types[s] = append(types[s], c.Type)
		}
	}
	for _, slot := range sortedKeys(first) {
		c := first[slot]
		more := ""
		if uses[slot] > 1 {
			more = fmt.Sprintf(" (and %d more node(s))", uses[slot]-1)
		}
		fmt.Fprintf(&b, "\n# credential slot %s: %s, used by %s / %s%s\n", slot, typeOrAny(strings.Join(types[slot], " and ")), c.File, c.Node, more)
		b.WriteString("# either the id of a credential n8n already has (OAuth ones are connected in n8n's UI):\n")
		fmt.Fprintf(&b, "# [credentials.%s]\n# id = \"\"\n", slot)
		if len(types[slot]) == 1 {
			t := types[slot][0]
			fmt.Fprintf(&b, "# or a new one, its fields as n8n's GET /credentials/schema/%s lists them:\n", t)
			fmt.Fprintf(&b, "# [credentials.%s]\n# type = %s\n# data = { }\n", slot, strconv.Quote(t))
		}
	}
	return b.String()
}

// places says where a variable is used: the first place and how many more.
func places(where []detect.Place) string {
	if len(where) == 0 {
		return "used nowhere the detector saw"
	}
	p := where[0]
	s := p.File + " / " + p.Node + ": " + p.Path
	if len(where) > 1 {
		s += fmt.Sprintf(" (and %d more place(s))", len(where)-1)
	}
	return s
}
