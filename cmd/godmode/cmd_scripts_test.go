package main

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/godmode-console/godmode/db"
	"github.com/godmode-console/godmode/db/dbtest"
	"github.com/godmode-console/godmode/model"
	"github.com/godmode-console/godmode/n8n"
	"github.com/godmode-console/godmode/n8n/n8ntest"
)

// scriptFleet is two tenants on one fake n8n: ohio (Email-1 active,
// Followup paused) and texas (Texas-Secret-Blast), executions of both,
// findings of both and of none, and two people of ohio: a member and a
// viewer. Nothing of texas may reach ohio's people.
type scriptFleet struct {
	fake    *n8ntest.Server
	store   *db.Store
	ohio    model.Workspace
	texas   model.Workspace
	email1  model.Campaign
	texasC  model.Campaign
	failed  n8n.Execution // an error execution of Email-1
	member  ed25519.PrivateKey
	viewer  ed25519.PrivateKey
	texasEx n8n.Execution
}

// texasNames are what ohio's people must never read.
var texasNames = []string{"texas", "Texas-Secret-Blast", "Texas Secret Roofing", "Texas-Secret-Stray"}

func newScriptFleet(t *testing.T) scriptFleet {
	t.Helper()
	isolate(t)
	url := dbtest.URL(t)
	t.Setenv(envDatabaseURL, url)
	t.Setenv(db.EnvMasterKey, db.GenerateKey())
	f := scriptFleet{store: testStore(t, url), fake: n8ntest.New()}
	t.Cleanup(f.fake.Close)
	ctx := context.Background()
	inst, err := f.store.AddInstance(ctx, db.NewInstance{Name: "ohio", BaseURL: f.fake.URL, APIKey: f.fake.APIKey})
	if err != nil {
		t.Fatal(err)
	}
	workspace := func(slug, name string) model.Workspace {
		ws, err := f.store.CreateWorkspace(ctx, slug, name, &inst.ID)
		if err != nil {
			t.Fatal(err)
		}
		ws, _ = f.store.SetWorkspaceStatus(ctx, ws.ID, model.WorkspaceActive, "")
		return ws
	}
	campaign := func(ws model.Workspace, name string, active bool) model.Campaign {
		wf, err := f.fake.AddWorkflow(n8n.Workflow{Name: name, Active: active,
			Connections: json.RawMessage(`{"Every 5 minutes":{"main":[[{"node":"Send","type":"main","index":0}]]}}`),
			Nodes: []n8n.Node{{Name: "Every 5 minutes", Type: "n8n-nodes-base.scheduleTrigger", TypeVersion: 1.2, Position: []float64{0, 0},
				Parameters: json.RawMessage(`{"rule":{"interval":[{"field":"minutes","minutesInterval":5}]}}`)},
				{Name: "Send", Type: "n8n-nodes-base.code", TypeVersion: 2, Position: []float64{220, 0}, Parameters: json.RawMessage(`{"jsCode":"return $input.all();"}`)}}})
		if err != nil {
			t.Fatal(err)
		}
		st := model.CampaignPaused
		if active {
			st = model.CampaignActive
		}
		c, err := f.store.CreateCampaign(ctx, db.NewCampaign{WorkspaceID: ws.ID, Name: name, N8nWorkflowID: wf.ID, Status: st})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	execution := func(c model.Campaign, status n8n.Status) n8n.Execution {
		e, err := f.fake.AddExecution(n8ntest.ExecutionSpec{WorkflowID: c.N8nWorkflowID, Status: status, FailAt: failAt(status), Message: "boom"})
		if err != nil {
			t.Fatal(err)
		}
		return e
	}
	f.ohio, f.texas = workspace("ohio", "Ohio Roofing"), workspace("texas", "Texas Secret Roofing")
	f.email1 = campaign(f.ohio, "Email-1", true)
	campaign(f.ohio, "Followup", false)
	f.texasC = campaign(f.texas, "Texas-Secret-Blast", true)
	execution(f.email1, n8n.StatusSuccess)
	f.failed = execution(f.email1, n8n.StatusError)
	f.texasEx = execution(f.texasC, n8n.StatusError)
	if _, err := f.store.Pool().Exec(ctx, `INSERT INTO sync_findings (kind, instance_id, workspace_id, workflow_id, workflow_name, detail, corrected)
		VALUES ('orphan_workflow', $1, $2, 'wf-ohio', 'Ohio stray', 'owned by no campaign', false),
		       ('orphan_workflow', $1, $3, 'wf-texas', 'Texas-Secret-Stray', 'owned by no campaign', false),
		       ('orphan_workflow', $1, NULL, 'wf-none', 'Nobody stray', 'owned by no campaign', false)`,
		inst.ID, f.ohio.ID, f.texas.ID); err != nil {
		t.Fatal(err)
	}
	// An audited toggle in each tenant, by the local operator.
	for _, args := range [][]string{{"toggle", "texas/Texas-Secret-Blast", "--off"}, {"toggle", "ohio/Followup", "--on"}, {"toggle", "ohio/Followup", "--off"}} {
		if out, errOut, code := godmode(t, "", args...); code != 0 {
			t.Fatalf("%v: exit %d %s %s", args, code, out, errOut)
		}
	}
	person := func(email string, role model.Role) ed25519.PrivateKey {
		priv, pub := newSSHKey(t)
		registerKey(t, f.store, email, pub)
		u, _ := f.store.UserByEmail(ctx, email)
		if err := f.store.SetMember(ctx, f.ohio.ID, u.ID, role); err != nil {
			t.Fatal(err)
		}
		return priv
	}
	f.member, f.viewer = person("member@ohio.io", model.RoleMember), person("viewer@ohio.io", model.RoleViewer)
	return f
}

// as makes the following commands act as a registered person, proven
// through an agent holding their key.
func as(t *testing.T, email string, key ed25519.PrivateKey) {
	t.Setenv(envUser, email)
	serveAgent(t, key)
}

func mustRun(t *testing.T, args ...string) string {
	t.Helper()
	out, errOut, code := godmode(t, "", args...)
	if code != 0 {
		t.Fatalf("godmode %s: exit %d\n%s%s", strings.Join(args, " "), code, out, errOut)
	}
	return out
}

func decode[T any](t *testing.T, out string) T {
	t.Helper()
	var v T
	dec := json.NewDecoder(strings.NewReader(out))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("not the JSON expected: %v\n%s", err, out)
	}
	return v
}

func TestScriptCommandsPrintTextAndJSON(t *testing.T) {
	f := newScriptFleet(t)

	out := mustRun(t, "campaigns")
	for _, want := range []string{"CAMPAIGN", "ohio/Email-1", "active", "ohio/Followup", "paused", "texas/Texas-Secret-Blast"} {
		if !strings.Contains(out, want) {
			t.Errorf("campaigns lacks %q:\n%s", want, out)
		}
	}
	camps := decode[struct{ Campaigns []campaignJSON }](t, mustRun(t, "campaigns", "--workspace", "ohio", "--json")).Campaigns
	if len(camps) != 2 || camps[0].Name != "Email-1" || camps[0].Workspace != "ohio" || camps[0].Status != "active" ||
		camps[0].Instance != "ohio" || camps[0].WorkflowID != f.email1.N8nWorkflowID || camps[0].ID != f.email1.ID || camps[0].PendingStatus != nil {
		t.Errorf("campaigns --workspace ohio --json: %+v", camps)
	}

	out = mustRun(t, "executions", "ohio/Email-1")
	if !strings.Contains(out, "EXECUTION") || !strings.Contains(out, f.failed.ID) || !strings.Contains(out, "error") || !strings.Contains(out, "success") {
		t.Errorf("executions:\n%s", out)
	}
	type execs struct {
		Workspace, Campaign string
		Executions          []executionJSON
	}
	ex := decode[execs](t, mustRun(t, "executions", "ohio/Email-1", "--status", "error", "--json"))
	if ex.Workspace != "ohio" || ex.Campaign != "Email-1" || len(ex.Executions) != 1 || ex.Executions[0].ID != f.failed.ID || ex.Executions[0].Status != "error" {
		t.Errorf("executions --status error --json: %+v", ex)
	}
	if ex := decode[execs](t, mustRun(t, "executions", "ohio/Email-1", "--limit", "1", "--json")); len(ex.Executions) != 1 {
		t.Errorf("--limit 1: %d executions", len(ex.Executions))
	}

	rt := decode[retryJSON](t, mustRun(t, "retry", f.failed.ID, "--json"))
	if rt.Execution != f.failed.ID || rt.Retry == "" || rt.Retry == f.failed.ID || rt.Workspace != "ohio" || rt.Campaign != "Email-1" || rt.Instance != "ohio" || rt.SavedWorkflow {
		t.Errorf("retry --json: %+v", rt)
	}
	if got, ok := f.fake.Execution(rt.Retry); !ok || got.RetryOf != f.failed.ID {
		t.Errorf("the retry in n8n: %+v %v", got, ok)
	}
	if out := mustRun(t, "retry", f.failed.ID, "--saved-workflow"); !strings.Contains(out, "retried execution "+f.failed.ID+" of ohio/Email-1 as ") {
		t.Errorf("retry: %s", out)
	}

	out = mustRun(t, "toggle", "ohio/Followup", "--on")
	if out != "ohio/Followup: now active\n" {
		t.Errorf("toggle --on: %q", out)
	}
	if out = mustRun(t, "toggle", "ohio/Followup", "--on"); out != "ohio/Followup: already active\n" {
		t.Errorf("toggle --on again: %q", out)
	}

	out = mustRun(t, "audit", "--since", "1h")
	for _, want := range []string{"ACTOR", "local:", "toggle", "retry", "ohio", "Followup", "status paused→active", "texas"} {
		if !strings.Contains(out, want) {
			t.Errorf("audit lacks %q:\n%s", want, out)
		}
	}
	entries := decode[struct{ Entries []auditJSON }](t, mustRun(t, "audit", "--workspace", "ohio", "--limit", "3", "--json")).Entries
	if len(entries) != 3 || entries[0].Action != "toggle" || entries[0].Outcome != "noop" || entries[0].Campaign != "Followup" || entries[0].Workspace != "ohio" ||
		entries[1].Change != "status paused→active" || !strings.HasPrefix(entries[0].Actor, "local:") || entries[2].Action != "retry" {
		t.Errorf("audit --workspace ohio --limit 3 --json: %+v", entries)
	}
	if e := decode[struct{ Entries []auditJSON }](t, mustRun(t, "audit", "--since", "2999-01-01", "--json")).Entries; len(e) != 0 {
		t.Errorf("audit since 2999: %d rows", len(e))
	}

	out = mustRun(t, "drift")
	if !strings.Contains(out, "orphan_workflow") || !strings.Contains(out, "wf-none Nobody stray") || !strings.Contains(out, "open") {
		t.Errorf("drift:\n%s", out)
	}
	fs := decode[struct{ Findings []findingJSON }](t, mustRun(t, "unmanaged", "--json")).Findings
	if len(fs) != 3 || fs[0].Kind != "orphan_workflow" || fs[0].Instance != "ohio" || fs[0].Corrected || fs[0].ResolvedAt != nil {
		t.Errorf("unmanaged --json: %+v", fs)
	}
	if out := mustRun(t, "unmanaged"); !strings.Contains(out, "wf-texas") {
		t.Errorf("unmanaged:\n%s", out)
	}
	if fs := decode[struct{ Findings []findingJSON }](t, mustRun(t, "drift", "--kind", "state_mismatch", "--json")).Findings; len(fs) != 0 {
		t.Errorf("drift --kind state_mismatch: %+v", fs)
	}

	ws := decode[map[string]string](t, mustRun(t, "workspace", "freeze", "ohio", "--reason", "test", "--json"))
	if ws["workspace"] != "ohio" || ws["action"] != "freeze" || ws["status"] != "suspended" {
		t.Errorf("workspace freeze --json: %v", ws)
	}
}

func TestToggleFromAScriptWithNoTerminal(t *testing.T) {
	f := newScriptFleet(t)
	devnull, err := os.Open(os.DevNull)
	if err != nil {
		t.Fatal(err)
	}
	defer devnull.Close()
	var out, errOut bytes.Buffer
	code := run(context.Background(), []string{"toggle", "ohio/Email-1", "--off", "--json"}, devnull, &out, &errOut)
	if code != 0 {
		t.Fatalf("exit %d\n%s%s", code, out.String(), errOut.String())
	}
	got := decode[toggleJSON](t, out.String())
	want := toggleJSON{Workspace: "ohio", Campaign: "Email-1", ID: f.email1.ID, Wanted: "paused", Outcome: "ok", Status: "paused"}
	if got != want {
		t.Errorf("toggle --json: %+v\nwant %+v", got, want)
	}
	if wf, _ := f.fake.Workflow(f.email1.N8nWorkflowID); wf.Active {
		t.Error("the workflow is still active in n8n")
	}
	rows, _ := f.store.Audit(context.Background(), model.AuditFilter{Limit: 1})
	if len(rows) != 1 || rows[0].Action != "toggle" || rows[0].Outcome != model.OutcomeOK || rows[0].CampaignName != "Email-1" || !strings.HasPrefix(rows[0].ActorName, "local:") {
		t.Errorf("audit row: %+v", rows)
	}
}

func TestViewersToggleIsRefusedAndAudited(t *testing.T) {
	f := newScriptFleet(t)
	as(t, "viewer@ohio.io", f.viewer)
	for _, asJSON := range []bool{false, true} {
		args := []string{"toggle", "ohio/Email-1", "--off"}
		if asJSON {
			args = append(args, "--json")
		}
		out, errOut, code := godmode(t, "", args...)
		if code != 1 || !strings.Contains(errOut, "forbidden: a viewer may not toggle") {
			t.Errorf("%v as a viewer: exit %d, stderr %q", args, code, errOut)
		}
		if asJSON {
			got := decode[toggleJSON](t, out)
			if got.Outcome != "failed" || got.Status != "active" || !strings.Contains(got.Error, "forbidden") {
				t.Errorf("--json of the refusal: %+v", got)
			}
		} else if out != "" {
			t.Errorf("text refusal printed on stdout: %q", out)
		}
	}
	rows, _ := f.store.Audit(context.Background(), model.AuditFilter{Actor: "viewer@ohio.io", Outcome: model.OutcomeFailed})
	if len(rows) != 2 || rows[0].Action != "toggle" || rows[0].CampaignName != "Email-1" || !strings.Contains(rows[0].Error, "viewer") {
		t.Errorf("refusals on the record: %+v", rows)
	}
	if wf, _ := f.fake.Workflow(f.email1.N8nWorkflowID); !wf.Active {
		t.Error("the viewer's toggle reached n8n")
	}
}

func TestAMemberReadsNothingOfAnotherWorkspace(t *testing.T) {
	f := newScriptFleet(t)
	as(t, "member@ohio.io", f.member)
	for _, args := range [][]string{
		{"campaigns"}, {"campaigns", "--json"}, {"audit"}, {"audit", "--json"},
		{"executions", "ohio/Email-1"}, {"executions", "ohio/Email-1", "--json"},
		{"drift"}, {"drift", "--json"}, {"unmanaged"}, {"unmanaged", "--json"},
	} {
		out := mustRun(t, args...)
		for _, name := range texasNames {
			if strings.Contains(strings.ToLower(out), strings.ToLower(name)) {
				t.Errorf("godmode %s as ohio's member shows %q:\n%s", strings.Join(args, " "), name, out)
			}
		}
	}
	if out := mustRun(t, "campaigns", "--json"); !strings.Contains(out, `"name": "Email-1"`) {
		t.Errorf("the member does not see ohio's campaigns:\n%s", out)
	}
	if out := mustRun(t, "drift", "--json"); !strings.Contains(out, "Ohio stray") || strings.Contains(out, "Nobody stray") {
		t.Errorf("drift as a member: ohio's finding only, none of no workspace:\n%s", out)
	}
	// Asking for texas by name is refused, each time on the record.
	for _, args := range [][]string{
		{"campaigns", "--workspace", "texas"}, {"audit", "--workspace", "texas"},
		{"executions", "texas/Texas-Secret-Blast"}, {"retry", f.texasEx.ID},
	} {
		out, errOut, code := godmode(t, "", args...)
		if code != 1 || !strings.Contains(errOut, "forbidden") || strings.Contains(out, "Texas-Secret") {
			t.Errorf("godmode %s as ohio's member: exit %d, %q %q", strings.Join(args, " "), code, out, errOut)
		}
	}
	rows, _ := f.store.Audit(context.Background(), model.AuditFilter{Actor: "member@ohio.io", Outcome: model.OutcomeFailed, WorkspaceID: &f.texas.ID})
	var acts []string
	for _, r := range rows {
		acts = append(acts, r.Action)
	}
	if got := strings.Join(acts, " "); got != "retry executions.list audit.list campaigns.list" {
		t.Errorf("refusals audited: %q", got)
	}
}

func TestScriptArgumentsAreCheckedBeforeConnecting(t *testing.T) {
	isolate(t) // no database configured: a check made after connecting would say so
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"toggle", "ohio", "--off"}, "say WORKSPACE/CAMPAIGN"},
		{[]string{"toggle", "ohio/Email-1"}, "say --on or --off"},
		{[]string{"toggle", "ohio/Email-1", "--on", "--off"}, "say --on or --off"},
		{[]string{"toggle", "Ohio!/Email-1", "--on"}, "is not a workspace slug"},
		{[]string{"executions", "ohio/Email-1", "--status", "failed"}, `--status "failed": say one of`},
		{[]string{"executions", "ohio/Email-1", "--limit", "0"}, "--limit 0: say 1 to 250"},
		{[]string{"executions", "ohio/Email-1", "--data", "x", "--limit", "201"}, "--limit 201: say 1 to 200"},
		{[]string{"executions", "ohio/Email-1", "--data", "x", "--status", "failed"}, `--status "failed": say one of`},
		{[]string{"retry", "abc"}, "by its n8n id (digits)"},
		{[]string{"retry", "12", "--instance", "Bad Name"}, "is not an n8n instance name"},
		{[]string{"audit", "--since", "yesterday"}, "is neither a duration"},
		{[]string{"audit", "--since", "7d"}, "say days in hours"},
		{[]string{"audit", "--limit", "20000"}, "say 1 to 10000"},
		{[]string{"campaigns", "--workspace", "Ohio"}, "is not a workspace slug"},
		{[]string{"drift", "--kind", "orphans"}, `--kind "orphans": say one of`},
		{[]string{"unmanaged", "extra"}, "takes no arguments"},
	} {
		_, errOut, code := godmode(t, "", tc.args...)
		if code != 2 || !strings.Contains(errOut, tc.want) || strings.Contains(errOut, "database") {
			t.Errorf("godmode %s: exit %d, %q; want exit 2 saying %q", strings.Join(tc.args, " "), code, errOut, tc.want)
		}
	}
}

func failAt(s n8n.Status) string {
	if s == n8n.StatusError {
		return "Send"
	}
	return ""
}

func TestToggleRefusedByN8nExitsOneWithItsWords(t *testing.T) {
	f := newScriptFleet(t)
	f.fake.FailNext(100, 503)
	out, errOut, code := godmode(t, "", "toggle", "ohio/Email-1", "--off", "--json")
	if code != 1 || !strings.Contains(errOut, "godmode toggle: ohio/Email-1: failed: ") || !strings.Contains(errOut, "503") {
		t.Errorf("toggle with n8n down: exit %d, stderr %q", code, errOut)
	}
	if got := decode[toggleJSON](t, out); got.Outcome != "failed" || !strings.Contains(got.Error, "503") || got.Status != "active" {
		t.Errorf("--json: %+v", got)
	}
	f.fake.ClearFaults()
	rows, _ := f.store.Audit(context.Background(), model.AuditFilter{Limit: 1})
	if len(rows) != 1 || rows[0].Action != "toggle" || rows[0].Outcome != model.OutcomeFailed {
		t.Errorf("audit row: %+v", rows)
	}
}

func TestScriptTablesAreCleaned(t *testing.T) {
	f := newScriptFleet(t)
	ctx := context.Background()
	if _, err := f.store.CreateCampaign(ctx, db.NewCampaign{WorkspaceID: f.ohio.ID, Name: "Evil\x1b[2J\x07Name", N8nWorkflowID: "wf-evil", Status: model.CampaignPaused}); err != nil {
		t.Fatal(err)
	}
	out := mustRun(t, "campaigns")
	if strings.ContainsAny(out, "\x1b\x07") || !strings.Contains(out, "ohio/Evil") {
		t.Errorf("campaigns prints control characters: %q", out)
	}
	// JSON keeps the name exact (JSON escapes it).
	if js := mustRun(t, "campaigns", "--json"); !strings.Contains(js, `Evil\u001b[2J\u0007Name`) {
		t.Errorf("campaigns --json does not keep the name exact:\n%s", js)
	}
}
