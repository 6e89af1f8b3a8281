package genesis

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
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
