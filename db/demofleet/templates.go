package demofleet

import (
	"encoding/json"
	"fmt"
	"hash/fnv"
	"strings"

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
	Sender     string // the address its campaigns send from
}

// Workspaces is the whole fleet, in the order it is seeded.
var Workspaces = []Workspace{
	{"ohio", "Ohio Roofing Co.", "legacy-shared", model.WorkspaceActive, "", "sales@ohio-roofing.com"},
	{"kentucky", "Kentucky Solar", "legacy-shared", model.WorkspaceActive, "", "hello@kysolar.com"},
	{"indiana", "Indiana HVAC Pros", "legacy-shared", model.WorkspaceActive, "", "service@indianahvacpros.com"},
	{"texas", "Texas Legal Group", "n8n-texas", model.WorkspaceActive, "", "intake@txlegalgroup.com"},
	{"florida", "Florida Pools", "n8n-florida", model.WorkspaceActive, "", "info@floridapools.com"},
	{"georgia", "Georgia Dental", "n8n-georgia", model.WorkspaceActive, "", "smile@georgiadental.com"},
	{"arizona", "Arizona Movers", "n8n-arizona", model.WorkspaceActive, "", "quotes@azmovers.com"},
	{"oregon", "Oregon Coffee Roasters", "n8n-oregon", model.WorkspaceActive, "", "beans@oregoncoffee.com"},
	{"vermont", "Vermont Maple Supply", "n8n-vermont", model.WorkspaceActive, "", "orders@vtmaple.com"},
	{"nevada", "Nevada Event Staffing", "n8n-nevada", model.WorkspaceSuspended, "invoice 2026-10 unpaid", "crew@nvevents.com"},
	{"maine", "Maine Lobster Direct", "n8n-maine", model.WorkspaceError, "", "catch@mainelobster.com"},
	{"utah", "Utah Ski Rentals", "n8n-utah", model.WorkspaceProvisioning, "", "rentals@utahski.com"},
	{"idaho", "Idaho Landscaping", "legacy-shared", model.WorkspaceAwaitingSetup, "", ""},
	{"alaska", "Alaska Charters", "", model.WorkspaceAwaitingSetup, "", ""},
}

// NewClient is a tenant the platform set up in n8n before godmode knew
// it: its own n8n, registered, running NewClientCampaigns (tagged
// ws:colorado, with earlier executions) and no workspace yet. It is what
// a new operator onboards first: create the workspace, adopt its
// workflows from :unmanaged. Seeded with the whole fleet only.
var NewClient = Workspace{Slug: "colorado", Name: "Colorado Craft Brewers", Instance: "n8n-colorado", Sender: "taproom@coloradobrewers.com"}

// NewClientCampaigns are the templates NewClient runs, the first active.
var NewClientCampaigns = []string{"Email 1", "Reply Tracker"}

// The demo blueprint: the platform's templates as an operator imports
// them, a YOUR_* token wherever each tenant has its own value (the tokens
// capture proposes, so a workspace captured from the demo differs from
// the blueprint only by those). Every workspace's campaigns are rendered
// from it.
const (
	BlueprintName = "demo-cold-email"
	TokenSlug     = "YOUR_WORKSPACE_SLUG"
	TokenLeads    = "YOUR_LEADS_TABLE"
	TokenSender   = "YOUR_SENDER_EMAIL"
)

// LeadsTable is the workspace's leads table, as the legacy platform names
// it (leads_ohio).
func LeadsTable(slug string) string { return "leads_" + strings.ReplaceAll(slug, "-", "_") }

// Template is one of the platform's workflow templates: every workspace
// on an n8n runs one campaign of each.
type Template struct {
	Name string
	// Nodes are the template's nodes with the webhook on path; the other
	// tenant values are still YOUR_* tokens.
	Nodes       func(path string) []n8n.Node
	Connections string
	Fail        n8ntest.ExecutionSpec // how its failures look
	Waits       bool                  // its runs stop at a Wait node
}

// Workflow is the template as the blueprint holds it: named and pathed by
// the slug token, as every workspace's copy is named by its slug.
func (t Template) Workflow() n8n.Workflow {
	return n8n.Workflow{Name: TokenSlug + " · " + t.Name, Nodes: t.Nodes(TokenSlug + "-" + Slugify(t.Name)),
		Connections: json.RawMessage(t.Connections), Settings: map[string]json.RawMessage{}}
}

// The blueprint's second version guards every webhook with header auth:
// one credential slot (httpHeaderAuth, whose value is a secret) that the
// provisioning wizard fills for ProvisionWorkspace.
const (
	SlotWebhookAuth = "YOUR_CREDENTIAL_WEBHOOK_AUTH_ID"
	// ProvisionWorkspace awaits setup on a shared instance: the one the
	// demo's wizard provisions.
	ProvisionWorkspace = "idaho"
)

// GuardedWorkflow is the template as the blueprint's second version holds
// it: its webhook asks for a header, checked against the slot's credential.
func (t Template) GuardedWorkflow() n8n.Workflow {
	w := t.Workflow()
	for i, n := range w.Nodes {
		if n.Type != n8n.WebhookNodeType {
			continue
		}
		var p map[string]any
		_ = json.Unmarshal(n.Parameters, &p)
		p["authentication"] = "headerAuth"
		w.Nodes[i].Parameters, _ = json.Marshal(p)
		w.Nodes[i].Credentials = json.RawMessage(`{"httpHeaderAuth":{"id":"` + SlotWebhookAuth + `","name":"webhook auth"}}`)
	}
	return w
}

// stableID is a node's id, the same in every copy of a template (n8n keeps
// the ids it is given), so a captured workflow matches the blueprint's
// nodes field by field.
func stableID(parts ...string) string {
	h := fnv.New128a()
	h.Write([]byte(strings.Join(parts, "\x00")))
	b := h.Sum(nil)
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

func node(name, typ string, x float64, params string) n8n.Node {
	return n8n.Node{ID: stableID(name, typ), Name: name, Type: typ, TypeVersion: 1, Position: []float64{x, 0}, Parameters: json.RawMessage(params)}
}

func webhook(path string) n8n.Node {
	n := node("Webhook", n8n.WebhookNodeType, 0, fmt.Sprintf(`{"path":%q,"httpMethod":"POST"}`, path))
	n.WebhookID = stableID("webhook", path)
	return n
}

// leadsTable is a Postgres node's table parameter as n8n's editor writes
// it (a resource locator).
const leadsTable = `{"__rl":true,"mode":"list","value":"` + TokenLeads + `","cachedResultName":"` + TokenLeads + `"}`

const publicSchema = `{"__rl":true,"mode":"list","value":"public"}`

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

// The e-mails read the lead's row from the workspace's leads table (a
// Postgres select, as the platform's templates do) and send from its
// sender address: the line numbers of the sender's code are those its
// failures name.
func emailNodes(path string) []n8n.Node {
	return []n8n.Node{webhook(path),
		node("Enrich Lead", "n8n-nodes-base.postgres", 220, `{"operation":"select","schema":`+publicSchema+`,"table":`+leadsTable+
			`,"where":{"values":[{"column":"email_address","value":"={{ $json.body.email_address }}"}]},"options":{}}`),
		node("Email Sender", "n8n-nodes-base.code", 440, `{"jsCode":"for (const item of $input.all()) {\n  if (item.json.email_address.startsWith('bounce@')) throw new Error('SMTP 550: mailbox unavailable for ' + item.json.email_address);\n}\nconst SENDER = '`+TokenSender+`';\nreturn $input.all().map(i => ({json: {...i.json, sender_email: SENDER}}));"}`)}
}

func researchNodes(path string) []n8n.Node {
	return []n8n.Node{webhook(path),
		node("Prepare Lead", "n8n-nodes-base.postgres", 220, `{"operation":"executeQuery","query":"SELECT * FROM `+TokenLeads+` WHERE research_report IS NULL AND email_address = $1","options":{"queryReplacement":"={{ $json.body.email_address }}"}}`),
		node("Attach Brochures", "n8n-nodes-base.code", 440, `{"jsCode":"return $input.all();"}`),
		node("Loop Over Items", "n8n-nodes-base.splitInBatches", 660, `{"batchSize":50}`),
		node("OpenAI Agent", "n8n-nodes-base.httpRequest", 880, `{"method":"POST","url":"https://api.openai.com/v1/chat/completions"}`)}
}

func prepNodes(path string) []n8n.Node {
	return []n8n.Node{webhook(path),
		node("Loop Over Items", "n8n-nodes-base.splitInBatches", 220, `{"batchSize":1}`),
		node("Classify", "n8n-nodes-base.code", 440, `{"jsCode":"// Segment each lead by industry for the email copy.\nreturn $input.all().map(i => {\n  const lead = i.json.lead;\n  const segment = lead.industry.toLowerCase();\n  return {json: {...i.json, segment, sender_email: '`+TokenSender+`'}};\n});"}`)}
}

// The reply tracker reads the sender's own mailbox (Gmail's API takes the
// address as the user id).
func replyNodes(path string) []n8n.Node {
	return []n8n.Node{webhook(path),
		node("Loop Over Items", "n8n-nodes-base.splitInBatches", 220, `{"batchSize":1}`),
		node("Check Inbox", "n8n-nodes-base.httpRequest", 440, `{"url":"https://gmail.googleapis.com/gmail/v1/users/`+TokenSender+`/messages"}`),
		node("Replied?", "n8n-nodes-base.if", 660, `{}`)}
}

func waitNodes(path string) []n8n.Node {
	return []n8n.Node{webhook(path),
		node("Wait 3 Days", "n8n-nodes-base.wait", 220, `{"amount":3,"unit":"days"}`),
		node("Done", "n8n-nodes-base.postgres", 440, `{"operation":"executeQuery","query":"UPDATE `+TokenLeads+` SET email_2_sent = true, updated_at = now() WHERE email_norm = lower($1)","options":{"queryReplacement":"={{ $json.body.email_address }}"}}`)}
}

func optOutNodes(path string) []n8n.Node {
	return []n8n.Node{webhook(path), node("Mark Opted Out", "n8n-nodes-base.postgres", 220,
		`{"operation":"executeQuery","query":"UPDATE `+TokenLeads+` SET opted_out = true, updated_at = now() WHERE email_norm = lower($1)","options":{"queryReplacement":"={{ $json.body.email_address }}"}}`)}
}
