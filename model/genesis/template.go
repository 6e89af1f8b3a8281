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

	vars := AskedVariables(v)
	if len(vars) > 0 {
		b.WriteString("\n[variables]\n")
	}
	for _, d := range vars {
		note := places(d.Where)
		if secretNamed != nil && secretNamed(d.Name) {
			fmt.Fprintf(&b, "# secret · %s\n# %s = %s\n", note, d.Name, strconv.Quote("env:"+d.Name))
			continue
		}
		fmt.Fprintf(&b, "# %s\n# %s = \"\"\n", note, d.Name)
	}

	for _, s := range AskedSlots(v) {
		more := ""
		if s.Uses > 1 {
			more = fmt.Sprintf(" (and %d more node(s))", s.Uses-1)
		}
		fmt.Fprintf(&b, "\n# credential slot %s: %s, used by %s / %s%s\n", s.Slot, typeOrAny(strings.Join(s.Types, " and ")), s.First.File, s.First.Node, more)
		b.WriteString("# either the id of a credential n8n already has (OAuth ones are connected in n8n's UI):\n")
		fmt.Fprintf(&b, "# [credentials.%s]\n# id = \"\"\n", s.Slot)
		if t := s.Type(); t != "" {
			fmt.Fprintf(&b, "# or a new one, its fields as n8n's GET /credentials/schema/%s lists them:\n", t)
			fmt.Fprintf(&b, "# [credentials.%s]\n# type = %s\n# data = { }\n", s.Slot, strconv.Quote(t))
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
