package n8n

import (
	"encoding/json"
	"strings"
	"time"
)

// Workflow is an n8n workflow as the public API returns it. Parts godmode
// does not interpret (connections, settings values, static and pinned
// data, node parameters) stay raw JSON so that an update sends back
// exactly what n8n gave.
type Workflow struct {
	ID              string                     `json:"id"`
	Name            string                     `json:"name"`
	Active          bool                       `json:"active"`
	IsArchived      bool                       `json:"isArchived,omitempty"`
	Nodes           []Node                     `json:"nodes"`
	Connections     json.RawMessage            `json:"connections"`
	Settings        map[string]json.RawMessage `json:"settings"`
	StaticData      json.RawMessage            `json:"staticData,omitempty"`
	PinData         json.RawMessage            `json:"pinData,omitempty"`
	Meta            json.RawMessage            `json:"meta,omitempty"`
	VersionID       string                     `json:"versionId,omitempty"`
	ActiveVersionID *string                    `json:"activeVersionId,omitempty"`
	TriggerCount    int                        `json:"triggerCount,omitempty"`
	Tags            []Tag                      `json:"tags,omitempty"`
	CreatedAt       time.Time                  `json:"createdAt"`
	UpdatedAt       time.Time                  `json:"updatedAt"`
	// Shared and ActiveVersion are kept as n8n sent them (ownership, the
	// published version).
	Shared        json.RawMessage `json:"shared,omitempty"`
	ActiveVersion json.RawMessage `json:"activeVersion,omitempty"`
}

// Node is one node of a workflow. Its fields are exactly those n8n's
// public API accepts for a node; parameters and credentials stay raw.
type Node struct {
	ID               string          `json:"id,omitempty"`
	Name             string          `json:"name"`
	Type             string          `json:"type"`
	TypeVersion      float64         `json:"typeVersion"`
	Position         []float64       `json:"position"`
	WebhookID        string          `json:"webhookId,omitempty"`
	Disabled         bool            `json:"disabled,omitempty"`
	NotesInFlow      bool            `json:"notesInFlow,omitempty"`
	Notes            string          `json:"notes,omitempty"`
	ExecuteOnce      bool            `json:"executeOnce,omitempty"`
	AlwaysOutputData bool            `json:"alwaysOutputData,omitempty"`
	RetryOnFail      bool            `json:"retryOnFail,omitempty"`
	MaxTries         *float64        `json:"maxTries,omitempty"`
	WaitBetweenTries *float64        `json:"waitBetweenTries,omitempty"`
	ContinueOnFail   bool            `json:"continueOnFail,omitempty"`
	OnError          string          `json:"onError,omitempty"`
	Parameters       json.RawMessage `json:"parameters"`
	Credentials      json.RawMessage `json:"credentials,omitempty"`
}

// WebhookNodeType is the type of n8n's Webhook trigger node.
const WebhookNodeType = "n8n-nodes-base.webhook"

// WebhookNode is what godmode needs to know about a webhook trigger.
type WebhookNode struct {
	Name      string // node name
	Path      string // parameters.path, may be empty or dynamic (":id")
	Method    string // parameters.httpMethod (GET when unset, n8n's default)
	WebhookID string
}

// WebhookNodes lists the workflow's Webhook trigger nodes that are enabled.
func (w Workflow) WebhookNodes() []WebhookNode {
	var out []WebhookNode
	for _, n := range w.Nodes {
		if n.Type != WebhookNodeType || n.Disabled {
			continue
		}
		var p struct {
			Path       string `json:"path"`
			HTTPMethod string `json:"httpMethod"`
		}
		_ = json.Unmarshal(n.Parameters, &p) // odd parameters: empty path, the webhookId rule applies
		if p.HTTPMethod == "" {
			p.HTTPMethod = "GET"
		}
		out = append(out, WebhookNode{Name: n.Name, Path: p.Path, Method: p.HTTPMethod, WebhookID: n.WebhookID})
	}
	return out
}

// WebhookURL is the node's production URL under base (the instance's
// WEBHOOK_URL, or its base URL): base/webhook/path; with an empty path
// base/webhook/webhookId; with a dynamic path (":param")
// base/webhook/webhookId/path. It answers only while the workflow is active.
func (n WebhookNode) WebhookURL(base string) string {
	base = strings.TrimRight(base, "/")
	path := strings.Trim(n.Path, "/")
	switch {
	case path == "":
		return base + "/webhook/" + n.WebhookID
	case strings.Contains(path, ":"):
		return base + "/webhook/" + n.WebhookID + "/" + path
	default:
		return base + "/webhook/" + path
	}
}

// acceptedSettings are the settings keys n8n's public API accepts on create
// and update (its schema forbids others, some of which GET returns).
var acceptedSettings = map[string]bool{
	"saveExecutionProgress": true, "saveManualExecutions": true, "saveDataErrorExecution": true,
	"saveDataSuccessExecution": true, "executionTimeout": true, "errorWorkflow": true, "timezone": true,
	"executionOrder": true, "callerPolicy": true, "callerIds": true, "timeSavedPerExecution": true,
	"availableInMCP": true,
}

// workflowBody is what create and update send: only the fields n8n
// accepts. Read-only fields (id, active, tags, versionId, …) are dropped.
type workflowBody struct {
	Name        string                     `json:"name"`
	Nodes       []Node                     `json:"nodes"`
	Connections json.RawMessage            `json:"connections"`
	Settings    map[string]json.RawMessage `json:"settings"`
	StaticData  json.RawMessage            `json:"staticData,omitempty"`
}

func bodyOf(w Workflow) workflowBody {
	b := workflowBody{Name: w.Name, Nodes: make([]Node, len(w.Nodes)), Connections: w.Connections, Settings: map[string]json.RawMessage{}}
	for i, n := range w.Nodes {
		if len(n.Parameters) == 0 || string(n.Parameters) == "null" {
			n.Parameters = json.RawMessage(`{}`)
		}
		if n.Position == nil {
			n.Position = []float64{0, 0}
		}
		b.Nodes[i] = n
	}
	if len(b.Connections) == 0 || string(b.Connections) == "null" {
		b.Connections = json.RawMessage(`{}`)
	}
	for k, v := range w.Settings {
		if acceptedSettings[k] {
			b.Settings[k] = v
		}
	}
	if string(w.StaticData) != "null" {
		b.StaticData = w.StaticData
	}
	return b
}

// Published is the workflow as it runs: for an active workflow whose
// answer carries its published version (activeVersion, with nodes), a
// copy with that version's nodes and connections; otherwise w itself.
// n8n 2.x keeps a draft (versionId) apart from what is published
// (activeVersionId): an edit saved in its editor changes the draft only,
// so whatever a workflow does now (its webhook URLs) must be read here.
func (w Workflow) Published() Workflow {
	if !w.Active || len(w.ActiveVersion) == 0 || string(w.ActiveVersion) == "null" {
		return w
	}
	var v struct {
		VersionID   string          `json:"versionId"`
		Nodes       []Node          `json:"nodes"`
		Connections json.RawMessage `json:"connections"`
	}
	if json.Unmarshal(w.ActiveVersion, &v) != nil || v.Nodes == nil {
		return w
	}
	w.Nodes, w.VersionID = v.Nodes, v.VersionID
	if len(v.Connections) > 0 {
		w.Connections = v.Connections
	}
	return w
}
