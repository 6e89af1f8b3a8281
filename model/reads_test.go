package model_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/godmode-console/godmode/db"
	"github.com/godmode-console/godmode/model"
	"github.com/godmode-console/godmode/n8n"
)

// twoTenants is the world's ohio plus a texas workspace on the same n8n,
// with a campaign, an audit row and a finding of each.
type twoTenants struct {
	*world
	texas         model.Workspace
	ohioCamp      model.Campaign
	texasCamp     model.Campaign
	texasOutsider model.Actor // a member of texas only
}

func newTwoTenants(t *testing.T) twoTenants {
	w := newWorld(t)
	tt := twoTenants{world: w}
	tt.ohioCamp = w.campaign("Ohio-Email-1", true)
	var err error
	if tt.texas, err = w.store.CreateWorkspace(w.ctx, "texas", "Texas Secret Roofing", w.ws.InstanceID); err != nil {
		t.Fatal(err)
	}
	wf, err := w.n8n.AddWorkflow(n8n.Workflow{Name: "Texas-Secret-Launch", Active: true, Connections: json.RawMessage(`{}`),
		Nodes: []n8n.Node{{Name: "Every 5 minutes", Type: "n8n-nodes-base.scheduleTrigger", TypeVersion: 1.2, Position: []float64{0, 0},
			Parameters: json.RawMessage(`{"rule":{"interval":[{"field":"minutes","minutesInterval":5}]}}`)}}})
	if err != nil {
		t.Fatal(err)
	}
	if tt.texasCamp, err = w.store.CreateCampaign(w.ctx, db.NewCampaign{WorkspaceID: tt.texas.ID, Name: "Texas-Secret-Launch",
		N8nWorkflowID: wf.ID, Status: model.CampaignActive}); err != nil {
		t.Fatal(err)
	}
	// One toggle in each workspace by the super admin: one audit row each.
	for _, c := range []model.Campaign{tt.ohioCamp, tt.texasCamp} {
		if r := w.console.Toggle(w.ctx, w.super, c.ID, model.CampaignPaused); r.Err != nil {
			t.Fatal(r.Err)
		}
	}
	if _, err := w.store.Pool().Exec(w.ctx, `INSERT INTO sync_findings (kind, instance_id, workspace_id, workflow_id, workflow_name, detail, corrected)
		VALUES ('orphan_workflow', $1, $2, 'wf-ohio', 'Ohio stray', 'owned by no campaign', false),
		       ('orphan_workflow', $1, $3, 'wf-texas', 'Texas-Secret-Stray', 'owned by no campaign', false),
		       ('orphan_workflow', $1, NULL, 'wf-none', 'Nobody-Stray', 'owned by no campaign', false)`,
		*w.ws.InstanceID, w.ws.ID, tt.texas.ID); err != nil {
		t.Fatal(err)
	}
	u, err := w.store.CreateUser(w.ctx, "tex@texas.io", "Tex", false)
	if err != nil {
		t.Fatal(err)
	}
	w.store.SetMember(w.ctx, tt.texas.ID, u.ID, model.RoleMember)
	tt.texasOutsider, _ = w.store.Actor(w.ctx, u, "")
	return tt
}

func TestReadsShowAMemberOnlyTheirWorkspace(t *testing.T) {
	w := newTwoTenants(t)
	for _, who := range []struct {
		name  string
		actor model.Actor
	}{{"member", w.member}, {"viewer", w.viewer}} {
		camps, err := w.console.CampaignsFor(w.ctx, who.actor, 0)
		if err != nil || len(camps) != 1 || camps[0].Name != "Ohio-Email-1" || camps[0].Workspace != "ohio" || camps[0].Instance != "ohio" {
			t.Errorf("%s: campaigns %+v %v, want ohio's one", who.name, camps, err)
		}
		rows, err := w.console.AuditFor(w.ctx, who.actor, model.AuditScope{})
		if err != nil || len(rows) == 0 {
			t.Errorf("%s: audit %d rows %v", who.name, len(rows), err)
		}
		for _, r := range rows {
			if r.WorkspaceID == nil || *r.WorkspaceID != w.ws.ID {
				t.Errorf("%s reads audit row %d of workspace %v: %s %s", who.name, r.ID, r.WorkspaceID, r.Action, r.CampaignName)
			}
		}
		fs, err := w.console.FindingsFor(w.ctx, who.actor, model.FindingFilter{})
		if err != nil || len(fs) != 1 || fs[0].WorkflowName != "Ohio stray" {
			t.Errorf("%s: findings %+v %v, want ohio's one", who.name, fs, err)
		}
	}
	// Texas asked for by name: refused, and the refusal is on the record.
	before := len(w.auditRows(""))
	if _, err := w.console.CampaignsFor(w.ctx, w.member, w.texas.ID); !errors.Is(err, model.ErrForbidden) {
		t.Errorf("member reading texas's campaigns: %v, want forbidden", err)
	}
	id := w.texas.ID
	if _, err := w.console.AuditFor(w.ctx, w.member, model.AuditScope{AuditFilter: model.AuditFilter{WorkspaceID: &id}}); !errors.Is(err, model.ErrForbidden) {
		t.Errorf("member reading texas's audit: %v, want forbidden", err)
	}
	if _, _, err := w.console.ExecutionsAt(w.ctx, w.member, "texas", "Texas-Secret-Launch", "", 10); !errors.Is(err, model.ErrForbidden) {
		t.Errorf("member listing texas's executions: %v, want forbidden", err)
	}
	if r := w.console.ToggleAt(w.ctx, w.member, "texas", "Texas-Secret-Launch", model.CampaignPaused); !errors.Is(r.Err, model.ErrForbidden) {
		t.Errorf("member toggling texas: %v, want forbidden", r.Err)
	}
	refused := w.auditRows("")[:len(w.auditRows(""))-before]
	var acts []string
	for _, r := range refused {
		if r.Outcome != model.OutcomeFailed || r.ActorName != w.member.Name || r.WorkspaceID == nil || *r.WorkspaceID != w.texas.ID {
			t.Errorf("refusal row %+v", r)
		}
		acts = append(acts, r.Action)
	}
	if got := strings.Join(acts, " "); got != "toggle executions.list audit.list campaigns.list" {
		t.Errorf("refusals audited as %q", got)
	}

	// A super admin reads both tenants and what belongs to none.
	camps, _ := w.console.CampaignsFor(w.ctx, w.super, 0)
	fs, _ := w.console.FindingsFor(w.ctx, w.super, model.FindingFilter{})
	if len(camps) != 2 || len(fs) != 3 {
		t.Errorf("super admin: %d campaigns, %d findings; want 2 and 3", len(camps), len(fs))
	}
	since := time.Now().Add(time.Hour)
	if rows, err := w.console.AuditFor(w.ctx, w.super, model.AuditScope{Since: &since}); err != nil || len(rows) != 0 {
		t.Errorf("audit since an hour ahead: %d rows %v", len(rows), err)
	}
}

func TestRevokedMembershipHoldsInAnOpenSession(t *testing.T) {
	w := newTwoTenants(t)
	member := w.member // read once, as a session holds it
	if camps, err := w.console.CampaignsFor(w.ctx, member, 0); err != nil || len(camps) != 1 {
		t.Fatalf("before revoking: %+v %v", camps, err)
	}
	if err := w.store.RemoveMember(w.ctx, w.ws.ID, member.UserID); err != nil {
		t.Fatal(err)
	}
	if camps, err := w.console.CampaignsFor(w.ctx, member, 0); err != nil || len(camps) != 0 {
		t.Errorf("after revoking: campaigns %+v %v, want none", camps, err)
	}
	if r := w.console.Toggle(w.ctx, member, w.ohioCamp.ID, model.CampaignActive); !errors.Is(r.Err, model.ErrForbidden) {
		t.Errorf("toggle after revoking: %v, want forbidden", r.Err)
	}
	if w.n8nActive(w.ohioCamp) {
		t.Error("the revoked member's toggle reached n8n")
	}
	if _, err := w.console.ExecutionsFor(w.ctx, member, w.ohioCamp.ID, "", 10); !errors.Is(err, model.ErrForbidden) {
		t.Errorf("executions after revoking: %v, want forbidden", err)
	}
	// Granted again (as a viewer): reads come back, toggles stay refused.
	w.store.SetMember(w.ctx, w.ws.ID, member.UserID, model.RoleViewer)
	if camps, _ := w.console.CampaignsFor(w.ctx, member, 0); len(camps) != 1 {
		t.Errorf("after granting viewer: %d campaigns", len(camps))
	}
	if r := w.console.Toggle(w.ctx, member, w.ohioCamp.ID, model.CampaignActive); !errors.Is(r.Err, model.ErrForbidden) {
		t.Errorf("toggle as the new viewer: %v, want forbidden", r.Err)
	}
}
