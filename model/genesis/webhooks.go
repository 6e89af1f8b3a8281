package genesis

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/godmode-console/godmode/model/blueprint/detect"
)

// isWebhookNode is detect's test: n8n's Webhook node, whose path is
// registered as given (a full path), so it is global to the instance.
func isWebhookNode(typ string) bool {
	if i := strings.LastIndexByte(typ, '.'); i >= 0 {
		typ = typ[i+1:]
	}
	return typ == "webhook"
}

// namespaceWebhook makes the node's path SLUG/PATH (an empty path becomes
// SLUG/WEBHOOKID, which is what n8n would have registered, namespaced).
func namespaceWebhook(file, node, slug string, m, pm map[string]any) (WebhookPlan, *Problem) {
	params, _ := m["parameters"].(map[string]any)
	pparams, _ := pm["parameters"].(map[string]any)
	if params == nil {
		params, pparams = map[string]any{}, map[string]any{}
		m["parameters"], pm["parameters"] = params, pparams
	}
	path, isStr := params["path"].(string)
	if _, has := params["path"]; has && !isStr {
		return WebhookPlan{}, &Problem{Workflow: file, Node: node, Field: "parameters.path", Message: "the webhook path is not a string"}
	}
	if strings.HasPrefix(path, "=") {
		return WebhookPlan{}, &Problem{Workflow: file, Node: node, Field: "parameters.path", Message: "the webhook path is an expression: it cannot be namespaced for the workspace; make it a plain path in the blueprint"}
	}
	id, _ := m["webhookId"].(string)
	path = strings.Trim(path, "/")
	switch {
	case path == "":
		path = slug + "/" + id
	case !strings.HasPrefix(path, slug+"/"):
		path = slug + "/" + path
	}
	params["path"] = path
	if pparams != nil {
		pparams["path"] = path
	}
	return WebhookPlan{Node: node, Methods: webhookMethods(params), Path: path, WebhookID: id}, nil
}

// webhookMethods reads httpMethod (a string, or a list when the node
// allows several); n8n's default is GET.
func webhookMethods(params map[string]any) []string {
	switch m := params["httpMethod"].(type) {
	case string:
		if m != "" {
			return []string{m}
		}
	case []any:
		var out []string
		for _, e := range m {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
		if len(out) > 0 {
			sort.Strings(out)
			return out
		}
	}
	return []string{"GET"}
}

// WebhookOf reads a node of the target instance for its registered
// path, for WebhookLister implementations: ok is false when the node is
// not a webhook node.
func WebhookOf(typ string, parameters json.RawMessage) (methods []string, path string, ok bool) {
	if !isWebhookNode(typ) {
		return nil, "", false
	}
	var params map[string]any
	_ = json.Unmarshal(parameters, &params)
	path, _ = params["path"].(string)
	return webhookMethods(params), strings.Trim(path, "/"), true
}

// webhookConflicts refuses two webhook nodes of the plan on one path and
// method, and any path a workflow outside the workspace holds.
func webhookConflicts(ctx context.Context, pl *Plan, ws Workspace, lister WebhookLister) []Problem {
	var probs []Problem
	type key struct{ path, method string }
	mine := map[key]string{}
	for _, w := range pl.Workflows {
		for _, h := range w.Webhooks {
			for _, m := range h.Methods {
				k := key{h.Path, m}
				if prev, dup := mine[k]; dup {
					probs = append(probs, Problem{Workflow: w.File, Node: h.Node, Field: "parameters.path",
						Message: fmt.Sprintf("path %s (%s) is also the path of %s: n8n would refuse to activate the second", h.Path, m, prev)})
				}
				mine[k] = fmt.Sprintf("node %q of %s", h.Node, w.File)
			}
		}
	}
	if len(mine) == 0 {
		return probs
	}
	if lister == nil {
		return append(probs, Problem{Message: "the plan has webhook nodes and the target instance's webhook paths were not read"})
	}
	taken, err := lister.TakenWebhooks(ctx)
	if err != nil {
		return append(probs, Problem{Message: "reading the target instance's webhook paths: " + err.Error()})
	}
	for _, w := range pl.Workflows {
		for _, h := range w.Webhooks {
			for _, t := range taken {
				if ws.OwnedWorkflows[t.WorkflowID] || t.Path != h.Path || !overlap(t.Methods, h.Methods) {
					continue
				}
				probs = append(probs, Problem{Workflow: w.File, Node: h.Node, Field: "parameters.path",
					Message: fmt.Sprintf("path %s is taken on the target instance by workflow %s (%q, node %q), which is not this workspace's", h.Path, t.WorkflowID, t.WorkflowName, t.Node)})
			}
		}
	}
	return probs
}

func overlap(a, b []string) bool {
	for _, x := range a {
		if contains(b, x) {
			return true
		}
	}
	return false
}

// webhookRefs maps each static path of the blueprint's Webhook nodes to
// its namespaced one, so links to them inside the workflows follow: the
// base templates put YOUR_N8N_INSTANCE_URL/webhook/Unsubscribe in their
// e-mails, which would 404 once the opt-out webhook is on SLUG/Unsubscribe.
func webhookRefs(hooks []detect.Webhook, slug string) map[string]string {
	out := map[string]string{}
	for _, h := range hooks {
		p := strings.Trim(h.Path, "/")
		if p == "" || strings.HasPrefix(h.Path, "=") || strings.HasPrefix(p, slug+"/") || len(detect.Placeholders(p)) > 0 {
			continue
		}
		out[p] = slug + "/" + p
	}
	return out
}

// rewriteHookRefs points /webhook/PATH and /webhook-test/PATH at the
// namespaced path, where PATH ends the URL's path (so Unsubscribe does not
// match UnsubscribeAll); it returns the paths it rewrote.
func rewriteHookRefs(s string, refs map[string]string) (string, []string) {
	if len(refs) == 0 || !strings.Contains(s, "/webhook") {
		return s, nil
	}
	olds := sortedKeys(refs)
	sort.SliceStable(olds, func(i, j int) bool { return len(olds[i]) > len(olds[j]) })
	var done []string
	for _, old := range olds {
		for _, prefix := range []string{"/webhook/", "/webhook-test/"} {
			needle := prefix + old
			var b strings.Builder
			rest, hit := s, false
			for {
				i := strings.Index(rest, needle)
				if i < 0 {
					break
				}
				end := i + len(needle)
				if end < len(rest) && isPathByte(rest[end]) {
					b.WriteString(rest[:end])
					rest = rest[end:]
					continue
				}
				b.WriteString(rest[:i] + prefix + refs[old])
				rest, hit = rest[end:], true
			}
			if hit {
				b.WriteString(rest)
				s = b.String()
				if !contains(done, old) {
					done = append(done, old)
				}
			}
		}
	}
	return s, done
}

func isPathByte(c byte) bool {
	return c == '-' || c == '_' || c == '.' || c == '~' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}
