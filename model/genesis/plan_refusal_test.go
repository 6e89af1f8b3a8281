package genesis

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/godmode-console/godmode/n8n"
)

// refusal asserts err is a refusal with a problem at workflow/node/field
// (or values file line) whose message holds msg.
func refusal(t *testing.T, err error, p Problem) {
	t.Helper()
	var re *RefusedError
	if !errors.As(err, &re) || !errors.Is(err, ErrRefused) {
		t.Fatalf("not refused: %v", err)
	}
	for _, got := range re.Problems {
		if got.Workflow == p.Workflow && got.Node == p.Node && got.Field == p.Field && got.File == p.File && got.Line == p.Line && strings.Contains(got.Message, p.Message) {
			return
		}
	}
	t.Fatalf("no problem like %+v in:\n%v", p, err)
}

const hookFlow = `{"name":"Opt out","nodes":[
 {"id":"1","name":"Webhook","type":"n8n-nodes-base.webhook","typeVersion":2,"position":[0,0],"webhookId":"11111111-1111-4111-8111-111111111111","parameters":{"path":"Unsubscribe","httpMethod":"POST"}},
 {"id":"2","name":"Mark","type":"n8n-nodes-base.postgres","typeVersion":2,"position":[200,0],"parameters":{"table":"YOUR_LEADS_TABLE"},"credentials":{"postgres":{"id":"YOUR_CREDENTIAL_POSTGRES_ID","name":"Leads"}}}
],"connections":{"Webhook":{"main":[[{"node":"Mark","type":"main","index":0}]]}}}`

func hookValues() Values {
	v := valuesOf(map[string]string{"YOUR_LEADS_TABLE": "leads_acme"})
	v.Credentials["YOUR_CREDENTIAL_POSTGRES_ID"] = CredentialValue{ID: "pg-1", Line: 3}
	return v
}

func planHook(t *testing.T, ws Workspace, v Values, hooks WebhookLister) (*Plan, error) {
	t.Helper()
	ver := versionOfJSON(t, map[string]string{"hook.json": hookFlow})
	return MakePlan(context.Background(), Input{Version: ver, Workspace: ws, Values: v}, Ports{Webhooks: hooks, IDs: seqIDs("cccccccc")})
}

func TestPlanRefusesPlaceholderLeft(t *testing.T) {
	v := hookValues()
	delete(v.Variables, "YOUR_LEADS_TABLE")
	_, err := planHook(t, Workspace{Slug: "acme"}, v, noHooks{})
	refusal(t, err, Problem{Workflow: "hook.json", Node: "Mark", Field: "parameters.table", Message: "variable YOUR_LEADS_TABLE has no value"})

	// A value that brings a placeholder of its own.
	v = hookValues()
	v.Variables["YOUR_LEADS_TABLE"] = Value{V: NewSecret("leads_{{ $vars.region }}", "")}
	_, err = planHook(t, Workspace{Slug: "acme"}, v, noHooks{})
	refusal(t, err, Problem{Workflow: "hook.json", Node: "Mark", Field: "parameters.table", Message: "placeholder $vars.region is left"})

	// A placeholder where no value goes: a node's name (connections name it).
	flow := strings.ReplaceAll(hookFlow, `"Mark"`, `"Mark YOUR_LEADS_TABLE"`)
	ver := versionOfJSON(t, map[string]string{"hook.json": flow})
	_, err = MakePlan(context.Background(), Input{Version: ver, Workspace: Workspace{Slug: "acme"}, Values: hookValues()}, Ports{Webhooks: noHooks{}, IDs: seqIDs("cccccccc")})
	refusal(t, err, Problem{Workflow: "hook.json", Node: "Mark YOUR_LEADS_TABLE", Field: "name", Message: "placeholder YOUR_LEADS_TABLE is left"})
	refusal(t, err, Problem{Workflow: "hook.json", Field: "connections.Webhook.main[0][0].node", Message: "placeholder YOUR_LEADS_TABLE is left"})
}

func TestPlanRefusesUnresolvedSlot(t *testing.T) {
	v := hookValues()
	delete(v.Credentials, "YOUR_CREDENTIAL_POSTGRES_ID")
	_, err := planHook(t, Workspace{Slug: "acme"}, v, noHooks{})
	refusal(t, err, Problem{Workflow: "hook.json", Node: "Mark", Field: "credentials.postgres", Message: "credential slot YOUR_CREDENTIAL_POSTGRES_ID (postgres) is not resolved"})

	// An id recorded by an earlier run resolves it.
	pl, err := planHook(t, Workspace{Slug: "acme", Credentials: map[string]string{"YOUR_CREDENTIAL_POSTGRES_ID": "pg-earlier"}}, v, noHooks{})
	if err != nil {
		t.Fatal(err)
	}
	body, _ := pl.Workflows[0].Body(nil)
	if !strings.Contains(string(body), `"id":"pg-earlier"`) || pl.Credentials[0].From != "earlier run" {
		t.Fatalf("%s", body)
	}
}

// The fake n8n holds a workflow of another workspace on acme/Unsubscribe:
// the plan refuses, naming both sides; the same workflow owned by acme's
// campaigns (a re-apply) is no conflict.
func TestPlanRefusesTakenWebhookPath(t *testing.T) {
	fake, c := newFake(t)
	var params = json.RawMessage(`{"path":"acme/Unsubscribe","httpMethod":"POST"}`)
	other, err := fake.AddWorkflow(n8n.Workflow{Name: "someone else", Nodes: []n8n.Node{{ID: "x", Name: "Hook", Type: n8n.WebhookNodeType, TypeVersion: 2, Position: []float64{0, 0}, Parameters: params}}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = planHook(t, Workspace{Slug: "acme"}, hookValues(), fakeHooks{c})
	refusal(t, err, Problem{Workflow: "hook.json", Node: "Webhook", Field: "parameters.path", Message: "path acme/Unsubscribe is taken on the target instance by workflow " + other.ID + ` ("someone else", node "Hook")`})

	if _, err := planHook(t, Workspace{Slug: "acme", OwnedWorkflows: map[string]bool{other.ID: true}}, hookValues(), fakeHooks{c}); err != nil {
		t.Fatalf("a path this workspace's own workflow holds: %v", err)
	}
	// Another method on the same path is no conflict (n8n keys webhooks by path and method).
	get := json.RawMessage(`{"path":"acme/Unsubscribe","httpMethod":"GET"}`)
	if err := fake.Edit(other.ID, func(w *n8n.Workflow) { w.Nodes[0].Parameters = get }); err != nil {
		t.Fatal(err)
	}
	if _, err := planHook(t, Workspace{Slug: "acme"}, hookValues(), fakeHooks{c}); err != nil {
		t.Fatalf("GET beside POST: %v", err)
	}
	// Another workspace's slug namespaces the same blueprint path apart.
	if err := fake.Edit(other.ID, func(w *n8n.Workflow) { w.Nodes[0].Parameters = params }); err != nil {
		t.Fatal(err)
	}
	pl, err := planHook(t, Workspace{Slug: "globex"}, hookValues(), fakeHooks{c})
	if err != nil || pl.Workflows[0].Webhooks[0].Path != "globex/Unsubscribe" {
		t.Fatalf("globex: %v", err)
	}
}

func TestPlanRefusesTwoWebhooksOnOnePath(t *testing.T) {
	second := strings.ReplaceAll(hookFlow, `"name":"Opt out"`, `"name":"Opt out again"`)
	ver := versionOfJSON(t, map[string]string{"a.json": hookFlow, "b.json": second})
	_, err := MakePlan(context.Background(), Input{Version: ver, Workspace: Workspace{Slug: "acme"}, Values: hookValues()}, Ports{Webhooks: noHooks{}, IDs: seqIDs("dddddddd")})
	refusal(t, err, Problem{Workflow: "b.json", Node: "Webhook", Field: "parameters.path", Message: `path acme/Unsubscribe (POST) is also the path of node "Webhook" of a.json`})
}

func TestPlanRefusesUnknownVariable(t *testing.T) {
	v := hookValues()
	v.Variables["YOUR_LEADS_TABEL"] = Value{V: NewSecret("x", ""), Line: 7}
	_, err := planHook(t, Workspace{Slug: "acme"}, v, noHooks{})
	refusal(t, err, Problem{File: "v.toml", Line: 7, Field: "variables.YOUR_LEADS_TABEL", Message: "the blueprint has no variable YOUR_LEADS_TABEL (did you mean YOUR_LEADS_TABLE?)"})

	v = hookValues()
	v.Variables[BuiltinSlug] = Value{V: NewSecret("other", ""), Line: 2}
	_, err = planHook(t, Workspace{Slug: "acme"}, v, noHooks{})
	refusal(t, err, Problem{File: "v.toml", Line: 2, Field: "variables.YOUR_WORKSPACE_SLUG", Message: "set by godmode"})

	v = hookValues()
	v.Variables["YOUR_CREDENTIAL_POSTGRES_ID"] = Value{V: NewSecret("pg", ""), Line: 4}
	_, err = planHook(t, Workspace{Slug: "acme"}, v, noHooks{})
	refusal(t, err, Problem{File: "v.toml", Line: 4, Field: "variables.YOUR_CREDENTIAL_POSTGRES_ID", Message: "is a credential slot"})

	v = hookValues()
	v.Credentials["YOUR_CREDENTIAL_POSTGRE_ID"] = CredentialValue{ID: "x", Line: 9}
	_, err = planHook(t, Workspace{Slug: "acme"}, v, noHooks{})
	refusal(t, err, Problem{File: "v.toml", Line: 9, Field: "credentials.YOUR_CREDENTIAL_POSTGRE_ID", Message: "no credential slot YOUR_CREDENTIAL_POSTGRE_ID (did you mean YOUR_CREDENTIAL_POSTGRES_ID?)"})
}

// A new credential is checked against n8n's schema for its type before
// anything is sent, the refusal at the field's line of the values file.
func TestPlanRefusesNewCredentialFailingSchema(t *testing.T) {
	_, c := newFake(t)
	ver := versionOfJSON(t, map[string]string{"hook.json": hookFlow})
	toml := `[variables]
YOUR_LEADS_TABLE = "leads_acme"

[credentials.YOUR_CREDENTIAL_POSTGRES_ID]
type = "postgres"
[credentials.YOUR_CREDENTIAL_POSTGRES_ID.data]
host = "db"
ssl = "sometimes"
port = "5432"
`
	vals, err := ParseValues("acme.toml", []byte(toml), LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = MakePlan(context.Background(), Input{Version: ver, Workspace: Workspace{Slug: "acme"}, Values: vals}, Ports{Webhooks: noHooks{}, Schemas: c, IDs: NewUUID})
	refusal(t, err, Problem{File: "acme.toml", Line: 8, Field: "credentials.YOUR_CREDENTIAL_POSTGRES_ID.data.ssl", Message: "not one of the allowed values: allow, disable, require"})
	refusal(t, err, Problem{File: "acme.toml", Line: 9, Field: "credentials.YOUR_CREDENTIAL_POSTGRES_ID.data.port", Message: "want a number, not a string"})
	refusal(t, err, Problem{File: "acme.toml", Line: 4, Field: "credentials.YOUR_CREDENTIAL_POSTGRES_ID.data.sshAuthenticateWith", Message: "required when sshTunnel is true or left out"})

	// The wrong type for the slot's nodes.
	vals.Credentials["YOUR_CREDENTIAL_POSTGRES_ID"] = CredentialValue{New: &NewCredential{Type: "smtp"}, Line: 4}
	_, err = MakePlan(context.Background(), Input{Version: ver, Workspace: Workspace{Slug: "acme"}, Values: vals}, Ports{Webhooks: noHooks{}, Schemas: c, IDs: NewUUID})
	refusal(t, err, Problem{File: "acme.toml", Line: 4, Field: "credentials.YOUR_CREDENTIAL_POSTGRES_ID.type", Message: `is "smtp" but the nodes (e.g. "Mark" in hook.json) use postgres`})
}

func TestPlanRefusesLongTagsAndExpressionPaths(t *testing.T) {
	_, err := planHook(t, Workspace{Slug: "a-very-long-workspace-slug"}, hookValues(), noHooks{})
	refusal(t, err, Problem{Message: `tag "ws:a-very-long-workspace-slug" has 29 characters; n8n takes at most 24`})
	// A slug that fits only without the prefix is tagged bare, as adoption reads it.
	pl, err := planHook(t, Workspace{Slug: "twenty-two-chars-slug1"}, hookValues(), noHooks{})
	if err != nil || pl.Tags[0] != "twenty-two-chars-slug1" || len(pl.Warnings) != 1 {
		t.Fatalf("bare slug tag: %v %+v", err, pl)
	}

	flow := strings.Replace(hookFlow, `"path":"Unsubscribe"`, `"path":"={{ $json.p }}"`, 1)
	ver := versionOfJSON(t, map[string]string{"hook.json": flow})
	_, err = MakePlan(context.Background(), Input{Version: ver, Workspace: Workspace{Slug: "acme"}, Values: hookValues()}, Ports{Webhooks: noHooks{}, IDs: NewUUID})
	refusal(t, err, Problem{Workflow: "hook.json", Node: "Webhook", Field: "parameters.path", Message: "the webhook path is an expression"})
}

// A webhook without a path gets SLUG/WEBHOOKID: still namespaced, still
// its own; a path already under the slug is not prefixed twice.
func TestPlanWebhookPaths(t *testing.T) {
	for _, c := range []struct{ path, want string }{
		{"", "acme/cccccccc-0000-4000-8000-000000000001"},
		{"/Unsubscribe/", "acme/Unsubscribe"},
		{"acme/Unsubscribe", "acme/Unsubscribe"},
		{"acmefoo/x", "acme/acmefoo/x"},
	} {
		flow := strings.Replace(hookFlow, `"path":"Unsubscribe"`, `"path":"`+c.path+`"`, 1)
		ver := versionOfJSON(t, map[string]string{"hook.json": flow})
		pl, err := MakePlan(context.Background(), Input{Version: ver, Workspace: Workspace{Slug: "acme"}, Values: hookValues()}, Ports{Webhooks: noHooks{}, IDs: seqIDs("cccccccc")})
		if err != nil {
			t.Fatal(err)
		}
		h := pl.Workflows[0].Webhooks[0]
		if h.Path != c.want || h.WebhookID != "cccccccc-0000-4000-8000-000000000001" {
			t.Errorf("path %q → %q (id %s), want %q", c.path, h.Path, h.WebhookID, c.want)
		}
		body, _ := pl.Workflows[0].Body(nil)
		if !strings.Contains(string(body), `"path":"`+c.want+`"`) || strings.Contains(string(body), "11111111-1111") {
			t.Errorf("body: %s", body)
		}
	}
	if !uuidShape.MatchString(NewUUID()) || NewUUID() == NewUUID() {
		t.Fatal("NewUUID")
	}
}
