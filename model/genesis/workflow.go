package genesis

import (
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/godmode-console/godmode/model/blueprint/detect"
)

// planWorkflow renders one workflow: values filled, credentials bound to
// their slots' resolutions, webhook paths namespaced with fresh ids, the
// name prefixed; then refuses any placeholder left.
func planWorkflow(file string, raw json.RawMessage, slug string, vals map[string]Value, creds map[string]CredentialPlan, refs map[string]string, ids func(node string) string) (WorkflowPlan, []Problem, []Problem) {
	w := WorkflowPlan{File: file}
	doc, err := decodeJSON(raw)
	if err != nil {
		return w, []Problem{{Workflow: file, Message: "the stored workflow is not JSON: " + err.Error()}}, nil
	}
	blueprintName, _ := doc["name"].(string) // before rendering
	// The preview is a copy of the tree, not a second decode: the same
	// document at a fraction of the cost (a plan renders every workflow of
	// every workspace provisioned).
	preview := copyJSON(doc).(map[string]any)
	real := &renderer{file: file, vals: vals, reveal: true}
	masked := &renderer{file: file, vals: vals}
	var probs, notes []Problem

	render := func(doc map[string]any, r *renderer) {
		if name, ok := doc["name"].(string); ok {
			doc["name"] = r.str("", "", "name", name)
		}
		if s, ok := doc["settings"]; ok {
			doc["settings"] = walkStrings(s, "settings", func(path, s string) string { return r.str("", "", path, s) })
		}
		nodes, _ := doc["nodes"].([]any)
		for _, n := range nodes {
			m, _ := n.(map[string]any)
			name, _ := m["name"].(string)
			typ, _ := m["type"].(string)
			for _, k := range sortedKeys(m) {
				switch k {
				case "name", "id", "type", "webhookId", "credentials":
					continue // identity, or bound below
				}
				m[k] = walkStrings(m[k], k, func(path, s string) string {
					out, moved := rewriteHookRefs(r.str(name, typ, path, s), refs)
					if r == real {
						for _, old := range moved {
							notes = append(notes, Problem{Workflow: file, Node: name, Field: path,
								Message: fmt.Sprintf("the link to the blueprint's webhook path %s now points at %s", old, refs[old])})
						}
					}
					return out
				})
			}
		}
	}
	render(doc, real)
	render(preview, masked)
	probs = append(probs, real.probs...)

	// Webhooks and credentials, the same in both renderings.
	nodesReal, _ := doc["nodes"].([]any)
	nodesPrev, _ := preview["nodes"].([]any)
	for i, n := range nodesReal {
		m, _ := n.(map[string]any)
		pm, _ := nodesPrev[i].(map[string]any)
		name, _ := m["name"].(string)
		typ, _ := m["type"].(string)
		if _, has := m["webhookId"]; has || isWebhookNode(typ) {
			id := ids(name)
			m["webhookId"], pm["webhookId"] = id, id
		}
		if isWebhookNode(typ) {
			hp, hprob := namespaceWebhook(file, name, slug, m, pm)
			if hprob != nil {
				probs = append(probs, *hprob)
			} else {
				w.Webhooks = append(w.Webhooks, hp)
			}
		}
		if c, ok := m["credentials"].(map[string]any); ok {
			pc, _ := pm["credentials"].(map[string]any)
			for _, ctyp := range sortedKeys(c) {
				slot := slotOf(detect.CredSlot{Type: ctyp, Ref: credentialRef(c[ctyp])})
				res, ok := creds[slot]
				if !ok {
					continue // named by resolveCredentials
				}
				entry := map[string]any{"id": res.ID}
				if oldName := credentialName(c[ctyp]); oldName != "" {
					entry["name"] = real.str(name, typ, "credentials."+ctyp+".name", oldName)
				}
				if res.Name != "" {
					entry["name"] = res.Name
				}
				if res.New != nil {
					entry["name"] = res.New.Name
					w.Pending = append(w.Pending, PendingCredential{Node: name, Type: ctyp, Slot: slot})
				}
				c[ctyp] = entry
				pe := map[string]any{"id": res.ID}
				if n, ok := entry["name"].(string); ok {
					pe["name"] = n
					if res.New == nil && res.Name == "" {
						pe["name"] = masked.str(name, typ, "credentials."+ctyp+".name", credentialName(pc[ctyp]))
					}
				}
				if res.New != nil {
					pe["id"] = "(created by this run: " + slot + ")"
				}
				pc[ctyp] = pe
			}
		}
	}

	name, _ := doc["name"].(string)
	// A name that starts with the slug token (capture names a workspace's
	// "ohio · Email 1" so) gets the slug once, in the prefix's form, not
	// "ohio - ohio · Email 1".
	if strings.HasPrefix(blueprintName, BuiltinSlug) && strings.HasPrefix(name, slug) {
		if rest := strings.TrimLeft(name[len(slug):], " ·-–—:|/"); rest != "" {
			name = slug + " - " + rest
		}
	}
	if !strings.HasPrefix(name, slug+" - ") {
		name = slug + " - " + name
	}
	doc["name"], preview["name"] = name, name
	w.Name = name
	if n := utf8.RuneCountInString(name); n > MaxWorkflowName {
		probs = append(probs, Problem{Workflow: file, Field: "name", Message: fmt.Sprintf("the prefixed name has %d characters; n8n takes at most %d", n, MaxWorkflowName)})
	}

	// Pending credential ids are "" until created: nothing to find there.
	probs = append(probs, leftovers(file, doc)...)

	body, err := encodeJSON(doc)
	if err != nil {
		probs = append(probs, Problem{Workflow: file, Message: err.Error()})
	}
	w.body = NewSecret(string(body), "rendered")
	w.Preview, _ = encodeJSON(preview)
	return w, probs, notes
}

func credentialRef(v any) string {
	switch e := v.(type) {
	case string:
		return e
	case map[string]any:
		if id, ok := e["id"].(string); ok && id != "" {
			return id
		}
		if nm, ok := e["name"].(string); ok {
			return nm
		}
	}
	return ""
}

func credentialName(v any) string {
	if e, ok := v.(map[string]any); ok {
		n, _ := e["name"].(string)
		return n
	}
	return ""
}

// warnings are what runs but probably does not do what it should on
// the target instance.
func warnings(file string, raw json.RawMessage) []Problem {
	var doc struct {
		Settings map[string]any `json:"settings"`
	}
	_ = json.Unmarshal(raw, &doc)
	if id, _ := doc.Settings["errorWorkflow"].(string); id != "" && len(detect.Placeholders(id)) == 0 {
		return []Problem{{Workflow: file, Field: "settings.errorWorkflow", Message: fmt.Sprintf("points at workflow %s of the instance the blueprint came from; on the target it is another workflow or none", id)}}
	}
	return nil
}
