package db_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/godmode-console/godmode/db"
	"github.com/godmode-console/godmode/db/dbtest"
	"github.com/godmode-console/godmode/model"
)

func TestUsersKeysMembersAndActor(t *testing.T) {
	s, ctx := newStore(t)
	_, ws := fleet(t, s, ctx)
	u, err := s.CreateUser(ctx, "Ana@Example.com", "Ana", false)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateUser(ctx, "ana@example.COM", "Ana again", false); !errors.Is(err, model.ErrConflict) {
		t.Fatalf("same email in another case: %v", err)
	}
	if got, err := s.UserByEmail(ctx, "ANA@example.com"); err != nil || got.ID != u.ID {
		t.Fatalf("UserByEmail: %+v %v", got, err)
	}
	if _, err := s.AddUserKey(ctx, u.ID, "SHA256:abc", "ssh-ed25519 AAAA ana", "laptop"); err != nil {
		t.Fatal(err)
	}
	bob, _ := s.CreateUser(ctx, "bob@example.com", "Bob", false)
	if _, err := s.AddUserKey(ctx, bob.ID, "SHA256:abc", "ssh-ed25519 AAAA ana", ""); !errors.Is(err, model.ErrConflict) {
		t.Fatalf("one key for two users: %v", err)
	}
	if got, err := s.UserByKey(ctx, "SHA256:abc"); err != nil || got.ID != u.ID {
		t.Fatalf("UserByKey: %+v %v", got, err)
	}
	if _, err := s.UserByKey(ctx, "SHA256:nope"); !errors.Is(err, model.ErrNotFound) {
		t.Fatalf("unknown key: %v", err)
	}
	if err := s.SetMember(ctx, ws.ID, u.ID, model.RoleViewer); err != nil {
		t.Fatal(err)
	}
	if err := s.SetMember(ctx, ws.ID, u.ID, model.RoleAdmin); err != nil {
		t.Fatal(err)
	}
	ms, _ := s.Members(ctx, ws.ID)
	if len(ms) != 1 || ms[0].Role != model.RoleAdmin {
		t.Fatalf("members: %+v", ms)
	}
	a, err := s.Actor(ctx, u, "SHA256:abc")
	if err != nil {
		t.Fatal(err)
	}
	if err := model.Authorize(a, model.ActionToggle, ws.ID); err != nil {
		t.Errorf("admin may not toggle: %v", err)
	}
	if err := model.Authorize(a, model.ActionToggle, ws.ID+1); err == nil {
		t.Error("admin may toggle in a workspace they are not in")
	}
	if err := s.RemoveMember(ctx, ws.ID, u.ID); err != nil {
		t.Fatal(err)
	}
	a, _ = s.Actor(ctx, u, "")
	if err := model.Authorize(a, model.ActionView, ws.ID); err == nil {
		t.Error("a removed member may still look")
	}
}

func TestCampaignOptimisticConcurrency(t *testing.T) {
	s, ctx := newStore(t)
	_, ws := fleet(t, s, ctx)
	c, err := s.CreateCampaign(ctx, db.NewCampaign{WorkspaceID: ws.ID, Name: "Email 1", N8nWorkflowID: "wf1", WebhookURL: "https://n8n/webhook/x"})
	if err != nil {
		t.Fatal(err)
	}
	if c.Status != model.CampaignPaused || c.Version != 1 || c.InstanceID != *ws.InstanceID {
		t.Fatalf("new campaign: %+v", c)
	}
	c2, err := s.SetCampaignStatus(ctx, c.ID, c.Version, model.CampaignActive, "")
	if err != nil || c2.Status != model.CampaignActive || c2.Version != 2 {
		t.Fatalf("first write: %+v %v", c2, err)
	}
	if _, err := s.SetCampaignStatus(ctx, c.ID, c.Version, model.CampaignPaused, ""); !errors.Is(err, model.ErrStale) {
		t.Fatalf("write at an old version: %v, want stale", err)
	}
	got, _ := s.CampaignByWorkflow(ctx, *ws.InstanceID, "wf1")
	if got.Status != model.CampaignActive {
		t.Fatalf("the stale write changed the campaign: %+v", got)
	}
	list, _ := s.Campaigns(ctx, ws.ID)
	if len(list) != 1 || list[0].WebhookURL != "https://n8n/webhook/x" {
		t.Fatalf("campaigns: %+v", list)
	}
}

func TestWorkspaceSummariesCount(t *testing.T) {
	s, ctx := newStore(t)
	_, ws := fleet(t, s, ctx)
	for i, st := range []model.CampaignStatus{model.CampaignActive, model.CampaignActive, model.CampaignPaused, model.CampaignError} {
		if _, err := s.CreateCampaign(ctx, db.NewCampaign{WorkspaceID: ws.ID, Name: fmt.Sprint("c", i), N8nWorkflowID: fmt.Sprint("wf", i), Status: st}); err != nil {
			t.Fatal(err)
		}
	}
	s.Pool().Exec(ctx, `UPDATE campaigns SET failures_24h = 3 WHERE name = 'c3'`)
	if _, err := s.CreateWorkspace(ctx, "empty", "Empty", nil); err != nil {
		t.Fatal(err)
	}
	sums, err := s.WorkspaceSummaries(ctx)
	if err != nil || len(sums) != 2 {
		t.Fatalf("%+v %v", sums, err)
	}
	o := sums[1]
	if o.Slug != "ohio" || o.Campaigns != 4 || o.CampaignCounts[model.CampaignActive] != 2 || o.CampaignCounts[model.CampaignError] != 1 || o.Failures24h != 3 || o.InstanceName != "ohio" {
		t.Fatalf("ohio summary: %+v", o)
	}
	if sums[0].Slug != "empty" || sums[0].Campaigns != 0 || sums[0].Status != model.WorkspaceAwaitingSetup {
		t.Fatalf("empty summary: %+v", sums[0])
	}
}

func TestAuditFilters(t *testing.T) {
	s, ctx := newStore(t)
	_, ws := fleet(t, s, ctx)
	wsID := ws.ID
	for _, e := range []model.AuditEntry{
		{ActorName: "ana@example.com", Action: "toggle", WorkspaceID: &wsID, Outcome: model.OutcomeOK, Before: json.RawMessage(`{"status":"paused"}`), After: json.RawMessage(`{"status":"active"}`)},
		{ActorName: "sync", Action: "correct", WorkspaceID: &wsID, Outcome: model.OutcomeOK},
		{ActorName: "ana@example.com", Action: "toggle", Outcome: model.OutcomeFailed, Error: "n8n answered 500"},
	} {
		if _, err := s.AppendAudit(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	all, _ := s.Audit(ctx, model.AuditFilter{})
	if len(all) != 3 || all[0].Outcome != model.OutcomeFailed {
		t.Fatalf("newest first: %+v", all)
	}
	if got, _ := s.Audit(ctx, model.AuditFilter{WorkspaceID: &wsID}); len(got) != 2 {
		t.Errorf("by workspace: %d", len(got))
	}
	if got, _ := s.Audit(ctx, model.AuditFilter{Actor: "sync"}); len(got) != 1 || got[0].Action != "correct" {
		t.Errorf("by actor: %+v", got)
	}
	c, err := s.CreateCampaign(ctx, db.NewCampaign{WorkspaceID: ws.ID, Name: "Email 1", N8nWorkflowID: "wf1"})
	if err != nil {
		t.Fatal(err)
	}
	gone := int64(999)
	s.AppendAudit(ctx, model.AuditEntry{ActorName: "sync", Action: "sync.correct", WorkspaceID: &wsID, CampaignID: &c.ID})
	s.AppendAudit(ctx, model.AuditEntry{ActorName: "sync", Action: "sync.correct", CampaignID: &gone, Before: json.RawMessage(`{"campaign":"Old one"}`)})
	named, _ := s.Audit(ctx, model.AuditFilter{Actor: "sync", Limit: 2})
	if len(named) != 2 || named[0].CampaignName != "Old one" || named[1].CampaignName != "Email 1" || named[1].WorkspaceSlug != "ohio" {
		t.Errorf("names in the trail: %+v", named)
	}
	got, _ := s.Audit(ctx, model.AuditFilter{Actor: "ana@example.com", Outcome: model.OutcomeOK})
	if len(got) != 1 || string(got[0].After) != `{"status": "active"}` {
		t.Errorf("by actor and outcome: %+v", got)
	}
}

func TestBlueprintVersionsAndProvisioningRuns(t *testing.T) {
	s, ctx := newStore(t)
	_, ws := fleet(t, s, ctx)
	bp, err := s.CreateBlueprint(ctx, "base-cold-email", "six workflows")
	if err != nil {
		t.Fatal(err)
	}
	v1, err := s.AddBlueprintVersion(ctx, model.BlueprintVersion{BlueprintID: bp.ID, Workflows: json.RawMessage(`[{"name":"Email 1"}]`)})
	if err != nil || v1.Version != 1 || len(v1.ContentHash) != 64 {
		t.Fatalf("v1: %+v %v", v1, err)
	}
	if _, err := s.AddBlueprintVersion(ctx, model.BlueprintVersion{BlueprintID: bp.ID, Workflows: json.RawMessage(`[{"name":"Email 1"}]`)}); !errors.Is(err, model.ErrConflict) {
		t.Fatalf("same content again: %v", err)
	}
	if _, err := s.AddBlueprintVersion(ctx, model.BlueprintVersion{BlueprintID: bp.ID, Workflows: json.RawMessage(`{"name":"not a list"}`)}); !errors.Is(err, model.ErrInvalid) {
		t.Fatalf("workflows not a list: %v", err)
	}
	v2, err := s.AddBlueprintVersion(ctx, model.BlueprintVersion{BlueprintID: bp.ID, Workflows: json.RawMessage(`[{"name":"Email 1"},{"name":"Email 2"}]`)})
	if err != nil || v2.Version != 2 {
		t.Fatalf("v2: %+v %v", v2, err)
	}
	vs, _ := s.BlueprintVersions(ctx, bp.ID)
	if len(vs) != 2 || vs[0].Version != 2 {
		t.Fatalf("versions: %+v", vs)
	}

	run, err := s.StartRun(ctx, ws.ID, v2.ID, nil)
	if err != nil || run.Status != model.RunPlanned {
		t.Fatalf("run: %+v %v", run, err)
	}
	if _, err := s.StartRun(ctx, ws.ID, v2.ID, nil); !errors.Is(err, model.ErrConflict) {
		t.Fatalf("a second open run: %v", err)
	}
	for _, st := range []model.ProvisioningStep{
		{RunID: run.ID, Kind: "create_credential", Ref: "gmail", N8nID: "cred1", Status: "done"},
		{RunID: run.ID, Kind: "create_workflow", Ref: "Email 1", N8nID: "wf1", Status: "done"},
	} {
		if _, err := s.AddStep(ctx, st); err != nil {
			t.Fatal(err)
		}
	}
	steps, _ := s.Steps(ctx, run.ID)
	if len(steps) != 2 || steps[1].Seq != 2 || steps[1].N8nID != "wf1" {
		t.Fatalf("steps: %+v", steps)
	}
	done, err := s.SetRunStatus(ctx, run.ID, model.RunSucceeded, "")
	if err != nil || done.FinishedAt == nil {
		t.Fatalf("finish: %+v %v", done, err)
	}
	if _, err := s.StartRun(ctx, ws.ID, v2.ID, nil); err != nil {
		t.Fatalf("a new run after the last finished: %v", err)
	}
}

func TestLeadsUpsertMetadataAndIsolation(t *testing.T) {
	s, ctx := newStore(t)
	_, ws := fleet(t, s, ctx)
	other, _ := s.CreateWorkspace(ctx, "texas", "Texas", nil)
	res, err := s.UpsertLeads(ctx, ws.ID, []model.Lead{
		{Email: "Jo@Acme.com", Metadata: json.RawMessage(`{"industry":"roofing","city":"Columbus"}`)},
		{Email: "max@acme.com", Metadata: json.RawMessage(`{"industry":"solar"}`)},
	})
	if err != nil || res.Inserted != 2 {
		t.Fatalf("first import: %+v %v", res, err)
	}
	res, err = s.UpsertLeads(ctx, ws.ID, []model.Lead{{Email: "jo@acme.COM", Metadata: json.RawMessage(`{"email_1_sent":true}`)}})
	if err != nil || res.Inserted != 0 || res.Updated != 1 {
		t.Fatalf("re-import in another case: %+v %v", res, err)
	}
	got, _ := s.Leads(ctx, ws.ID, `{"industry":"roofing"}`, 0)
	if len(got) != 1 || string(got[0].Metadata) != `{"city": "Columbus", "industry": "roofing", "email_1_sent": true}` {
		t.Fatalf("merged metadata: %+v", got)
	}
	if _, err := s.UpsertLeads(ctx, other.ID, []model.Lead{{Email: "jo@acme.com"}}); err != nil {
		t.Fatalf("the same email in another workspace: %v", err)
	}
	before, _ := s.Leads(ctx, ws.ID, "", 0)
	if _, err := s.UpsertLeads(ctx, ws.ID, []model.Lead{{Email: "ok@acme.com"}, {Email: "not-an-email"}}); !errors.Is(err, model.ErrInvalid) {
		t.Fatalf("a bad email: %v", err)
	}
	after, _ := s.Leads(ctx, ws.ID, "", 0)
	if len(after) != len(before) {
		t.Fatalf("a failed import left %d rows behind", len(after)-len(before))
	}
	var idx int
	s.Pool().QueryRow(ctx, `SELECT count(*) FROM pg_indexes WHERE tablename = 'leads' AND indexdef LIKE '%gin%metadata%'`).Scan(&idx)
	if idx != 1 {
		t.Fatal("no GIN index on leads.metadata")
	}

	// A role that is neither owner nor runtime sees only the workspace its
	// session names; creating one takes the superuser.
	tx, err := dbtest.Superuser(t, s.Pool()).Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	for _, q := range []string{
		`CREATE ROLE tenant_reader`,
		`GRANT SELECT ON leads TO tenant_reader`,
		`SET LOCAL ROLE tenant_reader`,
		fmt.Sprintf(`SET LOCAL godmode.workspace_id = '%d'`, other.ID),
	} {
		if _, err := tx.Exec(ctx, q); err != nil {
			t.Fatal(q, err)
		}
	}
	rows, _ := tx.Query(ctx, `SELECT workspace_id FROM leads`)
	seen, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil || len(seen) != 1 || seen[0] != other.ID {
		t.Fatalf("row-level security: saw workspaces %v (%v), want only %d", seen, err, other.ID)
	}
}

// UpsertLeads keeps the workspace's key set as every writer of leads
// does, so the keys of the leads it writes become the :leads screen's
// columns.
func TestUpsertLeadsKeepsTheKeySet(t *testing.T) {
	s, ctx := newStore(t)
	_, ws := fleet(t, s, ctx)
	if _, err := s.UpsertLeads(ctx, ws.ID, []model.Lead{{Email: "jo@acme.com", Metadata: json.RawMessage(`{"industry":"roofing","score":3}`)}}); err != nil {
		t.Fatal(err)
	}
	keys, err := s.LeadKeys(ctx, ws.ID, 0)
	if err != nil || !slices.Equal(keys, []string{"industry", "score"}) {
		t.Fatalf("lead keys after an upsert: %v %v", keys, err)
	}
}
