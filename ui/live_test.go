package ui

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/godmode-console/godmode/model"
	"github.com/godmode-console/godmode/ui/uitest"
)

// liveRoot is a console that has polled once and whose next poll is a
// minute away, so whatever it shows next came through the change feed.
func liveRoot(t *testing.T) (*Root, func() model.ChangeSet) {
	t.Helper()
	b := driftBackend()
	b.FeedChanges()
	r := newRoot(b, Options{PollInterval: time.Minute})
	sized(r, 160, 45)
	deliver(r, r.startPoll())
	// What Init's subscription receives, one set per call.
	wait := func() model.ChangeSet {
		msg := r.subscribe()()
		cm, ok := msg.(changesMsg)
		if !ok {
			t.Fatalf("the subscription answered %T", msg)
		}
		return cm.set
	}
	return r, wait
}

func TestAChangeElsewhereShowsWithoutWaitingForThePoll(t *testing.T) {
	r, _ := liveRoot(t)
	b := driftOf(r)
	mustContain(t, plain(r.Render()), "Ohio Email 1 #1")
	if !strings.Contains(plain(r.Render()), "◉ on") {
		t.Fatal("campaign 1 does not start active")
	}
	// Another admin pauses campaign 1 of acme; the listener sees it.
	b.SetCampaignStatus(1, model.CampaignPaused)
	b.Emit(model.ChangeSet{Tables: map[string]bool{model.TableCampaigns: true, model.TableAudit: true},
		Workspaces: map[int64]bool{1: true}, Count: 4})
	msg := r.subscribe()()
	_, cmd := r.Update(msg)
	deliver(r, cmd)
	row := line(plain(r.Render()), "Ohio Email 1 #1")
	if !strings.Contains(row, "paused") {
		t.Errorf("campaign 1 after the change: %q, want paused", row)
	}
}

func TestOnlyFindingsChangedReadsHealthNotTheFleet(t *testing.T) {
	r, wait := liveRoot(t)
	b := driftOf(r)
	mustContain(t, plain(r.Render()), "drift 4")
	polls := b.Calls("Workspaces")
	b.SetHealth(func(h *model.Health) { h.DriftCount = 6 })
	b.Emit(model.ChangeSet{Tables: map[string]bool{model.TableSyncFindings: true}, Count: 30})
	_, cmd := r.Update(changesMsg{set: wait()})
	deliver(r, cmd)
	mustContain(t, plain(r.Render()), "drift 6")
	if n := b.Calls("Workspaces") - polls; n != 0 {
		t.Errorf("a findings-only change re-read the fleet %d times", n)
	}
	// A resync (the listener reconnected) re-reads everything.
	b.Emit(model.ChangeSet{Resync: true, Count: 1})
	_, cmd = r.Update(changesMsg{set: wait()})
	deliver(r, cmd)
	if n := b.Calls("Workspaces") - polls; n != 1 {
		t.Errorf("a resync re-read the fleet %d times, want 1", n)
	}
}

func TestNewFindingsAreAnnouncedAndTheOpenDriftViewReloads(t *testing.T) {
	r, wait := liveRoot(t)
	b := driftOf(r)
	keys(r, ":", "drift", "enter")
	mustContain(t, plain(r.Render()), "Drift [6] · 3 need you")

	f := b.AddFinding(findingOf(b, 2, model.DriftStateMismatch, true, "paused in n8n, was active", 0))
	b.Emit(model.ChangeSet{Tables: map[string]bool{model.TableSyncFindings: true}, NewFindings: []int64{f.ID}, Count: 1})
	_, cmd := r.Update(changesMsg{set: wait()})
	deliver(r, cmd)
	c, _ := b.Campaign(2)
	screen := plain(r.Render())
	mustContain(t, screen, "Drift [7] · 3 need you", "sync corrected globex/"+c.Name+": paused in n8n, was active")

	// Several at once are counted, and what needs a person says so.
	g1 := b.AddFinding(model.Finding{Kind: model.DriftOrphanWorkflow, InstanceName: "n8n-eu-1", WorkflowID: "n1", FirstSeenAt: ago(0)})
	g2 := b.AddFinding(findingOf(b, 3, model.DriftStateMismatch, true, "active in n8n, was paused", 0))
	b.Emit(model.ChangeSet{Tables: map[string]bool{model.TableSyncFindings: true}, NewFindings: []int64{g1.ID, g2.ID}, Count: 2})
	_, cmd = r.Update(changesMsg{set: wait()})
	deliver(r, cmd)
	mustContain(t, plain(r.Render()), "Drift [9] · 4 need you", "sync corrected 1 and found 1 needing you (:drift lists them)")
}

func TestDriftViewKeysFilterByKind(t *testing.T) {
	r, _ := liveRoot(t)
	// Under the table, the whole of the finding under the cursor.
	keys(r, ":", "drift", "enter", "j")
	mustContain(t, plain(r.Render()), "needs you wf gone · tyrell/Ohio Warm-up #2: workflow deleted in n8n; campaign marked error")
	keys(r, "t")
	mustContain(t, plain(r.Render()), "Drift [3] · 2 need you · kind orphan_workflow", "My test flow")
	keys(r, "t")
	mustContain(t, plain(r.Render()), "Drift [1] · 1 need you · kind orphan_db_record")
	keys(r, "x")
	mustContain(t, plain(r.Render()), "Drift [6]")
	keys(r, "/", "globex", "enter")
	mustContain(t, plain(r.Render()), "Drift [2]", "/globex  2 of 6")
	keys(r, "esc", "esc")
	if r.topID() != screenFleet {
		t.Errorf("esc esc left screen %s, want the fleet", r.topID())
	}
}

func TestDriftViewSaysWhenItIsNotCurrent(t *testing.T) {
	r, _ := liveRoot(t)
	b := driftOf(r)
	keys(r, ":", "unmanaged", "enter")
	mustContain(t, plain(r.Render()), "Unmanaged workflows [2]")
	b.FailFindings(errFindings)
	deliver(r, r.reloadDrift())
	mustContain(t, plain(r.Render()), "Unmanaged workflows [2]", "NOT CURRENT: reading sync findings: connection refused", "My test flow")
	b.FailFindings(nil)
	deliver(r, r.reloadDrift())
	if strings.Contains(plain(r.Render()), "NOT CURRENT") {
		t.Error("still marked not current after a good load")
	}
}

var errFindings = errors.New("reading sync findings: connection refused")

func driftOf(r *Root) *uitest.Backend { return r.backend.(*uitest.Backend) }

func line(screen, has string) string {
	for _, l := range strings.Split(screen, "\n") {
		if strings.Contains(l, has) {
			return l
		}
	}
	return ""
}
