package fleet

import (
	"context"
	"strings"
	"testing"

	"github.com/godmode-console/godmode/model"
	"github.com/godmode-console/godmode/themes"
	"github.com/godmode-console/godmode/ui/uitest"
)

func TestEnterOnAnExecutionAsksForForensics(t *testing.T) {
	t.Parallel()
	f, b := newFixture(t, small)
	m := newFleet(t, f, b, Options{Actor: b.Actor()})
	m.SetFocus(Executions)
	deliver(m, m.Update(press("j")))
	var got []OpenExecutionMsg
	for _, msg := range uitest.Run(m.Update(press("enter")), wait) {
		if o, ok := msg.(OpenExecutionMsg); ok {
			got = append(got, o)
		}
	}
	// The second of Email 1's executions, newest first.
	second := f.Executions("florida", "Email 1")[1].ID
	if len(got) != 1 || got[0].Execution.ID != second || got[0].Campaign.ID != emailOne(t, f).ID || got[0].Workspace != "florida" {
		t.Fatalf("enter on the second execution asked to open %+v", got)
	}
}

func TestEnterOnAnExecutionIsRefusedOutsideTheWorkspace(t *testing.T) {
	t.Parallel()
	// A viewer of texas only: florida's executions are not theirs to read.
	// The model shows them no florida at all; a screen that still holds
	// florida's rows (fetched for someone else, or before a revocation)
	// must not open them either.
	f, super := newFixture(t, small)
	m := newFleet(t, f, super, Options{Actor: super.Actor()})
	outsider := f.Member("texas", model.RoleViewer)
	m.actor = outsider
	m.SetFocus(Executions)
	for _, msg := range uitest.Run(m.Update(press("enter")), wait) {
		if _, ok := msg.(OpenExecutionMsg); ok {
			t.Fatal("an outsider's enter asked to open florida's execution")
		}
	}
}

func TestStatusFilterCyclesTheExecutionsList(t *testing.T) {
	t.Parallel()
	f, b := newFixture(t, small)
	m := newFleet(t, f, b, Options{Actor: b.Actor()})
	// florida's Email 1 has failures and successes.
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

// The real rule behind the one above: the model shows a viewer of texas
// no other workspace, so florida's executions never reach their screen.
func TestAnOutsiderIsShownOnlyTheirWorkspace(t *testing.T) {
	t.Parallel()
	f := uitest.New(t, small)
	outsider := f.Member("texas", model.RoleViewer)
	m := New(f.As(outsider), Options{Actor: outsider, Theme: themes.MustLoad("dark"), Now: f.Clock})
	m.SetSize(160, 42)
	deliver(m, m.Update(m.Fetch()(context.Background())))
	var slugs []string
	for _, w := range m.Workspaces() {
		slugs = append(slugs, w.Slug)
	}
	if len(slugs) != 1 || slugs[0] != "texas" {
		t.Errorf("a viewer of texas is shown workspaces %v", slugs)
	}
	if strings.Contains(m.View(), "florida") {
		t.Error("the screen names florida to a viewer of texas")
	}
}
