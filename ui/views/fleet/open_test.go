package fleet

import (
	"testing"
	"time"

	"github.com/godmode-console/godmode/model"
	"github.com/godmode-console/godmode/ui/uitest"
)

func TestEnterOnAnExecutionAsksForForensics(t *testing.T) {
	m := newFleet(t, uitest.Seeded(uitest.FixedClock, 12, 80), Options{Actor: superAdmin})
	m.SetFocus(Executions)
	deliver(m, m.Update(press("j")))
	var got []OpenExecutionMsg
	for _, msg := range uitest.Run(m.Update(press("enter")), wait) {
		if o, ok := msg.(OpenExecutionMsg); ok {
			got = append(got, o)
		}
	}
	// Campaign 1's executions, newest first: 9000, 8999, 8998.
	if len(got) != 1 || got[0].Execution.ID != "8999" || got[0].Campaign.ID != 1 || got[0].Workspace != "acme" {
		t.Fatalf("enter on the second execution asked to open %+v", got)
	}
}

func TestEnterOnAnExecutionIsRefusedOutsideTheWorkspace(t *testing.T) {
	// A viewer of globex only: acme's executions are not theirs to read.
	outsider := model.Actor{UserID: 9, Name: "gus@globex.io", Roles: map[int64]model.Role{2: model.RoleViewer}}
	m := newFleet(t, uitest.Seeded(uitest.FixedClock, 12, 80), Options{Actor: outsider})
	m.SetFocus(Executions)
	for _, msg := range uitest.Run(m.Update(press("enter")), wait) {
		if _, ok := msg.(OpenExecutionMsg); ok {
			t.Fatal("an outsider's enter asked to open acme's execution")
		}
	}
}

func TestStatusFilterCyclesTheExecutionsList(t *testing.T) {
	b := uitest.Seeded(uitest.FixedClock, 12, 80)
	b.SetInstanceHealth(3, true, time.Time{}, "") // initech's n8n answers here
	m := newFleet(t, b, Options{Actor: superAdmin})
	// initech's first campaign (3) has failures: one error, two successes.
	m.SetFocus(Workspaces)
	deliver(m, m.Update(press("j")))
	deliver(m, m.Update(press("j")))
	if c, _ := m.SelectedCampaign(); c.ID != 3 {
		t.Fatalf("setup: campaign %d selected, want 3", c.ID)
	}
	m.SetFocus(Executions)
	seen := map[string]int{}
	for _, want := range StatusFilters[1:] {
		deliver(m, m.Update(press("f")))
		if m.ExecutionFilter() != want {
			t.Fatalf("f moved the filter to %q, want %q", m.ExecutionFilter(), want)
		}
		for _, e := range m.execs.Rows() {
			if e.Status != want {
				t.Errorf("filter %s lists execution %s which is %s", want, e.ID, e.Status)
			}
		}
		seen[want] = len(m.execs.Rows())
	}
	if seen["error"] == 0 || seen["success"] == 0 {
		t.Errorf("the seeded campaign should have errors and successes: %v", seen)
	}
	deliver(m, m.Update(press("f")))
	if m.ExecutionFilter() != "" || len(m.execs.Rows()) != seen["error"]+seen["success"]+seen["running"]+seen["canceled"] {
		t.Errorf("after a full cycle: filter %q, %d rows (%v)", m.ExecutionFilter(), len(m.execs.Rows()), seen)
	}
}
