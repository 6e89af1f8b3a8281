package db_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/godmode-console/godmode/db"
	"github.com/godmode-console/godmode/db/dbtest"
	"github.com/godmode-console/godmode/model"
)

func TestSecondCampaignOnSameWorkflowRefused(t *testing.T) {
	s, ctx := newStore(t)
	_, ws := fleet(t, s, ctx)
	if _, err := s.CreateCampaign(ctx, db.NewCampaign{WorkspaceID: ws.ID, Name: "Email 1", N8nWorkflowID: "wf1"}); err != nil {
		t.Fatal(err)
	}
	_, err := s.CreateCampaign(ctx, db.NewCampaign{WorkspaceID: ws.ID, Name: "Email 1 copy", N8nWorkflowID: "wf1"})
	if !errors.Is(err, model.ErrConflict) {
		t.Fatalf("second campaign on workflow wf1: got %v, want a conflict", err)
	}
	if pg := (*pgconn.PgError)(nil); !errors.As(err, &pg) || pg.ConstraintName != "campaigns_instance_id_n8n_workflow_id_key" {
		t.Errorf("error does not keep the rule it broke: %v", err)
	}
	// The same workflow id on another instance is another workflow.
	other, err := s.AddInstance(ctx, db.NewInstance{Name: "texas", BaseURL: "http://127.0.0.1:5679", APIKey: "k2"})
	if err != nil {
		t.Fatal(err)
	}
	ws2, err := s.CreateWorkspace(ctx, "texas", "Texas", &other.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateCampaign(ctx, db.NewCampaign{WorkspaceID: ws2.ID, Name: "Email 1", N8nWorkflowID: "wf1"}); err != nil {
		t.Fatalf("wf1 on another instance: %v", err)
	}
}

func TestAuditLogIsAppendOnly(t *testing.T) {
	s, ctx := newStore(t)
	e, err := s.AppendAudit(ctx, model.AuditEntry{ActorName: "ana@example.com", Action: "toggle", Outcome: model.OutcomeOK})
	if err != nil {
		t.Fatal(err)
	}
	// The runtime role is refused by privilege, the owner by the triggers.
	owner := dbtest.Owner(t, s.Pool())
	for who, pool := range map[string]*pgxpool.Pool{"runtime": s.Pool(), "owner": owner} {
		for _, stmt := range []string{
			`UPDATE audit_log SET outcome = 'failed' WHERE id = $1`,
			`DELETE FROM audit_log WHERE id = $1`,
		} {
			_, err := pool.Exec(ctx, stmt, e.ID)
			if err == nil || (who == "owner" && !strings.Contains(err.Error(), "append-only")) {
				t.Errorf("%s: %s: got %v, want a refusal", who, stmt, err)
			}
		}
		if _, err := pool.Exec(ctx, `TRUNCATE audit_log`); err == nil {
			t.Errorf("%s: TRUNCATE audit_log was allowed", who)
		}
	}
	got, err := s.Audit(ctx, model.AuditFilter{})
	if err != nil || len(got) != 1 || got[0].Outcome != model.OutcomeOK {
		t.Fatalf("audit after refused changes: %+v, %v", got, err)
	}
}

func TestUnknownStatusesRefused(t *testing.T) {
	s, ctx := newStore(t)
	inst, ws := fleet(t, s, ctx)
	cases := map[string]string{
		"workspace status": `UPDATE workspaces SET status = 'paused' WHERE id = 1`,
		"campaign status":  `INSERT INTO campaigns (workspace_id, instance_id, name, n8n_workflow_id, status) VALUES (1, 1, 'x', 'wf9', 'running')`,
		"member role":      `INSERT INTO workspace_members (workspace_id, user_id, role) VALUES (1, 1, 'superuser')`,
		"audit outcome":    `INSERT INTO audit_log (actor, action, outcome) VALUES ('a', 'b', 'maybe')`,
		"execution status": `INSERT INTO executions (campaign_id, n8n_execution_id, status, started_at) VALUES (1, '1', 'exploded', now())`,
	}
	if _, err := s.CreateCampaign(ctx, db.NewCampaign{WorkspaceID: ws.ID, Name: "c", N8nWorkflowID: "wf1"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateUser(ctx, "ana@example.com", "Ana", false); err != nil {
		t.Fatal(err)
	}
	_ = inst
	for name, stmt := range cases {
		if _, err := s.Pool().Exec(ctx, stmt); err == nil {
			t.Errorf("%s: an unknown value was stored", name)
		}
	}
	_, err := s.SetWorkspaceStatus(ctx, ws.ID, "frozen", "")
	if !errors.Is(err, model.ErrInvalid) {
		t.Errorf("SetWorkspaceStatus(frozen): %v, want invalid", err)
	}
}

func TestDeleteBehaviour(t *testing.T) {
	s, ctx := newStore(t)
	inst, ws := fleet(t, s, ctx)
	c, err := s.CreateCampaign(ctx, db.NewCampaign{WorkspaceID: ws.ID, Name: "Email 1", N8nWorkflowID: "wf1"})
	if err != nil {
		t.Fatal(err)
	}
	u, _ := s.CreateUser(ctx, "ana@example.com", "Ana", false)
	if err := s.SetMember(ctx, ws.ID, u.ID, model.RoleOwner); err != nil {
		t.Fatal(err)
	}
	if _, err := s.UpsertLeads(ctx, ws.ID, []model.Lead{{Email: "a@b.co", CampaignID: &c.ID}}); err != nil {
		t.Fatal(err)
	}
	wsID := ws.ID
	if _, err := s.AppendAudit(ctx, model.AuditEntry{ActorName: "ana@example.com", Action: "toggle", WorkspaceID: &wsID, CampaignID: &c.ID}); err != nil {
		t.Fatal(err)
	}
	super := dbtest.Superuser(t, s.Pool())
	var leads int
	super.QueryRow(ctx, "SELECT count(*) FROM leads").Scan(&leads)
	if leads != 1 {
		t.Fatalf("before deleting the workspace, leads has %d rows, want 1", leads)
	}
	// An instance that holds workspaces cannot go.
	if err := s.RemoveInstance(ctx, inst.Name); !errors.Is(err, model.ErrInvalid) {
		t.Fatalf("removing an instance in use: %v, want a refusal", err)
	}
	if err := s.DeleteWorkspace(ctx, ws.ID); err != nil {
		t.Fatal(err)
	}
	for table, want := range map[string]int{"campaigns": 0, "workspace_members": 0, "leads": 0, "audit_log": 1, "users": 1} {
		var n int
		// Counted by the superuser, whom leads' row-level security does not hide rows from.
		super.QueryRow(ctx, "SELECT count(*) FROM "+table).Scan(&n)
		if n != want {
			t.Errorf("after deleting the workspace, %s has %d rows, want %d", table, n, want)
		}
	}
	if err := s.RemoveInstance(ctx, inst.Name); err != nil {
		t.Fatalf("removing an unused instance: %v", err)
	}
}

func TestCampaignMustSitOnItsWorkspaceInstance(t *testing.T) {
	s, ctx := newStore(t)
	_, ws := fleet(t, s, ctx)
	other, _ := s.AddInstance(ctx, db.NewInstance{Name: "texas", BaseURL: "http://127.0.0.1:5679", APIKey: "k2"})
	_, err := s.Pool().Exec(ctx, `INSERT INTO campaigns (workspace_id, instance_id, name, n8n_workflow_id) VALUES ($1, $2, 'x', 'wf1')`, ws.ID, other.ID)
	if err == nil {
		t.Fatal("a campaign was recorded on an instance its workspace does not live on")
	}
	bare, err := s.CreateWorkspace(ctx, "bare", "No instance yet", nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateCampaign(ctx, db.NewCampaign{WorkspaceID: bare.ID, Name: "x", N8nWorkflowID: "wf2"}); err == nil {
		t.Fatal("a campaign was recorded in a workspace with no n8n instance")
	}
}

func TestSuspendedNeedsAReason(t *testing.T) {
	s, ctx := newStore(t)
	_, ws := fleet(t, s, ctx)
	if _, err := s.SetWorkspaceStatus(ctx, ws.ID, model.WorkspaceSuspended, ""); !errors.Is(err, model.ErrInvalid) {
		t.Fatalf("suspend without reason: %v", err)
	}
	got, err := s.SetWorkspaceStatus(ctx, ws.ID, model.WorkspaceSuspended, "unpaid invoice")
	if err != nil || got.FreezeReason != "unpaid invoice" || got.FrozenAt == nil {
		t.Fatalf("suspend: %+v %v", got, err)
	}
	got, err = s.SetWorkspaceStatus(ctx, ws.ID, model.WorkspaceActive, "")
	if err != nil || got.FreezeReason != "" || got.FrozenAt != nil {
		t.Fatalf("unsuspend: %+v %v", got, err)
	}
}
