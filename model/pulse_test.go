package model_test

import (
	"testing"

	"github.com/godmode-console/godmode/model"
	"github.com/godmode-console/godmode/n8n"
	"github.com/godmode-console/godmode/n8n/n8ntest"
)

// The pulse shows each actor the workspaces they may view and nothing of
// another tenant's: the fleet row is the sum of those, the groups count
// only their executions, a group lists only theirs.
func TestPulseIsPerActor(t *testing.T) {
	w := newWorld(t)
	ohio, _ := w.failingCampaign(w.ws, "Email 1")
	texas, tex := w.otherWorkspace()
	texCamp, _ := w.failingCampaign(texas, "Email 2")
	for range 2 {
		w.execution(n8ntest.ExecutionSpec{WorkflowID: texCamp.N8nWorkflowID, Status: n8n.StatusError, FailAt: "Send", Message: "SMTP 550: mailbox unavailable"})
	}
	w.cycle(w.syncer("runner", model.SyncOptions{}))
	nobody := w.actor("nobody@example.com", false, "")

	all := w.pulse(w.super)
	if len(all.Workspaces) != 2 || all.Workspaces[0].Workspace != "texas" || all.Workspaces[0].Day.Error != 3 || all.Workspaces[1].Day.Error != 1 {
		t.Fatalf("super admin's workspaces: %+v; want texas (3 errors) then ohio (1)", all.Workspaces)
	}
	if all.Fleet.Day.Error != 4 || all.Fleet.Hour.Error != 4 || sum(all.Fleet.Failures) != 4 || sum(all.Fleet.Runs) != 4 || all.Fleet.Failures[23] != 4 {
		t.Errorf("super admin's fleet: %+v; want 4 errors, all in the last hour", all.Fleet)
	}
	if len(all.Groups) != 1 || all.Groups[0].Executions != 4 || all.Groups[0].Workspaces != 2 {
		t.Fatalf("super admin's groups: %+v; want one group of 4 in 2 workspaces", all.Groups)
	}
	key := all.Groups[0].Key
	if got, err := w.console.FailureGroupExecutions(w.ctx, w.super, key); err != nil || len(got) != 4 {
		t.Fatalf("super admin's group executions: %d, %v; want 4", len(got), err)
	}

	for _, a := range []model.Actor{w.member, w.viewer} {
		p := w.pulse(a)
		if len(p.Workspaces) != 1 || p.Workspaces[0].WorkspaceID != w.ws.ID || p.Fleet.Day != p.Workspaces[0].Day || p.Fleet.Day.Error != 1 {
			t.Errorf("%s sees %+v (fleet %+v); want ohio alone, the fleet its sum", a.Name, p.Workspaces, p.Fleet.Day)
		}
		if len(p.Groups) != 1 || p.Groups[0].Key != key || p.Groups[0].Executions != 1 || p.Groups[0].Workspaces != 1 {
			t.Errorf("%s's groups: %+v; want the group with ohio's one execution", a.Name, p.Groups)
		}
		got, err := w.console.FailureGroupExecutions(w.ctx, a, key)
		if err != nil || len(got) != 1 || got[0].CampaignID != ohio.ID || got[0].Workspace != "ohio" || got[0].Node != "Send" ||
			got[0].Message != "SMTP 550: mailbox unavailable" {
			t.Errorf("%s's group executions: %+v, %v; want ohio's one", a.Name, got, err)
		}
	}
	p := w.pulse(tex)
	if len(p.Workspaces) != 1 || p.Workspaces[0].Workspace != "texas" || p.Fleet.Day.Error != 3 {
		t.Errorf("texas' owner sees %+v", p.Workspaces)
	}
	p = w.pulse(nobody)
	if len(p.Workspaces) != 0 || p.Fleet.Day != (model.PulseCounts{}) || len(p.Groups) != 0 || p.Backlog.Pending != 0 {
		t.Errorf("a user of no workspace sees %+v", p)
	}
	if got, err := w.console.FailureGroupExecutions(w.ctx, nobody, key); err != nil || len(got) != 0 {
		t.Errorf("a user of no workspace lists %d executions of the group (%v)", len(got), err)
	}
	if _, err := w.console.FailureGroupExecutions(w.ctx, w.super, "'; DROP TABLE x"); err == nil {
		t.Error("a malformed group key was accepted")
	}
	// A read-only session reads the pulse like any other.
	ro := model.NewConsole(w.store, dial(), model.ConsoleOptions{Context: "test", ReadOnly: true})
	if p, err := ro.Pulse(w.ctx, w.viewer); err != nil || p.Fleet.Day.Error != 1 {
		t.Errorf("read-only console: %+v, %v", p.Fleet.Day, err)
	}
	// Reads that succeed leave no audit row, as the other reads.
	if rows := w.auditRows("pulse.read"); len(rows) != 0 {
		t.Errorf("pulse reads audited: %d rows", len(rows))
	}
}

func sum(xs []int) int {
	n := 0
	for _, x := range xs {
		n += x
	}
	return n
}
