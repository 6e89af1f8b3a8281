package blueprint

import (
	"fmt"
	"slices"
	"sort"
	"strings"
)

// What n8n 1.x's public API takes on POST /workflows (its workflow schema;
// n8n/n8ntest/validate.go holds the same lists for the fake). Anything else
// is refused by the call, so it is dropped here with a warning.
var (
	keptTopLevel  = []string{"name", "nodes", "connections", "settings"}
	keptNodeField = []string{"id", "name", "webhookId", "disabled", "notesInFlow", "notes", "type", "typeVersion",
		"executeOnce", "alwaysOutputData", "retryOnFail", "maxTries", "waitBetweenTries", "continueOnFail", "onError",
		"position", "parameters", "credentials"}
	keptSettings = []string{"saveExecutionProgress", "saveManualExecutions", "saveDataErrorExecution",
		"saveDataSuccessExecution", "executionTimeout", "errorWorkflow", "timezone", "executionOrder", "callerPolicy",
		"callerIds", "timeSavedPerExecution", "availableInMCP"}
	// Values n8n fills in itself or leaves out: dropped, so a workflow
	// read back from n8n normalises as the file it was made from did and a
	// capture differs only where values do. n8n 1.x adds the two settings
	// on create (2.41.1 does not); godmode's client omits false flags.
	// Both seen on the real majors (n8n/doc.go, "What create keeps").
	defaultNodeFlags = []string{"disabled", "notesInFlow", "executeOnce", "alwaysOutputData", "retryOnFail", "continueOnFail"}
	defaultSettings  = map[string]any{"callerPolicy": "workflowsFromSameOwner", "availableInMCP": false}
)

// normalise checks one workflow and returns it reduced to what n8n's create
// call accepts. Refusals are what n8n would refuse or could not run;
// warnings are what is dropped or looks wrong but runs.
func normalise(p piece) (doc map[string]any, nodes int, errs, warns []Problem) {
	file := p.label
	errf := func(node, format string, args ...any) {
		errs = append(errs, Problem{File: file, Node: node, Message: fmt.Sprintf(format, args...)})
	}
	warnf := func(node, format string, args ...any) {
		warns = append(warns, Problem{File: file, Node: node, Message: fmt.Sprintf(format, args...)})
	}
	doc = map[string]any{}

	if dropped := droppedKeys(p.doc, keptTopLevel); len(dropped) > 0 {
		warnf("", "dropped top-level fields n8n's create call rejects: %s", strings.Join(dropped, ", "))
	}
	switch name := p.doc["name"].(type) {
	case string:
		if strings.TrimSpace(name) == "" {
			errf("", "the workflow's name is empty")
		}
		doc["name"] = name
	case nil:
		n := strings.TrimSuffix(strings.TrimSuffix(file, ".json"), ".JSON")
		warnf("", "the workflow has no name; it is named %q after its file", n)
		doc["name"] = n
	default:
		errf("", "the workflow's name is %s, not a string", jsonKind(name))
	}

	rawNodes, has := p.doc["nodes"]
	list, isList := rawNodes.([]any)
	switch {
	case !has || rawNodes == nil:
		errf("", "the workflow has no nodes")
		return nil, 0, errs, warns
	case !isList:
		errf("", "nodes is %s, not an array", jsonKind(rawNodes))
		return nil, 0, errs, warns
	case len(list) == 0:
		errf("", "the workflow has no nodes (an empty array)")
		return nil, 0, errs, warns
	}

	names := map[string][]int{}
	var order []string
	outNodes := make([]any, 0, len(list))
	for i, raw := range list {
		n, ok := raw.(map[string]any)
		if !ok {
			errf("", "nodes[%d] is %s, not an object", i, jsonKind(raw))
			continue
		}
		name, _ := n["name"].(string)
		if strings.TrimSpace(name) == "" {
			errf("", "nodes[%d] has no name", i)
			continue
		}
		if _, seen := names[name]; !seen {
			order = append(order, name)
		}
		names[name] = append(names[name], i)
		if t, _ := n["type"].(string); t == "" {
			errf(name, "the node has no type")
		}
		if id, _ := n["id"].(string); id == "" {
			warnf(name, "the node has no id (n8n gives it one on create)")
		}
		out := map[string]any{}
		for k, v := range n {
			if slices.Contains(keptNodeField, k) {
				out[k] = v
			}
		}
		for _, f := range defaultNodeFlags {
			if out[f] == false {
				delete(out, f)
			}
		}
		if out["notes"] == "" {
			delete(out, "notes")
		}
		if _, has := out["parameters"]; !has {
			out["parameters"] = map[string]any{}
		}
		if dropped := droppedKeys(n, keptNodeField); len(dropped) > 0 {
			warnf(name, "dropped node fields n8n's create call rejects: %s", strings.Join(dropped, ", "))
		}
		switch c := n["credentials"].(type) {
		case nil:
		case map[string]any:
			for typ, ref := range c {
				if _, isName := ref.(string); isName {
					warnf(name, "credential %s is given by name only (a pre-1.0 export): the slot must be set when provisioning", typ)
				}
			}
		default:
			warnf(name, "credentials is %s, not an object (a scrubbed export); dropped: the slot must be set when provisioning", jsonKind(c))
			delete(out, "credentials")
		}
		outNodes = append(outNodes, out)
	}
	for _, name := range order {
		if at := names[name]; len(at) > 1 {
			idx := make([]string, len(at))
			for i, a := range at {
				idx[i] = fmt.Sprintf("nodes[%d]", a)
			}
			errf(name, "duplicate node name: %d nodes are named so (%s); n8n wires connections by name", len(at), strings.Join(idx, ", "))
		}
	}
	doc["nodes"] = outNodes

	switch c := p.doc["connections"].(type) {
	case nil:
		warnf("", "the workflow has no connections; an empty map is sent")
		doc["connections"] = map[string]any{}
	case map[string]any:
		checkConnections(c, names, warnf)
		doc["connections"] = c
	default:
		errf("", "connections is %s, not an object", jsonKind(c))
	}

	settings := map[string]any{}
	switch s := p.doc["settings"].(type) {
	case nil:
	case map[string]any:
		for k, v := range s {
			if d, isDefault := defaultSettings[k]; isDefault && d == v {
				continue
			}
			if slices.Contains(keptSettings, k) {
				settings[k] = v
			}
		}
		if dropped := droppedKeys(s, keptSettings); len(dropped) > 0 {
			warnf("", "dropped settings n8n's create call rejects: %s", strings.Join(dropped, ", "))
		}
	default:
		warnf("", "settings is %s, not an object; dropped", jsonKind(s))
	}
	doc["settings"] = settings
	return doc, len(outNodes), errs, warns
}

// checkConnections warns about wiring that names nodes that do not exist:
// n8n stores it, and the node it should reach never runs.
func checkConnections(c map[string]any, names map[string][]int, warnf func(node, format string, args ...any)) {
	srcs := make([]string, 0, len(c))
	for k := range c {
		srcs = append(srcs, k)
	}
	sort.Strings(srcs)
	var missingSrc []string
	for _, src := range srcs {
		if _, ok := names[src]; !ok {
			missingSrc = append(missingSrc, src)
			continue
		}
		byType, _ := c[src].(map[string]any)
		var missing []string
		for _, outs := range byType {
			outList, _ := outs.([]any)
			for _, out := range outList {
				targets, _ := out.([]any)
				for _, t := range targets {
					tm, _ := t.(map[string]any)
					node, _ := tm["node"].(string)
					if _, ok := names[node]; !ok && !slices.Contains(missing, node) {
						missing = append(missing, node)
					}
				}
			}
		}
		if len(missing) > 0 {
			sort.Strings(missing)
			warnf(src, "connections lead to %d node(s) that do not exist: %s", len(missing), shortList(missing))
		}
	}
	if len(missingSrc) > 0 {
		warnf("", "connections start from %d node(s) that do not exist: %s", len(missingSrc), shortList(missingSrc))
	}
}

func shortList(s []string) string {
	q := make([]string, 0, 5)
	for i, v := range s {
		if i == 5 {
			q = append(q, fmt.Sprintf("and %d more", len(s)-5))
			break
		}
		q = append(q, fmt.Sprintf("%q", v))
	}
	return strings.Join(q, ", ")
}

func droppedKeys(m map[string]any, kept []string) []string {
	var out []string
	for k := range m {
		if !slices.Contains(kept, k) {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}
