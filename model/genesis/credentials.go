package genesis

import (
	"context"
	"fmt"
	"strings"

	"github.com/godmode-console/godmode/model/blueprint/detect"
)

// resolveCredentials resolves every slot: the values file first, then an
// id an earlier run recorded; a new credential's fields are checked
// against n8n's schema for its type.
func resolveCredentials(ctx context.Context, in Input, schemas SchemaSource) ([]CredentialPlan, []Problem) {
	var probs []Problem
	types := map[string][]string{}
	first := map[string]detect.CredSlot{}
	for _, c := range in.Version.Report.Credentials {
		s := slotOf(c)
		if _, ok := first[s]; !ok {
			first[s] = c
		}
		if c.Type != "" && !contains(types[s], c.Type) {
			types[s] = append(types[s], c.Type)
		}
	}
	vf := in.Values.File
	for _, slot := range sortedKeys(in.Values.Credentials) {
		if _, ok := first[slot]; !ok {
			cv := in.Values.Credentials[slot]
			msg := "the blueprint has no credential slot " + slot
			if near := nearest(slot, sortedKeys(first)); near != "" {
				msg += " (did you mean " + near + "?)"
			}
			probs = append(probs, Problem{File: vf, Line: cv.Line, Field: "credentials." + slot, Message: msg})
		}
	}
	cache := map[string]*CredentialSchema{}
	var out []CredentialPlan
	for _, slot := range sortedKeys(first) {
		c := first[slot]
		ts := types[slot]
		typ := ""
		if len(ts) == 1 {
			typ = ts[0]
		}
		cv, given := in.Values.Credentials[slot]
		switch {
		case given && cv.ID != "":
			out = append(out, CredentialPlan{Slot: slot, Type: typ, ID: cv.ID, From: "values"})
		case given && cv.New != nil && len(in.Workspace.Existing) > 0 && in.Workspace.Credentials[slot] != "":
			// The name the earlier run gave it, which n8n wrote into the
			// nodes' references: the same values give the same name.
			name := cv.New.Name
			if name == "" {
				name = in.Workspace.Slug + " " + typ
			}
			out = append(out, CredentialPlan{Slot: slot, Type: typ, ID: in.Workspace.Credentials[slot], From: FromKept, Name: name})
		case given && cv.New != nil:
			field := "credentials." + slot
			switch {
			case len(ts) > 1:
				probs = append(probs, Problem{File: vf, Line: cv.Line, Field: field, Message: fmt.Sprintf("nodes use this slot as %s: one new credential cannot be all of them; give an id, or split the slot in the blueprint", strings.Join(ts, " and "))})
				continue
			case typ == "":
				probs = append(probs, Problem{File: vf, Line: cv.Line, Field: field, Message: "the blueprint does not say this slot's credential type; give an existing credential's id"})
				continue
			case cv.New.Type != typ:
				probs = append(probs, Problem{File: vf, Line: cv.Line, Field: field + ".type", Message: fmt.Sprintf("is %q but the nodes (e.g. %q in %s) use %s", cv.New.Type, c.Node, c.File, typ)})
				continue
			}
			nc := *cv.New
			if nc.Name == "" {
				nc.Name = in.Workspace.Slug + " " + typ
			}
			probs = append(probs, checkNewCredential(ctx, schemas, cache, vf, slot, cv, nc)...)
			out = append(out, CredentialPlan{Slot: slot, Type: typ, New: &nc, From: "values"})
		case in.Workspace.Credentials[slot] != "":
			// Named as the live nodes name it, so a re-apply that gives no
			// values for the slot (an owner's change) renders the
			// references as they are instead of rewriting every workflow.
			id := in.Workspace.Credentials[slot]
			out = append(out, CredentialPlan{Slot: slot, Type: typ, ID: id, From: "earlier run", Name: liveCredentialName(in.Workspace.Existing, id)})
		default:
			probs = append(probs, Problem{Workflow: c.File, Node: c.Node, Field: "credentials." + c.Type,
				Message: fmt.Sprintf("credential slot %s (%s) is not resolved: give [credentials.%s] with id = \"…\" of an existing credential, or type and data for a new one (n8n would accept the workflow and fail only when the node runs)", slot, typeOrAny(typ), slot)})
		}
	}
	return out, probs
}

func typeOrAny(t string) string {
	if t == "" {
		return "type not given"
	}
	return t
}

func checkNewCredential(ctx context.Context, schemas SchemaSource, cache map[string]*CredentialSchema, vf, slot string, cv CredentialValue, nc NewCredential) []Problem {
	field := "credentials." + slot
	if schemas == nil {
		return []Problem{{File: vf, Line: cv.Line, Field: field, Message: "a new credential needs n8n's schema for " + nc.Type + ", and no n8n was asked"}}
	}
	sc := cache[nc.Type]
	if sc == nil {
		raw, err := schemas.CredentialSchema(ctx, nc.Type)
		if err != nil {
			return []Problem{{File: vf, Line: cv.Line, Field: field + ".type", Message: fmt.Sprintf("n8n gave no schema for credential type %s: %v", nc.Type, err)}}
		}
		if sc, err = ParseCredentialSchema(nc.Type, raw); err != nil {
			return []Problem{{File: vf, Line: cv.Line, Field: field + ".type", Message: err.Error()}}
		}
		cache[nc.Type] = sc
	}
	var out []Problem
	for _, fp := range sc.Validate(nc.Data) {
		line := cv.Line
		if l := nc.Lines[fp.Field]; l > 0 {
			line = l
		}
		f := field + ".data"
		if fp.Field != "" {
			f += "." + fp.Field
		}
		out = append(out, Problem{File: vf, Line: line, Field: f, Message: fp.Msg})
	}
	return out
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

// liveCredentialName is the name the existing workflows' nodes give
// credential id ("" if none refers to it).
func liveCredentialName(existing map[string]ExistingWorkflow, id string) string {
	for _, file := range sortedKeys(existing) {
		if n := existing[file].CredentialNames[id]; n != "" {
			return n
		}
	}
	return ""
}
