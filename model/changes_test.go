package model_test

import (
	"testing"
	"time"

	"github.com/godmode-console/godmode/model"
)

func ws(id int64) *int64 { return &id }

// take waits for the next set, failing after a second.
func take(t *testing.T, ch <-chan model.ChangeSet) model.ChangeSet {
	t.Helper()
	select {
	case s := <-ch:
		return s
	case <-time.After(time.Second):
		t.Fatal("no change set within a second")
	}
	return model.ChangeSet{}
}

func none(t *testing.T, ch <-chan model.ChangeSet, wait time.Duration) {
	t.Helper()
	select {
	case s := <-ch:
		t.Fatalf("an extra set arrived: %+v", s)
	case <-time.After(wait):
	}
}

func TestABurstOfChangesIsOneSet(t *testing.T) {
	c := model.NewConsole(nil, nil, model.ConsoleOptions{})
	start := time.Now()
	for i := range 500 {
		c.Publish(model.Change{Table: model.TableCampaigns, Op: "update", ID: int64(i), WorkspaceID: ws(int64(i % 7))})
	}
	c.Publish(model.Change{Table: model.TableAudit, Op: "insert", ID: 1, WorkspaceID: ws(3)})
	s := take(t, c.Changes())
	if d := time.Since(start); d > 500*time.Millisecond {
		t.Errorf("the set took %s to arrive", d)
	}
	if s.Count != 501 || !s.Has(model.TableCampaigns) || !s.Has(model.TableAudit) || s.Has(model.TableWorkspaces) || s.Resync {
		t.Errorf("set %+v: want 501 changes of campaigns and audit_log", s)
	}
	if !s.HasCampaign(499) || !s.HasCampaign(0) || s.HasCampaign(500) || len(s.Campaigns) != 500 {
		t.Errorf("%d campaigns named, want 0..499", len(s.Campaigns))
	}
	if len(s.Workspaces) != 7 || !s.HasWorkspace(6) || s.HasWorkspace(7) {
		t.Errorf("workspaces %v, want 0..6", s.Workspaces)
	}
	none(t, c.Changes(), 3*model.ChangeWindow)
}

func TestASlowConsoleGetsEachSetLater(t *testing.T) {
	c := model.NewConsole(nil, nil, model.ConsoleOptions{})
	c.Publish(model.Change{Table: model.TableWorkspaces, Op: "update", ID: 1, WorkspaceID: ws(1)})
	time.Sleep(3 * model.ChangeWindow) // the first set waits, untaken
	c.Publish(model.Change{Table: model.TableSyncFindings, Op: "insert", ID: 42})
	c.Publish(model.Change{Table: model.TableSyncFindings, Op: "update", ID: 41})
	time.Sleep(3 * model.ChangeWindow)
	first, second := take(t, c.Changes()), take(t, c.Changes())
	if first.Count != 1 || !first.Has(model.TableWorkspaces) || !first.HasWorkspace(1) || first.Resync {
		t.Errorf("first set %+v, want the workspace's change", first)
	}
	if second.Count != 2 || !second.Has(model.TableSyncFindings) || second.Resync {
		t.Errorf("second set %+v, want both findings' changes", second)
	}
	if len(second.NewFindings) != 1 || second.NewFindings[0] != 42 {
		t.Errorf("new findings %v, want only the inserted 42", second.NewFindings)
	}
	none(t, c.Changes(), 2*model.ChangeWindow)
}

func TestNewFindingsAreBounded(t *testing.T) {
	c := model.NewConsole(nil, nil, model.ConsoleOptions{})
	for i := range 80 {
		c.Publish(model.Change{Table: model.TableSyncFindings, Op: "insert", ID: int64(i + 1)})
	}
	s := take(t, c.Changes())
	if len(s.NewFindings) != 50 || s.MoreFindings != 30 || s.NewFindings[0] != 1 {
		t.Errorf("%d ids (first %d) and %d more, want the first 50 and 30 more", len(s.NewFindings), s.NewFindings[0], s.MoreFindings)
	}
}

func TestResyncConcernsEverything(t *testing.T) {
	c := model.NewConsole(nil, nil, model.ConsoleOptions{})
	c.Publish(model.Change{Op: model.OpResync})
	s := take(t, c.Changes())
	if !s.Resync || !s.Has(model.TableCampaigns) || !s.HasWorkspace(99) {
		t.Errorf("resync set %+v does not concern everything", s)
	}
}
