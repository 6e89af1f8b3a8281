package model_test

import (
	"errors"
	"testing"

	"github.com/godmode-console/godmode/model"
)

// The runs list names each run's workspace and blueprint version and how
// many of its steps are done, newest first, for a super admin; a
// workspace's own owner is refused (runs are a super admin's, like
// provisioning itself), and the refusal is on the audit trail.
func TestRunSummariesListEveryRunForASuperAdminOnly(t *testing.T) {
	w := newProvWorld(t)
	w.workspace("texas")
	w.workspace("ohio")
	for _, slug := range []string{"texas", "ohio"} {
		if _, err := w.provision(w.ctx, slug, slug); err != nil {
			t.Fatal(err)
		}
	}
	runs, err := w.console.As(w.super).ProvisioningRuns(w.ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(runs) != 2 || runs[0].WorkspaceSlug != "ohio" || runs[1].WorkspaceSlug != "texas" {
		t.Fatalf("runs %+v, want ohio's then texas'", runs)
	}
	for _, r := range runs {
		if r.Blueprint != "base-cold-email" || r.Version != 1 || r.Status != model.RunSucceeded || r.StepsTotal == 0 || r.StepsDone != r.StepsTotal {
			t.Errorf("run %d: %+v", r.ID, r)
		}
		_, steps, err := w.console.As(w.super).ProvisioningRun(w.ctx, r.ID)
		if err != nil || len(steps) != r.StepsTotal {
			t.Errorf("run %d: %d steps (%v), the list says %d", r.ID, len(steps), err, r.StepsTotal)
		}
	}

	ws, _ := w.store.WorkspaceBySlug(w.ctx, "texas")
	u, err := w.store.CreateUser(w.ctx, "owner@texas.example", "Texas owner", false)
	if err != nil {
		t.Fatal(err)
	}
	w.store.SetMember(w.ctx, ws.ID, u.ID, model.RoleOwner)
	owner, err := w.store.Actor(w.ctx, u, "SHA256:owner")
	if err != nil {
		t.Fatal(err)
	}
	if got, err := w.console.As(owner).ProvisioningRuns(w.ctx); !errors.Is(err, model.ErrForbidden) || got != nil {
		t.Fatalf("a workspace owner listed runs: %+v, %v", got, err)
	}
	if _, _, err := w.console.As(owner).ProvisioningRun(w.ctx, runs[1].ID); !errors.Is(err, model.ErrForbidden) {
		t.Fatalf("a workspace owner read a run: %v", err)
	}
	es, err := w.store.Audit(w.ctx, model.AuditFilter{Actor: owner.Name, Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	refused := 0
	for _, e := range es {
		if e.Action == model.ActionNameProvisionRead && e.Outcome == model.OutcomeFailed {
			refused++
		}
	}
	if refused != 2 {
		t.Errorf("%d refused reads of runs on the audit trail, want 2: %+v", refused, es)
	}
}
