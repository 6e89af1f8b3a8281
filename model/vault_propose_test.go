package model_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/godmode-console/godmode/db"
	"github.com/godmode-console/godmode/model"
	"github.com/godmode-console/godmode/model/blueprint"
	"github.com/godmode-console/godmode/model/blueprint/detect"
	"github.com/godmode-console/godmode/n8n"
)

// ohioWorkflow is a campaign of ohio as set up by hand: its leads table,
// a credential of its own, its sender address and a URL of its own.
func (w *world) ohioWorkflow(name, extra string) n8n.Workflow {
	w.t.Helper()
	nodes := `[{"id":"1","name":"Webhook","type":"n8n-nodes-base.webhook","typeVersion":2,"position":[0,0],"parameters":{"path":"ohio-email","httpMethod":"POST"}},
		{"id":"2","name":"Leads","type":"n8n-nodes-base.postgres","typeVersion":2,"position":[200,0],"parameters":{"query":"SELECT * FROM leads_ohio LIMIT 10"},"credentials":{"postgres":{"id":"Pg0hio77","name":"ohio db"}}},
		{"id":"3","name":"Send","type":"n8n-nodes-base.gmail","typeVersion":2,"position":[400,0],"parameters":{"sendTo":"={{ $json.email }}","message":"from sales@ohio-roofing.com"` + extra + `}}]`
	var wf n8n.Workflow
	if err := json.Unmarshal([]byte(`{"name":"`+name+`","nodes":`+nodes+`,"connections":{},"settings":{}}`), &wf); err != nil {
		w.t.Fatal(err)
	}
	made, err := n8n.New(w.n8n.URL, w.n8n.APIKey).CreateWorkflow(w.ctx, wf)
	if err != nil {
		w.t.Fatal(err)
	}
	if _, err := w.store.CreateCampaign(w.ctx, db.NewCampaign{WorkspaceID: w.ws.ID, Name: name, N8nWorkflowID: made.ID, Status: model.CampaignPaused}); err != nil {
		w.t.Fatal(err)
	}
	return made
}

func plainVault(w *world) *model.Vault { return model.NewVault(w.store, nil, nil) }

func proposed(p model.CaptureProposal, value string) (model.ProposedVariable, bool) {
	for _, pv := range p.Variables {
		if pv.Value == value {
			return pv, true
		}
	}
	return model.ProposedVariable{}, false
}

// A capture proposed, decided and stored: the workspace's own values are
// proposed on, the sender address is offered off, each with where it
// occurs; the version stored follows the decisions (one value kept, one
// renamed, the candidate taken), from the workflows read once.
func TestCaptureProposalThenTheOperatorsDecisions(t *testing.T) {
	w := newWorld(t)
	made := w.ohioWorkflow("Email 1", "")
	v := model.NewVault(w.store, detect.Analyze, nil)
	p, err := v.ProposeCapture(w.ctx, w.super, "ohio-template", w.console, w.ws)
	if err != nil {
		t.Fatal(err)
	}
	table, ok1 := proposed(p, "leads_ohio")
	cred, ok2 := proposed(p, "Pg0hio77")
	sender, ok3 := proposed(p, "sales@ohio-roofing.com")
	if !ok1 || !ok2 || !ok3 || !table.On || !cred.On || sender.On {
		t.Fatalf("proposal %+v", p.Variables)
	}
	if table.Name != "YOUR_LEADS_TABLE" || sender.Name != "YOUR_SENDER_EMAIL" || len(table.Where) != 1 || table.Where[0].Node != "Leads" ||
		table.Where[0].Path != "parameters.query" || strings.Join(table.Workflows(), ",") != "Email 1" {
		t.Fatalf("table %+v, sender %+v", table, sender)
	}
	if rows := w.auditRows(model.AuditBlueprintCapture); len(rows) != 0 {
		t.Fatalf("a proposal left audit rows: %+v", rows)
	}

	// n8n is not read again: the workflow gone now changes nothing.
	if err := w.n8n.Delete(made.ID); err != nil {
		t.Fatal(err)
	}
	w.n8n.ResetRequests()
	tokens := model.MergeTokens(p.Applied(map[string]bool{"Pg0hio77": true}),
		[]blueprint.Token{{Value: "leads_ohio", Name: "YOUR_LEADS"}, sender.Token})
	got, err := v.StoreCapture(w.ctx, w.super, p, tokens)
	if err != nil {
		t.Fatal(err)
	}
	if n := w.n8n.Requests(); n != 0 {
		t.Errorf("storing read n8n %d times", n)
	}
	var subs []blueprint.Substitution
	json.Unmarshal(got.Version.Substitutions, &subs)
	byName := map[string]string{}
	for _, s := range subs {
		byName[s.Name] = s.Value
	}
	if byName["YOUR_LEADS"] != "leads_ohio" || byName["YOUR_SENDER_EMAIL"] != "sales@ohio-roofing.com" || byName["YOUR_WORKSPACE_SLUG"] != "ohio" ||
		byName["YOUR_LEADS_TABLE"] != "" || byName["YOUR_CREDENTIAL_POSTGRES_ID"] != "" {
		t.Fatalf("substitutions %+v", subs)
	}
	wf := string(got.Prepared.Workflows[0].JSON)
	if !strings.Contains(wf, `"id":"Pg0hio77"`) || !strings.Contains(wf, "FROM YOUR_LEADS LIMIT") || !strings.Contains(wf, "from YOUR_SENDER_EMAIL") {
		t.Fatalf("stored %s", wf)
	}
	rows := w.auditRows(model.AuditBlueprintCapture)
	if len(rows) != 1 || rows[0].Outcome != model.OutcomeOK || rows[0].ActorUserID == nil || *rows[0].ActorUserID != w.super.UserID {
		t.Fatalf("audit %+v", rows)
	}
	after := string(rows[0].After)
	for _, leak := range []string{"sales@ohio-roofing.com", "Pg0hio77", "leads_ohio"} {
		if strings.Contains(after, leak) {
			t.Errorf("the audit row holds the value %s: %s", leak, after)
		}
	}
	var st struct{ Kept []string }
	if json.Unmarshal(rows[0].After, &st); strings.Join(st.Kept, ",") != "YOUR_CREDENTIAL_POSTGRES_ID" {
		t.Errorf("the audit row does not say what was kept: %s", after)
	}
}

// A decision naming a variable the detector would not find as one, or
// giving one value two names, is refused and audited; nothing is stored.
func TestCaptureDecisionsAreChecked(t *testing.T) {
	w := newWorld(t)
	w.ohioWorkflow("Email 1", "")
	v := model.NewVault(w.store, nil, nil)
	p, err := v.ProposeCapture(w.ctx, w.super, "ohio-template", w.console, w.ws)
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range [][]blueprint.Token{
		{{Value: "leads_ohio", Name: "LEADS"}},
		{{Value: "leads_ohio", Name: "YOUR_leads"}},
		{{Value: "leads_ohio", Name: "YOUR_A"}, {Value: "leads_ohio", Name: "YOUR_B"}},
		{{Value: "", Name: "YOUR_A"}},
	} {
		if _, err := v.StoreCapture(w.ctx, w.super, p, bad); !errors.Is(err, model.ErrInvalid) {
			t.Errorf("%+v: %v", bad, err)
		}
	}
	if list, _ := v.Blueprints(w.ctx, w.super); len(list) != 0 {
		t.Fatalf("stored %+v", list)
	}
	rows := w.auditRows(model.AuditBlueprintCapture)
	if len(rows) != 4 || rows[0].Outcome != model.OutcomeFailed || strings.Contains(string(rows[2].After)+rows[2].Error, "leads_ohio") {
		t.Fatalf("audit %+v", rows)
	}
	// A member may not even read the workspace's workflows through it.
	w.n8n.ResetRequests()
	if _, err := v.ProposeCapture(w.ctx, w.member, "ohio-template", w.console, w.ws); !errors.Is(err, model.ErrForbidden) || w.n8n.Requests() != 0 {
		t.Fatalf("a member's proposal: %v, %d n8n requests", err, w.n8n.Requests())
	}
	if n := len(w.auditRows(model.AuditBlueprintCapture)); n != 5 {
		t.Fatalf("%d capture rows after a member's refusal", n)
	}
}

// A secret in the live workflows refuses the proposal, named by node and
// field, before anything is decided; the refusal is audited masked.
func TestCaptureProposalRefusesASecret(t *testing.T) {
	w := newWorld(t)
	key := "sk-proj-" + strings.Repeat("Ab3dE5fG7h", 5)
	w.ohioWorkflow("Email 1", `,"apiKey":"`+key+`"`)
	v := model.NewVault(w.store, detect.Analyze, nil)
	_, err := v.ProposeCapture(w.ctx, w.super, "ohio-template", w.console, w.ws)
	var re *blueprint.RefusedError
	if !errors.As(err, &re) || !strings.Contains(err.Error(), "Send") || !strings.Contains(err.Error(), "parameters.apiKey") || strings.Contains(err.Error(), key) {
		t.Fatalf("proposal of a secret: %v", err)
	}
	rows := w.auditRows(model.AuditBlueprintCapture)
	if len(rows) != 1 || rows[0].Outcome != model.OutcomeFailed || strings.Contains(rows[0].Error+string(rows[0].After), key[:12]) {
		t.Fatalf("audit %+v", rows)
	}
}

// The console's session: a read-only one refuses a capture and an import
// before reading n8n or a file, and audits both.
func TestConsoleCaptureAndImportRefusedReadOnly(t *testing.T) {
	w := newWorld(t)
	w.ohioWorkflow("Email 1", "")
	ro := model.NewConsole(w.store, dial(), model.ConsoleOptions{ReadOnly: true}).As(w.super)
	w.n8n.ResetRequests()
	if _, err := ro.ProposeCapture(w.ctx, "ohio-template", "ohio"); !errors.Is(err, model.ErrForbidden) || w.n8n.Requests() != 0 {
		t.Fatalf("read-only proposal: %v (%d n8n requests)", err, w.n8n.Requests())
	}
	if _, err := ro.ImportBlueprintFiles(w.ctx, "base", []string{"blueprint/testdata/base"}); !errors.Is(err, model.ErrForbidden) {
		t.Fatalf("read-only import: %v", err)
	}
	if c, i := w.auditRows(model.AuditBlueprintCapture), w.auditRows(model.AuditBlueprintImport); len(c) != 1 || len(i) != 1 ||
		c[0].Outcome != model.OutcomeFailed || i[0].Outcome != model.OutcomeFailed || !strings.Contains(i[0].Error, "read-only") {
		t.Fatalf("audit: %+v %+v", c, i)
	}

	// Read-write, the super admin's session proposes and stores, and
	// imports from a directory on this host with the secret scan on.
	rw := w.console.As(w.super)
	p, err := rw.ProposeCapture(w.ctx, "ohio-template", "ohio")
	if err != nil {
		t.Fatal(err)
	}
	got, err := rw.StoreCapture(w.ctx, p, p.Applied(nil))
	if err != nil || got.Version.Version != 1 || !got.Created {
		t.Fatalf("store: %+v %v", got.Version, err)
	}
	again, err := rw.StoreCapture(w.ctx, p, p.Applied(nil))
	if err != nil || again.Created || again.Version.Version != 1 {
		t.Fatalf("the same capture again: %+v %v", again.Version, err)
	}
	imp, err := rw.ImportBlueprintFiles(w.ctx, "base-cold-email", []string{"blueprint/testdata/base"})
	if err != nil || len(imp.Prepared.Workflows) != 6 || len(imp.Prepared.Report.Variables) == 0 {
		t.Fatalf("import: %v, %d workflows", err, len(imp.Prepared.Workflows))
	}
	if _, err := w.console.As(w.member).ImportBlueprintFiles(w.ctx, "x", []string{"/etc"}); !errors.Is(err, model.ErrForbidden) {
		t.Fatalf("a member's import: %v", err)
	}
	// A session over SSH reads no file of the server, super admin or not.
	remote := w.console.As(w.super).RefuseHostFiles("importing files is off over SSH")
	if _, err := remote.ImportBlueprintFiles(w.ctx, "base-2", []string{"blueprint/testdata/base"}); !errors.Is(err, model.ErrForbidden) || !strings.Contains(err.Error(), "off over SSH") {
		t.Fatalf("an SSH session's import: %v", err)
	}
	if list, _ := plainVault(w).Blueprints(w.ctx, w.super); len(list) != 2 {
		t.Fatalf("blueprints %+v", list)
	}
}
