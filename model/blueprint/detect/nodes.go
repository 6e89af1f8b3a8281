package detect

import (
	"sort"
	"strings"
)

// credentials records each entry of a node's credentials map. n8n 1.x gives
// {id, name}; pre-1.0 exports give the credential's name as a plain string;
// some scrubbers replace the whole map with a string ("[REDACTED]").
func (a *analysis) credentials(n nodeCtx, v any) {
	switch c := v.(type) {
	case string:
		if c != "" {
			a.creds[CredSlot{File: n.file, Node: n.name, Ref: c}] = true
		}
	case map[string]any:
		for _, typ := range sortedKeys(c) {
			ref := ""
			switch e := c[typ].(type) {
			case string:
				ref = e
			case map[string]any:
				if id, ok := e["id"].(string); ok && id != "" {
					ref = id
				} else if nm, ok := e["name"].(string); ok {
					ref = nm
				}
			}
			a.creds[CredSlot{File: n.file, Node: n.name, Type: typ, Ref: ref}] = true
		}
	}
}

func (a *analysis) webhookAndTrigger(n nodeCtx) {
	short := n.shortType()
	if short == "webhook" {
		method := "GET" // n8n's default when httpMethod is absent
		switch m := n.params["httpMethod"].(type) {
		case string:
			if m != "" {
				method = m
			}
		case []any:
			var ms []string
			for _, e := range m {
				if s, ok := e.(string); ok {
					ms = append(ms, s)
				}
			}
			sort.Strings(ms)
			method = strings.Join(ms, ",")
		}
		path, _ := n.params["path"].(string)
		a.hooks[Webhook{File: n.file, Node: n.name, Method: method, Path: path}] = true
	}
	if kind := triggerKind(short); kind != "" {
		a.trigs[Trigger{File: n.file, Node: n.name, Kind: kind}] = true
	}
}

// triggerKind maps a node type's last segment to a trigger kind, "" when
// the node does not start its workflow.
func triggerKind(short string) string {
	switch short {
	case "scheduleTrigger", "cron", "interval":
		return TriggerSchedule
	case "gmailTrigger":
		return TriggerGmail
	case "webhook":
		return TriggerWebhook
	case "executeWorkflowTrigger":
		return TriggerSubworkflow
	}
	if strings.HasSuffix(short, "Trigger") || short == "start" {
		return short
	}
	return ""
}
