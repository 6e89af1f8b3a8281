package model_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/godmode-console/godmode/db"
	"github.com/godmode-console/godmode/model"
	"github.com/godmode-console/godmode/n8n/n8ntest"
)

// The console's screens read through Console.As(actor): a member of ohio
// must get nothing of texas from any of those reads, whichever way asked.
func TestConsoleReadsShowAMemberNothingOfAnotherTenant(t *testing.T) {
	w := newTwoTenants(t)
	if _, err := w.n8n.AddExecution(n8ntest.ExecutionSpec{WorkflowID: w.texasCamp.N8nWorkflowID}); err != nil {
		t.Fatal(err)
	}
	// An instance that hosts none of ohio: a member's header does not count it.
	if _, err := w.store.AddInstance(w.ctx, db.NewInstance{Name: "texas-n8n", BaseURL: "http://127.0.0.1:1", APIKey: "k"}); err != nil {
		t.Fatal(err)
	}
	for _, who := range []struct {
		name  string
		actor model.Actor
	}{{"member", w.member}, {"viewer", w.viewer}} {
		c := w.console.As(who.actor)
		if h := c.Health(w.ctx); !h.DBOK || h.Instances != 1 || !h.DriftKnown || h.DriftCount != 1 {
			t.Errorf("%s: header counts %d instances and drift %d (%v %s), want ohio's 1 and 1", who.name, h.Instances, h.DriftCount, h.DBOK, h.DBError)
		}
		wss, err := c.Workspaces(w.ctx)
		if err != nil || len(wss) != 1 || wss[0].Slug != "ohio" {
			t.Errorf("%s: workspaces %+v %v, want ohio only", who.name, wss, err)
		}
		if camps, err := c.Campaigns(w.ctx, w.texas.ID); err == nil || len(camps) != 0 {
			t.Errorf("%s: texas's campaigns %+v %v, want a refusal", who.name, camps, err)
		}
		if ex, err := c.Executions(w.ctx, w.texasCamp.ID, ""); err == nil || len(ex) != 0 {
			t.Errorf("%s: texas's executions %+v %v, want a refusal", who.name, ex, err)
		}
		if ex, err := c.FindRetry(w.ctx, w.texasCamp.ID, "1"); !errors.Is(err, model.ErrForbidden) || ex != nil {
			t.Errorf("%s: a retry in texas %+v %v, want a refusal", who.name, ex, err)
		}
		rows, err := c.Audit(w.ctx, model.AuditFilter{})
		if err != nil {
			t.Errorf("%s: audit: %v", who.name, err)
		}
		for _, r := range rows {
			if r.WorkspaceID == nil || *r.WorkspaceID != w.ws.ID {
				t.Errorf("%s: audit row %d (%s, workspace %v) is not ohio's", who.name, r.ID, r.Action, r.WorkspaceID)
			}
		}
		tex := w.texas.ID
		if rows, err := c.Audit(w.ctx, model.AuditFilter{WorkspaceID: &tex}); err == nil || len(rows) != 0 {
			t.Errorf("%s: texas's audit %d rows %v, want a refusal", who.name, len(rows), err)
		}
		fs, err := c.Findings(w.ctx, model.FindingFilter{})
		if err != nil || len(fs) != 1 || fs[0].WorkflowName != "Ohio stray" {
			t.Errorf("%s: findings %+v %v, want ohio's one", who.name, fs, err)
		}
		if insts, err := c.Instances(w.ctx); !errors.Is(err, model.ErrForbidden) || len(insts) != 0 {
			t.Errorf("%s: instances %+v %v, want super admins only", who.name, insts, err)
		}
	}
	// The super admin's console reads everything, as the unscoped one does.
	c := w.console.As(w.super)
	if h, all := c.Health(w.ctx), w.console.Health(w.ctx); h.Instances != 2 || h.DriftCount != 3 || h.DriftCount != all.DriftCount || h.Instances != all.Instances {
		t.Errorf("super admin: header %d instances, drift %d; unscoped %d, %d", h.Instances, h.DriftCount, all.Instances, all.DriftCount)
	}
	if wss, err := c.Workspaces(w.ctx); err != nil || len(wss) != 2 {
		t.Errorf("super admin: workspaces %+v %v, want both", wss, err)
	}
	if fs, err := c.Findings(w.ctx, model.FindingFilter{}); err != nil || len(fs) != 3 {
		t.Errorf("super admin: %d findings %v, want 3", len(fs), err)
	}
	if insts, err := c.Instances(w.ctx); err != nil || len(insts) != 2 {
		t.Errorf("super admin: instances %+v %v", insts, err)
	}
	if ex, err := c.Executions(w.ctx, w.texasCamp.ID, ""); err != nil || len(ex) != 1 {
		t.Errorf("super admin: texas's executions %+v %v, want 1", ex, err)
	}
	// Refused reads are on the record, as refused actions are.
	all, err := w.console.Audit(w.ctx, model.AuditFilter{Limit: 200})
	if err != nil {
		t.Fatal(err)
	}
	refused := 0
	for _, r := range all {
		if r.Outcome == model.OutcomeFailed && strings.HasSuffix(r.Action, ".list") {
			refused++
		}
	}
	if refused < 8 {
		t.Errorf("%d refused reads audited, want at least 8 (4 reads × 2 actors)", refused)
	}
}
