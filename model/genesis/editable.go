package genesis

import (
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/godmode-console/godmode/model/blueprint/detect"
)

// RecordedValues is what a run keeps of the values it applied: the value of
// every variable that was not secret, only the name of every one that
// was, and the id of every credential slot the values file resolved to an
// existing credential. Credentials the run created are in its steps.
// Nothing in it is a secret, so it may be stored and shown.
type RecordedValues struct {
	Values        map[string]string `json:"values"`
	Secret        []string          `json:"secret"`
	CredentialIDs map[string]string `json:"credential_ids"`
}

// RecordValues is what a run may keep of vals: never a secret's value, never a
// new credential's data.
func RecordValues(vals Values) RecordedValues {
	r := RecordedValues{Values: map[string]string{}, Secret: []string{}, CredentialIDs: map[string]string{}}
	for name, v := range vals.Variables {
		if v.Secret {
			r.Secret = append(r.Secret, name)
			continue
		}
		r.Values[name] = v.V.Reveal()
	}
	sort.Strings(r.Secret)
	for slot, cv := range vals.Credentials {
		if cv.ID != "" {
			r.CredentialIDs[slot] = cv.ID
		}
	}
	return r
}

// OnlyInCredentialIDs says a variable is a credential slot's reference
// and nothing else (it is resolved as a slot, never filled as text).
func OnlyInCredentialIDs(v detect.Variable) bool { return onlyInCredentialIDs(v) }

// Nearest proposes the name in names one or two edits from name ("" when
// none is).
func Nearest(name string, names []string) string { return nearest(name, names) }

// FilledVariables are the names of the variables a plan of v fills from
// values (the workspace slug and credential references left out), sorted.
func FilledVariables(v Version) []string {
	seen := map[string]bool{}
	var out []string
	for _, x := range v.Report.Variables {
		if x.Name == BuiltinSlug || onlyInCredentialIDs(x) || seen[x.Name] {
			continue
		}
		seen[x.Name] = true
		out = append(out, x.Name)
	}
	sort.Strings(out)
	return out
}

// MaxChangeBytes caps one value given on the command line: a variable is
// a name, a link, a paragraph, not a document.
const MaxChangeBytes = 16 << 10

// Changed is what an owner's re-apply is made from.
type Changed struct {
	Version Version
	// Run is the workspace's last succeeded run, whose values are Last.
	Run  int64
	Last RecordedValues
	// Editable are the variables the blueprint marks admin_editable.
	Editable []string
	// Created are slot → id of the credentials earlier runs created (the
	// plan takes them itself).
	Created map[string]string
	// Changes are the requested VAR=VALUE.
	Changes map[string]string
}

// ChangeError refuses an owner's re-apply, naming the variable or slot.
type ChangeError struct {
	Name string // a variable or a credential slot
	Msg  string
}

func (e *ChangeError) Error() string { return e.Name + ": " + e.Msg }

// ChangeErrors is every refusal of one request, in name order.
type ChangeErrors []*ChangeError

func (es ChangeErrors) Error() string {
	s := make([]string, len(es))
	for i, e := range es {
		s[i] = e.Error()
	}
	return strings.Join(s, "; ")
}

// superAdminPath is what a refusal says can still be done.
const superAdminPath = "a super admin re-applies with the values file"

// ComposeValues builds the values of an owner's re-apply: every variable
// from the last succeeded run's record, the changed ones from Changes. It
// refuses a change to a variable the blueprint has not, or does not mark
// admin_editable, and a re-apply the record cannot rebuild (a variable
// given as a secret, whose value was never kept, or a credential slot
// resolved neither by a recorded id nor by one an earlier run created).
// A changed value is kept secret if the variable was last given as one.
func ComposeValues(in Changed) (Values, error) {
	var errs ChangeErrors
	fail := func(name, format string, args ...any) {
		errs = append(errs, &ChangeError{Name: name, Msg: fmt.Sprintf(format, args...)})
	}
	filled := FilledVariables(in.Version)
	needed := map[string]bool{}
	for _, n := range filled {
		needed[n] = true
	}
	editable := map[string]bool{}
	for _, n := range in.Editable {
		editable[n] = true
	}
	secret := map[string]bool{}
	for _, n := range in.Last.Secret {
		secret[n] = true
	}
	if len(in.Changes) == 0 {
		return Values{}, ChangeErrors{{Name: "--set", Msg: "nothing to change: give VAR=VALUE"}}
	}
	for _, name := range sortedKeys(in.Changes) {
		v := in.Changes[name]
		switch {
		case name == BuiltinSlug:
			fail(name, "set by godmode to the workspace's slug; it cannot be changed")
		case !needed[name]:
			msg := fmt.Sprintf("blueprint %s@v%d has no variable %s", in.Version.Blueprint, in.Version.Number, name)
			if near := nearest(name, filled); near != "" {
				msg += " (did you mean " + near + "?)"
			}
			fail(name, "%s", msg)
		case !editable[name]:
			fail(name, "is not admin_editable in blueprint %s: only a super admin changes it (with the values file)", in.Version.Blueprint)
		case len(v) > MaxChangeBytes:
			fail(name, "the value is %d bytes, more than the %d a variable may have", len(v), MaxChangeBytes)
		case !utf8.ValidString(v):
			fail(name, "the value is not UTF-8 text")
		}
	}
	if len(in.Last.Values) == 0 && len(in.Last.Secret) == 0 && len(filled) > 0 {
		// A run from before runs kept their values: one refusal, not one
		// per variable.
		errs = append(errs, &ChangeError{Name: fmt.Sprintf("run %d", in.Run), Msg: "recorded no values (it ran before runs kept them): " + superAdminPath})
		return Values{}, errs
	}
	out := Values{File: fmt.Sprintf("the values of run %d and --set", in.Run), Variables: map[string]Value{}, Credentials: map[string]CredentialValue{}}
	for _, name := range filled {
		if v, ok := in.Changes[name]; ok {
			out.Variables[name] = Value{V: NewSecret(v, "--set "+name), Secret: secret[name]}
			continue
		}
		if secret[name] {
			fail(name, "was given as a secret in run %d, and a secret's value is never kept: %s", in.Run, superAdminPath)
			continue
		}
		v, ok := in.Last.Values[name]
		if !ok {
			fail(name, "run %d recorded no value for it: %s", in.Run, superAdminPath)
			continue
		}
		out.Variables[name] = Value{V: NewSecret(v, fmt.Sprintf("run %d", in.Run))}
	}
	slots := map[string]bool{}
	for _, c := range in.Version.Report.Credentials {
		slots[slotOf(c)] = true
	}
	for _, slot := range sortedKeys(slots) {
		switch {
		case in.Last.CredentialIDs[slot] != "":
			out.Credentials[slot] = CredentialValue{ID: in.Last.CredentialIDs[slot]}
		case in.Created[slot] != "":
			// The plan resolves it to the credential the earlier run made.
		default:
			fail(slot, "credential slot not resolved by run %d's record (neither an id given nor a credential an earlier run created): %s", in.Run, superAdminPath)
		}
	}
	if len(errs) > 0 {
		sort.SliceStable(errs, func(i, j int) bool { return errs[i].Name < errs[j].Name })
		return Values{}, errs
	}
	return out, nil
}
