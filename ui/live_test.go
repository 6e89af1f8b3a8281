package ui

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/godmode-console/godmode/db/demofleet"
	"github.com/godmode-console/godmode/model"
	"github.com/godmode-console/godmode/n8n"
	"github.com/godmode-console/godmode/ui/uitest"
)

// liveRoot is a console over the drift fixture that has polled once and
// whose next poll is a minute away, so whatever it shows next came
// through the change feed.
//
// The root itself gets no feed: deliver runs each command for at most
// deliverWait and leaves a receive that has not returned blocked behind
// it, and such a receive would take the next set away from the test (the
// hang seen in CI). wait reads the console's feed, as the root's
// subscription does, with a deadline, and the test hands the set over.
func liveRoot(t *testing.T, f *uitest.Fleet) (*Root, func() model.ChangeSet) {
	t.Helper()
	b := f.As(f.Super())
	r := newRootOn(noFeed{b}, b.Actor(), Options{PollInterval: time.Minute})
	sized(r, 160, 45)
	deliver(r, r.startPoll())
	feed := waitChanges(b.Changes())
	wait := func() model.ChangeSet {
		t.Helper()
		got := make(chan tea.Msg, 1)
		go func() { got <- feed() }()
		select {
		case msg := <-got:
			cm, ok := msg.(changesMsg)
			if !ok {
				t.Fatalf("the subscription answered %T", msg)
			}
			return cm.set
		case <-time.After(10 * time.Second):
			t.Fatal("no change set within 10s")
			return model.ChangeSet{}
		}
	}
	return r, wait
}

// noFeed is a backend whose change feed the root does not see.
type noFeed struct{ *uitest.Backend }

func (noFeed) Changes() <-chan model.ChangeSet { return nil }

// Another admin pauses florida's Email 1 in their own console: Postgres
// NOTIFYs, this console's listener hears it, and the row turns paused.
func TestAChangeElsewhereShowsWithoutWaitingForThePoll(t *testing.T) {
	t.Parallel()
	f := driftFixture(t)
	f.Listen()
	r, wait := liveRoot(t, f)
	if row := line(plain(r.Render()), " Email 1 "); !strings.Contains(row, "◉ on") {
		t.Fatalf("Email 1 does not start active: %q", row)
	}
	other := f.Console.As(f.Super())
	if res := other.Toggle(context.Background(), f.Super(), f.Campaign("florida", "Email 1").ID, model.CampaignPaused); res.Err != nil {
		t.Fatal(res.Err)
	}
	set := wait()
	if !set.Has(model.TableCampaigns) {
		t.Fatalf("the change set of a toggle elsewhere: %+v", set)
	}
	_, cmd := r.Update(changesMsg{set: set})
	deliver(r, cmd)
	row := line(plain(r.Render()), " Email 1 ")
	if !strings.Contains(row, "paused") {
		t.Errorf("Email 1 after the change: %q, want paused", row)
	}
}

// A change of findings alone (the model's feed hands on what the listener
// heard: here a finding the sync just wrote) re-reads the header, not the
// fleet; a resync re-reads everything.
func TestOnlyFindingsChangedReadsHealthNotTheFleet(t *testing.T) {
	t.Parallel()
	f := driftFixture(t)
	r, wait := liveRoot(t, f)
	b := driftOf(r)
	mustContain(t, plain(r.Render()), "drift 6")
	polls := b.Calls("Workspaces")
	// Email 3 is paused inside n8n; the sync corrects it.
	f.N8n("florida").SetActive(f.Campaign("florida", "Email 3").N8nWorkflowID, false)
	f.Sync()
	found := newFindings(t, f, 1)
	f.Console.Publish(model.Change{Table: model.TableSyncFindings, Op: "insert", ID: found[0].ID})
	_, cmd := r.Update(changesMsg{set: wait()})
	deliver(r, cmd)
	mustContain(t, plain(r.Render()), "drift 7")
	if n := b.Calls("Workspaces") - polls; n != 0 {
		t.Errorf("a findings-only change re-read the fleet %d times", n)
	}
	// A resync (the listener reconnected) re-reads everything.
	f.Console.Publish(model.Change{Op: model.OpResync})
	_, cmd = r.Update(changesMsg{set: wait()})
	deliver(r, cmd)
	if n := b.Calls("Workspaces") - polls; n != 1 {
		t.Errorf("a resync re-read the fleet %d times, want 1", n)
	}
}

// newFindings are the n newest findings, checked to be that many.
func newFindings(t *testing.T, f *uitest.Fleet, n int) []model.Finding {
	t.Helper()
	fs, err := f.Store.Findings(context.Background(), model.FindingFilter{Limit: n})
	if err != nil || len(fs) != n {
		t.Fatalf("want %d new findings: %v %v", n, fs, err)
	}
	return fs
}

func TestNewFindingsAreAnnouncedAndTheOpenDriftViewReloads(t *testing.T) {
	t.Parallel()
	f := driftFixture(t)
	f.Listen()
	r, wait := liveRoot(t, f)
	keys(r, ":", "drift", "enter")
	mustContain(t, plain(r.Render()), "Drift [6] · 3 need you")

	// Email 3 is paused inside n8n; the sync corrects it and NOTIFYs.
	f.N8n("florida").SetActive(f.Campaign("florida", "Email 3").N8nWorkflowID, false)
	f.Sync()
	_, cmd := r.Update(changesMsg{set: waitFindings(t, wait)})
	deliver(r, cmd)
	mustContain(t, plain(r.Render()), "Drift [7] · 3 need you", "sync corrected florida/Email 3: ")

	// Several at once are counted, and what needs a person says so.
	srv := f.N8n("ohio")
	tpl := demofleet.Templates[0]
	if _, err := srv.AddWorkflow(n8n.Workflow{Name: "Another test flow", Nodes: tpl.Nodes("another-test-flow"), Connections: json.RawMessage(tpl.Connections)}); err != nil {
		t.Fatal(err)
	}
	f.N8n("texas").SetActive(f.Campaign("texas", "Email 1").N8nWorkflowID, true)
	f.Sync()
	_, cmd = r.Update(changesMsg{set: waitFindingsN(t, wait, 2)})
	deliver(r, cmd)
	mustContain(t, plain(r.Render()), "Drift [9] · 4 need you", "sync corrected 1 and found 1 needing you (:drift lists them)")
}

// waitFindings waits for the change set announcing new findings (a sync
// may NOTIFY its other writes in an earlier window).
func waitFindings(t *testing.T, wait func() model.ChangeSet) model.ChangeSet {
	t.Helper()
	for range 5 {
		if s := wait(); len(s.NewFindings) > 0 {
			return s
		}
	}
	t.Fatal("no change set announced the new findings")
	return model.ChangeSet{}
}

// waitFindingsN gathers the change sets until they announce n new
// findings, as one set: on a loaded machine one sync's findings can reach
// the feed in two windows, and the console would announce each on its
// own; the test is of the announcement of several at once.
func waitFindingsN(t *testing.T, wait func() model.ChangeSet, n int) model.ChangeSet {
	t.Helper()
	var all model.ChangeSet
	for len(all.NewFindings)+all.MoreFindings < n {
		s := waitFindings(t, wait)
		if all.Count == 0 {
			all = s
			continue
		}
		all.Tables = union(all.Tables, s.Tables)
		all.Workspaces = union(all.Workspaces, s.Workspaces)
		all.Campaigns = union(all.Campaigns, s.Campaigns)
		all.NewFindings = append(all.NewFindings, s.NewFindings...)
		all.MoreFindings += s.MoreFindings
		all.Count += s.Count
	}
	return all
}

func union[K comparable](a, b map[K]bool) map[K]bool {
	if a == nil {
		a = map[K]bool{}
	}
	for k := range b {
		a[k] = true
	}
	return a
}

func TestDriftViewKeysFilterByKind(t *testing.T) {
	t.Parallel()
	r, _ := liveRoot(t, driftFixture(t))
	// Under the table, the whole of the finding under the cursor.
	keys(r, ":", "drift", "enter", "j")
	mustContain(t, plain(r.Render()), "needs you")
	keys(r, "t")
	mustContain(t, plain(r.Render()), "kind orphan_workflow", "My test flow")
	keys(r, "t")
	mustContain(t, plain(r.Render()), "kind orphan_db_record")
	keys(r, "x")
	mustContain(t, plain(r.Render()), "Drift [6]")
	keys(r, "/", "florida", "enter")
	mustContain(t, plain(r.Render()), "/florida ")
	keys(r, "esc", "esc")
	if r.topID() != screenFleet {
		t.Errorf("esc esc left screen %s, want the fleet", r.topID())
	}
}

// With Postgres gone, the open list keeps what it had and says it is not
// current; back, it is current again.
func TestDriftViewSaysWhenItIsNotCurrent(t *testing.T) {
	t.Parallel()
	f := driftFixture(t)
	r, _ := liveRoot(t, f)
	keys(r, ":", "unmanaged", "enter")
	mustContain(t, plain(r.Render()), "Unmanaged workflows [3]")
	f.CutPostgres()
	deliver(r, r.reloadDrift())
	mustContain(t, plain(r.Render()), "Unmanaged workflows [3]", "NOT CURRENT: ", "My test flow")
	f.RestorePostgres()
	deliver(r, r.reloadDrift())
	if strings.Contains(plain(r.Render()), "NOT CURRENT") {
		t.Errorf("still marked not current after a good load:\n%s", plain(r.Render()))
	}
}

func driftOf(r *Root) *uitest.Backend {
	if b, ok := r.backend.(noFeed); ok {
		return b.Backend
	}
	return r.backend.(*uitest.Backend)
}

func line(screen, has string) string {
	for _, l := range strings.Split(screen, "\n") {
		if strings.Contains(l, has) {
			return l
		}
	}
	return ""
}
