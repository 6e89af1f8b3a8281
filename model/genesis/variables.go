package genesis

import (
	"fmt"
	"strings"

	"github.com/godmode-console/godmode/model/blueprint/detect"
)

// variables checks the values file's variables against the blueprint's and
// returns the values to fill, by name. A variable the blueprint does not
// have is an error, not a warning: it is most often a misspelt one
// (whose real name is then missing too), and a values file is the record
// of what was applied, so it should hold nothing that was not.
func variables(in Input) (map[string]Value, []Problem) {
	var probs []Problem
	slots := map[string]bool{}
	for _, c := range in.Version.Report.Credentials {
		slots[slotOf(c)] = true
	}
	need := map[string]detect.Variable{}
	for _, v := range in.Version.Report.Variables {
		if v.Name == BuiltinSlug || onlyInCredentialIDs(v) {
			continue
		}
		if _, seen := need[v.Name]; !seen {
			need[v.Name] = v
		}
	}
	out := map[string]Value{BuiltinSlug: {V: NewSecret(in.Workspace.Slug, "the workspace")}}
	vf := in.Values.File
	for _, name := range sortedKeys(in.Values.Variables) {
		val := in.Values.Variables[name]
		switch _, needed := need[name]; {
		case name == BuiltinSlug:
			probs = append(probs, Problem{File: vf, Line: val.Line, Field: "variables." + name, Message: "set by godmode to the workspace's slug; leave it out"})
		case !needed && slots[name]:
			probs = append(probs, Problem{File: vf, Line: val.Line, Field: "variables." + name, Message: "is a credential slot: give it as [credentials." + name + "]"})
		case !needed:
			msg := "the blueprint has no variable " + name
			if near := nearest(name, sortedKeys(need)); near != "" {
				msg += " (did you mean " + near + "?)"
			}
			probs = append(probs, Problem{File: vf, Line: val.Line, Field: "variables." + name, Message: msg})
		default:
			out[name] = val
		}
	}
	for _, name := range sortedKeys(need) {
		if _, given := out[name]; given {
			continue
		}
		v := need[name]
		pl := v.Where[0]
		more := ""
		if len(v.Where) > 1 {
			more = fmt.Sprintf(" (and %d more place(s))", len(v.Where)-1)
		}
		probs = append(probs, Problem{Workflow: pl.File, Node: pl.Node, Field: pl.Path,
			Message: fmt.Sprintf("variable %s has no value: give it under [variables]%s", name, more)})
	}
	return out, probs
}

// onlyInCredentialIDs says a YOUR_ token is a credential slot's reference
// and nothing else: it is resolved as a slot, not filled as text.
func onlyInCredentialIDs(v detect.Variable) bool {
	for _, p := range v.Where {
		if !strings.HasPrefix(p.Path, "credentials.") || !strings.HasSuffix(p.Path, ".id") {
			return false
		}
	}
	return len(v.Where) > 0
}

// slotOf names a credential slot: the reference the nodes share (a
// YOUR_CREDENTIAL_*_ID placeholder, or an id or name from the source
// instance), or the credential type when the node gave none.
func slotOf(c detect.CredSlot) string {
	if c.Ref != "" {
		return c.Ref
	}
	return c.Type
}

// nearest proposes a needed name one or two edits away.
func nearest(name string, names []string) string {
	best, bestD := "", 3
	for _, n := range names {
		if d := editDistance(name, n); d < bestD {
			best, bestD = n, d
		}
	}
	return best
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}
