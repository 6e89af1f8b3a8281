package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/godmode-console/godmode/db"
	"github.com/godmode-console/godmode/db/dbtest"
	"github.com/godmode-console/godmode/model"
	"github.com/godmode-console/godmode/n8n"
	"github.com/godmode-console/godmode/n8n/n8ntest"
)

const fixtureBase = "../../model/blueprint/testdata/base"

func TestBlueprintCommands(t *testing.T) {
	isolate(t)
	t.Setenv(envDatabaseURL, dbtest.URL(t))

	out, errOut, code := godmode(t, "", "blueprint", "import", "base-cold-email", fixtureBase)
	if code != 0 || out != "blueprint base-cold-email: version 1 stored (6 workflows, 141 nodes, content f45a84b881dc)\n" {
		t.Fatalf("import: exit %d\n%s\n%s", code, out, errOut)
	}
	if !strings.Contains(errOut, "godmode: warning: file Email 1.json: dropped top-level fields n8n's create call rejects: active, id, meta, pinData, tags, versionId\n") {
		t.Fatalf("warnings: %s", errOut)
	}
	if out, _, code = godmode(t, "", "blueprint", "import", "base-cold-email", fixtureBase); code != 0 || out != "blueprint base-cold-email: unchanged, still version 1 (content f45a84b881dc)\n" {
		t.Fatalf("re-import: exit %d %q", code, out)
	}

	// A refused file names file and node, and stores nothing.
	dup := "../../model/blueprint/testdata/public/scrapernode--2833-smart-email-outreach-sequence-ai-powered-customizable.json"
	_, errOut, code = godmode(t, "", "blueprint", "import", "outreach", dup)
	if code != 1 || !strings.Contains(errOut, `file scrapernode--2833-smart-email-outreach-sequence-ai-powered-customizable.json, node "Gmail1": duplicate node name: 2 nodes are named so`) {
		t.Fatalf("duplicate names: exit %d %s", code, errOut)
	}
	out, _, _ = godmode(t, "", "blueprint", "list")
	if strings.Contains(out, "outreach") || !strings.Contains(out, "base-cold-email  1       1") {
		t.Fatalf("list:\n%s", out)
	}

	out, _, code = godmode(t, "", "blueprint", "show", "base-cold-email@1")
	if code != 0 || !strings.Contains(out, "blueprint base-cold-email version 1 (import, ") ||
		!strings.Contains(out, "  Research Report                    43 nodes  Research Report.json\n") {
		t.Fatalf("show:\n%s", out)
	}

	// Edit one parameter in a copy: version 2, and diff names the path.
	dir := t.TempDir()
	exported := filepath.Join(t.TempDir(), "out")
	if out, errOut, code = godmode(t, "", "blueprint", "export", "base-cold-email", exported); code != 0 || strings.Count(out, "wrote ") != 6 {
		t.Fatalf("export: exit %d %s %s", code, out, errOut)
	}
	if _, errOut, code = godmode(t, "", "blueprint", "export", "base-cold-email@1", exported); code != 1 || !strings.Contains(errOut, "nothing written (--force overwrites)") {
		t.Fatalf("export over files: exit %d %s", code, errOut)
	}
	// What export wrote imports back as the same content.
	if out, _, _ = godmode(t, "", "blueprint", "import", "base-cold-email", exported); out != "blueprint base-cold-email: unchanged, still version 1 (content f45a84b881dc)\n" {
		t.Fatalf("export round trip: %q", out)
	}
	ents, _ := os.ReadDir(exported)
	for _, e := range ents {
		b, _ := os.ReadFile(filepath.Join(exported, e.Name()))
		if e.Name() == "Email_1.json" {
			b = []byte(strings.Replace(string(b), `"sendTo": "YOUR_TEST_EMAIL"`, `"sendTo": "ohio@example.com"`, 1))
		}
		os.WriteFile(filepath.Join(dir, e.Name()), b, 0o644)
	}
	if out, errOut, code = godmode(t, "", "blueprint", "import", "base-cold-email", dir); code != 0 || !strings.HasPrefix(out, "blueprint base-cold-email: version 2 stored") {
		t.Fatalf("v2: %d %s %s", code, out, errOut)
	}
	out, _, code = godmode(t, "", "blueprint", "diff", "base-cold-email@1", "base-cold-email@2")
	if code != 0 || out != "~ workflow Email 1\n    ~ node Gmail: parameters.sendTo: \"YOUR_TEST_EMAIL\" -> \"ohio@example.com\"\n" {
		t.Fatalf("diff:\n%s", out)
	}

	// Mistakes are answered before the database.
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"blueprint", "import", "Bad Name", fixtureBase}, `"Bad Name" is not a blueprint name`},
		{[]string{"blueprint", "show", "base-cold-email@x"}, "the version after @ is a number from 1"},
		{[]string{"blueprint", "import", "x", fixtureBase, "--allow-secret", "nocolon"}, "want NODE:FIELD"},
		{[]string{"blueprint", "show", "nosuch"}, "not found"},
	} {
		if _, errOut, code := godmode(t, "", c.args...); code == 0 || !strings.Contains(errOut, c.want) {
			t.Errorf("%v: exit %d %s", c.args, code, errOut)
		}
	}
}

func TestBlueprintCaptureCommand(t *testing.T) {
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
			Parameters: json.RawMessage(`{"query":"SELECT * FROM leads_ohio WHERE email_1_sent = false"}`)},
		{Name: "Gmail", Type: "n8n-nodes-base.gmail", TypeVersion: 2.1, Position: []float64{200, 0},
			Parameters: json.RawMessage(`{"sendTo":"={{ $json.email_address }}","options":{"replyTo":"sales@ohio-roofing.com"}}`)}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := store.CreateCampaign(ctx, db.NewCampaign{WorkspaceID: ws.ID, Name: "Email 1", N8nWorkflowID: wf.ID, Status: model.CampaignPaused}); err != nil {
		t.Fatal(err)
	}
	out, errOut, code := godmode(t, "", "blueprint", "capture", "ohio-template", "--workspace", "ohio", "--tokenize", "sales@ohio-roofing.com=YOUR_SENDER_EMAIL")
	if code != 0 || !strings.HasPrefix(out, "blueprint ohio-template: version 1 captured from workspace ohio (1 workflows, 2 substitutions)\n") ||
		!strings.Contains(out, "  YOUR_LEADS_TABLE <- leads_ohio (the workspace's leads table): 1 place(s)\n") ||
		!strings.Contains(out, "  YOUR_SENDER_EMAIL <- sales@ohio-roofing.com (--tokenize): 1 place(s)\n") {
		t.Fatalf("capture: exit %d\n%s\n%s", code, out, errOut)
	}
	out, _, _ = godmode(t, "", "blueprint", "show", "ohio-template")
	if !strings.Contains(out, "blueprint ohio-template version 1 (capture, ") ||
		!strings.Contains(out, "  Email 1.json / Select Leads: parameters.query: YOUR_LEADS_TABLE <- leads_ohio\n") ||
		!strings.Contains(out, "  Email 1.json / Gmail: parameters.options.replyTo: YOUR_SENDER_EMAIL <- sales@ohio-roofing.com\n") {
		t.Fatalf("show:\n%s", out)
	}
	for _, section := range []string{"variables (", "credential slots (", "webhooks (", "triggers (", "hardcoded candidates (", "lead columns ("} {
		if !strings.Contains(out, "\n"+section) {
			t.Errorf("show has no %q section:\n%s", section, out)
		}
	}
	if _, errOut, code := godmode(t, "", "blueprint", "capture", "x", "--workspace", "ohio", "--tokenize", "a=lower"); code != 2 || !strings.Contains(errOut, "upper-case letters") {
		t.Errorf("bad --tokenize: exit %d %s", code, errOut)
	}
}

// blueprint show prints every YOUR_* variable, every credential slot and
// the lead columns of the base templates (the lists the detector's and the
// vault's tests check, from one file), and no secret; lead-schema edits
// the schema kept with the version.
func TestBlueprintShowListsAndLeadSchemaCommand(t *testing.T) {
	isolate(t)
	t.Setenv(envDatabaseURL, dbtest.URL(t))
	if _, errOut, code := godmode(t, "", "blueprint", "import", "base-cold-email", fixtureBase); code != 0 {
		t.Fatalf("import: %s", errOut)
	}
	b, err := os.ReadFile("../../model/blueprint/testdata/base-expected.json")
	if err != nil {
		t.Fatal(err)
	}
	var want struct {
		YourTokens      []string                                 `json:"your_tokens"`
		CredentialSlots []struct{ File, Node, Type, Ref string } `json:"credential_slots"`
		LeadColumns     []string                                 `json:"lead_columns"`
	}
	if err := json.Unmarshal(b, &want); err != nil {
		t.Fatal(err)
	}
	out, _, code := godmode(t, "", "blueprint", "show", "base-cold-email")
	if code != 0 {
		t.Fatalf("show: exit %d", code)
	}
	if !strings.Contains(out, fmt.Sprintf("\nvariables (%d):\n", len(want.YourTokens))) ||
		!strings.Contains(out, fmt.Sprintf("\ncredential slots (%d):\n", len(want.CredentialSlots))) {
		t.Errorf("show counts:\n%s", out)
	}
	for _, tok := range want.YourTokens {
		if !strings.Contains(out, fmt.Sprintf("\n  %-32s %-11s ", tok, "your_token")) {
			t.Errorf("show lists no variable %s", tok)
		}
	}
	for _, c := range want.CredentialSlots {
		if !strings.Contains(out, fmt.Sprintf("\n  %s / %s: %s %s\n", c.File, c.Node, c.Type, c.Ref)) {
			t.Errorf("show lists no slot %+v", c)
		}
	}
	if !strings.Contains(out, fmt.Sprintf("\nlead columns (%d): %s\n", len(want.LeadColumns), strings.Join(want.LeadColumns, ", "))) ||
		!strings.Contains(out, fmt.Sprintf("\nlead schema (%d columns, the detected lead columns):\n", len(want.LeadColumns))) {
		t.Errorf("show lead columns:\n%s", out)
	}
	if strings.Contains(out, "secrets allowed") {
		t.Errorf("show has allowed secrets:\n%s", out)
	}

	out, errOut, code := godmode(t, "", "blueprint", "lead-schema", "base-cold-email@1", "--add", "company_domain", "--remove", "token")
	if code != 0 || !strings.HasPrefix(out, "blueprint base-cold-email version 1\nlead schema (22 columns, edited ") ||
		!strings.HasSuffix(out, "\n  sender_email\n  company_domain\n") || strings.Contains(out, "  token\n") {
		t.Fatalf("lead-schema: exit %d\n%s%s", code, out, errOut)
	}
	out, _, _ = godmode(t, "", "blueprint", "lead-schema", "base-cold-email", "--json")
	var js struct {
		Columns, Detected []string
		EditedAt          string `json:"edited_at"`
	}
	if err := json.Unmarshal([]byte(out), &js); err != nil || len(js.Columns) != 22 || js.Columns[21] != "company_domain" ||
		strings.Join(js.Detected, ",") != strings.Join(want.LeadColumns, ",") || js.EditedAt == "" {
		t.Errorf("lead-schema --json: %v %s", err, out)
	}
	if out, _, _ = godmode(t, "", "blueprint", "show", "base-cold-email"); !strings.Contains(out, "\nlead schema (22 columns, edited ") {
		t.Errorf("show after the edit:\n%s", out)
	}
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"--add", "Company Domain"}, 2, `--add "Company Domain": not a plain identifier`},
		{[]string{"--add", "select"}, 2, "a reserved SQL key word"},
		{[]string{"--remove", "nosuch"}, 1, `--remove "nosuch": no such column`},
		{[]string{"--require", "nosuch"}, 1, `--require "nosuch": no such column in the lead schema (add it with --add)`},
		{[]string{"--optional", "company_domain"}, 1, `--optional "company_domain": not a required column`},
	} {
		args := append([]string{"blueprint", "lead-schema", "base-cold-email"}, c.args...)
		if _, errOut, code := godmode(t, "", args...); code != c.code || !strings.Contains(errOut, c.want) {
			t.Errorf("%v: exit %d %s", c.args, code, errOut)
		}
	}
	// --require marks a column an imported file must have.
	out, errOut, code = godmode(t, "", "blueprint", "lead-schema", "base-cold-email@1", "--require", "company_domain", "--require", "full_name")
	if code != 0 || !strings.HasSuffix(out, "\n  company_domain\nrequired of an import's file: email, company_domain, full_name\n") {
		t.Fatalf("--require: exit %d\n%s%s", code, out, errOut)
	}
	out, _, _ = godmode(t, "", "blueprint", "lead-schema", "base-cold-email", "--optional", "full_name", "--json")
	var req struct{ Required []string }
	if err := json.Unmarshal([]byte(out), &req); err != nil || strings.Join(req.Required, ",") != "company_domain" {
		t.Errorf("--optional --json: %v %s", err, out)
	}
}
