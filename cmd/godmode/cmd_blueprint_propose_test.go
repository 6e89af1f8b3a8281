package main

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/godmode-console/godmode/db"
	"github.com/godmode-console/godmode/db/dbtest"
	"github.com/godmode-console/godmode/model"
	"github.com/godmode-console/godmode/n8n"
	"github.com/godmode-console/godmode/n8n/n8ntest"
)

// --dry-run prints the proposal (value -> name, where) as the flags decide
// it and stores nothing; --keep leaves a proposed value in the version.
func TestBlueprintCaptureDryRunAndKeep(t *testing.T) {
	isolate(t)
	url := dbtest.URL(t)
	t.Setenv(envDatabaseURL, url)
	t.Setenv(db.EnvMasterKey, db.GenerateKey())
	store := testStore(t, url)
	ctx := context.Background()
	fake := n8ntest.New()
	t.Cleanup(fake.Close)
	inst, err := store.AddInstance(ctx, db.NewInstance{Name: "fake", BaseURL: fake.URL, APIKey: fake.APIKey})
	if err != nil {
		t.Fatal(err)
	}
	ws, err := store.CreateWorkspace(ctx, "ohio", "Ohio Roofing", &inst.ID)
	if err != nil {
		t.Fatal(err)
	}
	wf, err := fake.AddWorkflow(n8n.Workflow{Name: "Email 1", Connections: json.RawMessage(`{}`), Nodes: []n8n.Node{
		{Name: "Select Leads", Type: "n8n-nodes-base.postgres", TypeVersion: 2.6, Position: []float64{0, 0},
			Parameters:  json.RawMessage(`{"query":"SELECT * FROM leads_ohio WHERE email_1_sent = false"}`),
			Credentials: json.RawMessage(`{"postgres":{"id":"Pg0hio77","name":"leads db"}}`)},
		{Name: "Gmail", Type: "n8n-nodes-base.gmail", TypeVersion: 2.1, Position: []float64{200, 0},
			Parameters: json.RawMessage(`{"sendTo":"={{ $json.email_address }}","options":{"replyTo":"sales@ohio-roofing.com"}}`)}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := store.CreateCampaign(ctx, db.NewCampaign{WorkspaceID: ws.ID, Name: "Email 1", N8nWorkflowID: wf.ID, Status: model.CampaignPaused}); err != nil {
		t.Fatal(err)
	}

	out, errOut, code := godmode(t, "", "blueprint", "capture", "ohio-template", "--workspace", "ohio", "--dry-run", "--keep", "Pg0hio77")
	if code != 0 {
		t.Fatalf("dry run: exit %d %s", code, errOut)
	}
	for _, want := range []string{
		"blueprint ohio-template: dry run, nothing stored: capture from workspace ohio (1 workflows) proposes ",
		"  [x] leads_ohio -> YOUR_LEADS_TABLE (the workspace's leads table): 1 place(s) in Email 1 / Select Leads\n",
		"  [ ] Pg0hio77 -> YOUR_CREDENTIAL_POSTGRES_ID (a credential id of type postgres): 1 place(s) in Email 1 / Select Leads\n",
		"  [ ] sales@ohio-roofing.com -> YOUR_SENDER_EMAIL (a hardcoded email): 1 place(s) in Email 1 / Gmail\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("dry run lacks %q:\n%s", want, out)
		}
	}
	if out, _, _ := godmode(t, "", "blueprint", "list", "--json"); strings.TrimSpace(out) != "[]" {
		t.Fatalf("a dry run stored: %s", out)
	}

	out, errOut, code = godmode(t, "", "blueprint", "capture", "ohio-template", "--workspace", "ohio", "--keep", "Pg0hio77",
		"--tokenize", "sales@ohio-roofing.com=YOUR_REPLY_TO", "--tokenize", "leads_ohio=YOUR_LEADS")
	if code != 0 || !strings.HasPrefix(out, "blueprint ohio-template: version 1 captured from workspace ohio (1 workflows, 2 substitutions)\n") {
		t.Fatalf("capture: exit %d\n%s\n%s", code, out, errOut)
	}
	out, _, _ = godmode(t, "", "blueprint", "show", "ohio-template")
	if !strings.Contains(out, "Email 1.json / Select Leads: parameters.query: YOUR_LEADS <- leads_ohio\n") ||
		!strings.Contains(out, "Email 1.json / Gmail: parameters.options.replyTo: YOUR_REPLY_TO <- sales@ohio-roofing.com\n") ||
		strings.Contains(out, "YOUR_CREDENTIAL_POSTGRES_ID") {
		t.Fatalf("show:\n%s", out)
	}

	if _, errOut, code := godmode(t, "", "blueprint", "capture", "x", "--workspace", "ohio", "--keep", "nowhere"); code == 0 || !strings.Contains(errOut, `--keep "nowhere": the capture proposes no such value`) {
		t.Errorf("--keep of no proposal: exit %d %s", code, errOut)
	}
	if _, errOut, code := godmode(t, "", "blueprint", "capture", "x", "--workspace", "ohio", "--keep", "a", "--tokenize", "a=YOUR_A"); code != 2 || !strings.Contains(errOut, "say one") {
		t.Errorf("--keep and --tokenize of one value: exit %d %s", code, errOut)
	}
	if _, errOut, code := godmode(t, "", "blueprint", "capture", "x", "--workspace", "ohio", "--tokenize", "a=SENDER"); code != 2 || !strings.Contains(errOut, "YOUR_ then upper-case") {
		t.Errorf("a name the detector would not find: exit %d %s", code, errOut)
	}
	help, _, _ := godmode(t, "", "blueprint", "--help")
	if !strings.Contains(help, "--dry-run prints what would become a variable") || !strings.Contains(help, "--keep VALUE leaves a proposed value") {
		t.Errorf("help:\n%s", help)
	}
}
