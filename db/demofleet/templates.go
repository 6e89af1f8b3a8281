package demofleet

import (
	"encoding/json"
	"fmt"

	"github.com/godmode-console/godmode/model"
	"github.com/godmode-console/godmode/n8n"
	"github.com/godmode-console/godmode/n8n/n8ntest"
)

// The fleet is the same every time, so screens can be compared.

// Workspace is one tenant of the fleet.
type Workspace struct {
	Slug, Name string
	Instance   string // "" : not on any n8n yet
	Status     model.WorkspaceStatus
	Reason     string // why it is frozen
}

// Workspaces is the whole fleet, in the order it is seeded.
var Workspaces = []Workspace{
	{"ohio", "Ohio Roofing Co.", "legacy-shared", model.WorkspaceActive, ""},
	{"kentucky", "Kentucky Solar", "legacy-shared", model.WorkspaceActive, ""},
	{"indiana", "Indiana HVAC Pros", "legacy-shared", model.WorkspaceActive, ""},
	{"texas", "Texas Legal Group", "n8n-texas", model.WorkspaceActive, ""},
	{"florida", "Florida Pools", "n8n-florida", model.WorkspaceActive, ""},
	{"georgia", "Georgia Dental", "n8n-georgia", model.WorkspaceActive, ""},
	{"arizona", "Arizona Movers", "n8n-arizona", model.WorkspaceActive, ""},
	{"oregon", "Oregon Coffee Roasters", "n8n-oregon", model.WorkspaceActive, ""},
	{"vermont", "Vermont Maple Supply", "n8n-vermont", model.WorkspaceActive, ""},
	{"nevada", "Nevada Event Staffing", "n8n-nevada", model.WorkspaceSuspended, "invoice 2026-10 unpaid"},
	{"maine", "Maine Lobster Direct", "n8n-maine", model.WorkspaceError, ""},
	{"utah", "Utah Ski Rentals", "n8n-utah", model.WorkspaceProvisioning, ""},
	{"idaho", "Idaho Landscaping", "", model.WorkspaceAwaitingSetup, ""},
	{"alaska", "Alaska Charters", "", model.WorkspaceAwaitingSetup, ""},
}

// Template is one of the platform's workflow templates: every workspace
// on an n8n runs one campaign of each.
type Template struct {
	Name        string
	Nodes       func(path string) []n8n.Node // the workflow's nodes, its webhook on path
	Connections string
	Fail        n8ntest.ExecutionSpec // how its failures look
	Waits       bool                  // its runs stop at a Wait node
}

func node(name, typ string, x float64, params string) n8n.Node {
	return n8n.Node{Name: name, Type: typ, TypeVersion: 1, Position: []float64{x, 0}, Parameters: json.RawMessage(params)}
}

func webhook(path string) n8n.Node {
	n := node("Webhook", n8n.WebhookNodeType, 0, fmt.Sprintf(`{"path":%q,"httpMethod":"POST"}`, path))
	n.WebhookID = path
	return n
}

func chain(names ...string) string {
	b, _ := json.Marshal(links(names...))
	return string(b)
}

func links(names ...string) map[string]any {
	m := map[string]any{}
	for i := 0; i+1 < len(names); i++ {
		m[names[i]] = map[string]any{"main": [][]map[string]any{{to(names[i+1])}}}
	}
	return m
}

func to(node string) map[string]any { return map[string]any{"node": node, "type": "main", "index": 0} }

// loop is names in a chain ending at a "Loop Over Items" node whose loop
// output runs body and comes back, and whose done output runs after.
func loop(names []string, body string, after string) string {
	m := links(append(names, "Loop Over Items")...)
	done := []map[string]any{}
	if after != "" {
		done = append(done, to(after))
	}
	m["Loop Over Items"] = map[string]any{"main": [][]map[string]any{done, {to(body)}}}
	m[body] = map[string]any{"main": [][]map[string]any{{to("Loop Over Items")}}}
	b, _ := json.Marshal(m)
	return string(b)
}

// Templates are the campaigns of every workspace on an n8n.
var Templates = []Template{
	{Name: "Email 1", Nodes: emailNodes, Connections: chain("Webhook", "Enrich Lead", "Email Sender"),
		Fail: n8ntest.ExecutionSpec{FailAt: "Email Sender", Message: "SMTP 550: mailbox unavailable for bounce@target.com [line 2]"}},
	{Name: "Email 2", Nodes: emailNodes, Connections: chain("Webhook", "Enrich Lead", "Email Sender"),
		Fail: n8ntest.ExecutionSpec{FailAt: "Email Sender", Message: "SMTP 550: mailbox unavailable for bounce@target.com [line 2]"}},
	{Name: "Email 3", Nodes: emailNodes, Connections: chain("Webhook", "Enrich Lead", "Email Sender"),
		Fail: n8ntest.ExecutionSpec{FailAt: "Email Sender", Message: "SMTP 421: too many connections from your IP [line 2]"}},
	{Name: "Research Report", Nodes: researchNodes, Connections: loop([]string{"Webhook", "Prepare Lead", "Attach Brochures"}, "OpenAI Agent", ""),
		Fail: n8ntest.ExecutionSpec{FailAt: "OpenAI Agent", HTTPCode: "429", Message: "The service is receiving too many requests from you", Binary: true}},
	{Name: "Email Preparation", Nodes: prepNodes, Connections: loop([]string{"Webhook"}, "Classify", ""),
		Fail: n8ntest.ExecutionSpec{FailAt: "Classify", Message: "Cannot read properties of undefined (reading 'industry') [line 4]"}},
	{Name: "Reply Tracker", Nodes: replyNodes, Connections: loop([]string{"Webhook"}, "Check Inbox", "Replied?"),
		Fail: n8ntest.ExecutionSpec{FailAt: "Check Inbox", HTTPCode: "401", Message: "Authorization failed - please check your credentials"}},
	{Name: "Follow-up Wait", Nodes: waitNodes, Connections: chain("Webhook", "Wait 3 Days", "Done"),
		Fail: n8ntest.ExecutionSpec{FailAt: "Wait 3 Days", Message: "The resume URL expired before the lead replied"}, Waits: true},
	{Name: "Opt-Out", Nodes: optOutNodes, Connections: chain("Webhook", "Mark Opted Out"),
		Fail: n8ntest.ExecutionSpec{FailAt: "Mark Opted Out", Message: "duplicate key value violates unique constraint \"leads_email_norm_key\""}},
}

func emailNodes(path string) []n8n.Node {
	return []n8n.Node{webhook(path),
		node("Enrich Lead", "n8n-nodes-base.code", 220, `{"jsCode":"return $input.all().map(i => ({json: {...i.json, first_name: i.json.full_name.split(' ')[0]}}));"}`),
		node("Email Sender", "n8n-nodes-base.code", 440, `{"jsCode":"for (const item of $input.all()) {\n  if (item.json.email_address.startsWith('bounce@')) throw new Error('SMTP 550: mailbox unavailable for ' + item.json.email_address);\n}\nreturn $input.all();"}`)}
}

func researchNodes(path string) []n8n.Node {
	return []n8n.Node{webhook(path),
		node("Prepare Lead", "n8n-nodes-base.code", 220, `{"jsCode":"return $input.all();"}`),
		node("Attach Brochures", "n8n-nodes-base.code", 440, `{"jsCode":"return $input.all();"}`),
		node("Loop Over Items", "n8n-nodes-base.splitInBatches", 660, `{"batchSize":50}`),
		node("OpenAI Agent", "n8n-nodes-base.httpRequest", 880, `{"method":"POST","url":"https://api.openai.com/v1/chat/completions"}`)}
}

func prepNodes(path string) []n8n.Node {
	return []n8n.Node{webhook(path),
		node("Loop Over Items", "n8n-nodes-base.splitInBatches", 220, `{"batchSize":1}`),
		node("Classify", "n8n-nodes-base.code", 440, `{"jsCode":"// Segment each lead by industry for the email copy.\nreturn $input.all().map(i => {\n  const lead = i.json.lead;\n  const segment = lead.industry.toLowerCase();\n  return {json: {...i.json, segment}};\n});"}`)}
}

func replyNodes(path string) []n8n.Node {
	return []n8n.Node{webhook(path),
		node("Loop Over Items", "n8n-nodes-base.splitInBatches", 220, `{"batchSize":1}`),
		node("Check Inbox", "n8n-nodes-base.httpRequest", 440, `{"url":"https://gmail.googleapis.com/gmail/v1/users/me/messages"}`),
		node("Replied?", "n8n-nodes-base.if", 660, `{}`)}
}

func waitNodes(path string) []n8n.Node {
	return []n8n.Node{webhook(path),
		node("Wait 3 Days", "n8n-nodes-base.wait", 220, `{"amount":3,"unit":"days"}`),
		node("Done", "n8n-nodes-base.noOp", 440, `{}`)}
}

func optOutNodes(path string) []n8n.Node {
	return []n8n.Node{webhook(path), node("Mark Opted Out", "n8n-nodes-base.postgres", 220, `{"operation":"update","table":"leads"}`)}
}
