package genesis

import (
	"github.com/godmode-console/godmode/model/blueprint/detect"
)

// What a plan of a version asks of its values, for whoever builds the
// questions (the values template, the console's form): one list, so they
// ask what the plan will refuse without.

// AskedSlot is one credential slot of a version.
type AskedSlot struct {
	Slot  string
	Types []string        // the credential types its nodes use, in order seen
	First detect.CredSlot // the first node using it
	Uses  int             // nodes using it
}

// Type is the slot's one credential type ("" when none or several).
func (s AskedSlot) Type() string {
	if len(s.Types) == 1 {
		return s.Types[0]
	}
	return ""
}

// AskedVariables are the version's variables the values give, each once,
// by name: not the slug (the workspace's) nor a token used only as
// credentials' ids (a slot).
func AskedVariables(v Version) []detect.Variable {
	by := map[string]detect.Variable{}
	for _, d := range v.Report.Variables {
		if _, seen := by[d.Name]; d.Name != BuiltinSlug && !seen && !onlyInCredentialIDs(d) {
			by[d.Name] = d
		}
	}
	out := make([]detect.Variable, 0, len(by))
	for _, name := range sortedKeys(by) {
		out = append(out, by[name])
	}
	return out
}

// AskedSlots are the version's credential slots, by name.
func AskedSlots(v Version) []AskedSlot {
	by := map[string]*AskedSlot{}
	for _, c := range v.Report.Credentials {
		s := slotOf(c)
		if by[s] == nil {
			by[s] = &AskedSlot{Slot: s, First: c}
		}
		by[s].Uses++
		if c.Type != "" && !contains(by[s].Types, c.Type) {
			by[s].Types = append(by[s].Types, c.Type)
		}
	}
	out := make([]AskedSlot, 0, len(by))
	for _, name := range sortedKeys(by) {
		out = append(out, *by[name])
	}
	return out
}
