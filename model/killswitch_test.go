package model_test

import (
	"context"
	"errors"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/godmode-console/godmode/db"
	"github.com/godmode-console/godmode/model"
	"github.com/godmode-console/godmode/n8n"
)

// A toggle to active started just before a freeze, with a slow n8n, must
// never end with the workspace suspended and the campaign running in n8n:
// either the toggle finishes first and the freeze pauses it, or the freeze
// goes first and the toggle is refused.
func TestToggleAndFreezeNeverInterleave(t *testing.T) {
	w := newWorld(t)
	c := w.campaign("Email 1", false)
	// The freeze runs in "another process": its own pools, so only
	// Postgres's locks can order it with the toggle.
	pool2, err := db.Connect(w.ctx, w.store.Pool().Config().ConnString())
	if err != nil {
		t.Fatal(err)
	}
	defer pool2.Close()
	kr, _ := db.NewKeyring(masterKey)
	store2 := db.NewStore(pool2, kr)
	defer store2.Close()
	other := model.NewConsole(store2, relaxedDial(), model.ConsoleOptions{})
	w.console = model.NewConsole(w.store, relaxedDial(), model.ConsoleOptions{Context: "test"})
	w.n8n.SetLatency(40 * time.Millisecond)
	for i := range 50 {
		var wg sync.WaitGroup
		var res model.ToggleResult
		wg.Add(1)
		go func() {
			defer wg.Done()
			res = w.console.Toggle(w.ctx, w.super, c.ID, model.CampaignActive)
		}()
		time.Sleep(15 * time.Millisecond) // the toggle is in its first n8n call
		if err := other.Freeze(w.ctx, w.super, w.ws.ID, "race"); err != nil {
			t.Fatalf("round %d: freeze: %v", i, err)
		}
		wg.Wait()
		ws, err := w.store.Workspace(w.ctx, w.ws.ID)
		if err != nil {
			t.Fatal(err)
		}
		if ws.Status == model.WorkspaceSuspended && w.n8nActive(c) {
			t.Fatalf("round %d: the workspace is suspended and campaign %s is active in n8n", i, c.Name)
		}
		if res.Err != nil && !errors.Is(res.Err, model.ErrFrozen) {
			t.Fatalf("round %d: the toggle failed otherwise than frozen: %v", i, res.Err)
		}
		// Back to the start: active workspace, campaign paused everywhere.
		if err := w.console.Unfreeze(w.ctx, w.super, w.ws.ID, "next round"); err != nil {
			t.Fatalf("round %d: unfreeze: %v", i, err)
		}
		w.n8n.SetActive(c.N8nWorkflowID, false)
		w.exec(`UPDATE campaigns SET status = 'paused', pending_status = NULL, pending_since = NULL, resume_on_unfreeze = false WHERE id = $1`, c.ID)
	}
}

// A frozen workspace's workflow turned on inside n8n is deactivated again by
// the next cycle, audited as sync, and recorded as a finding naming who
// must look.
func TestSyncDeactivatesAWorkflowActivatedBehindAFreeze(t *testing.T) {
	w := newWorld(t)
	c := w.campaign("Email 1", true)
	if err := w.console.Freeze(w.ctx, w.super, w.ws.ID, "invoice unpaid"); err != nil {
		t.Fatal(err)
	}
	w.n8n.SetActive(c.N8nWorkflowID, true) // someone with n8n access
	rep := w.cycle(w.syncer("runner-a", model.SyncOptions{}))
	if w.n8nActive(c) {
		t.Fatal("the workflow still runs in n8n behind the freeze after a sync cycle")
	}
	if got := w.reload(c); got.Status != model.CampaignPaused {
		t.Fatalf("campaign after the cycle: %s, want paused", got.Status)
	}
	if rep.NeedsPerson == 0 || len(rep.Corrected) != 1 {
		t.Errorf("the cycle reports nothing: %+v", rep)
	}
	rows := w.auditRows("sync.freeze")
	if len(rows) != 1 || rows[0].ActorName != "sync" || rows[0].CampaignID == nil || *rows[0].CampaignID != c.ID ||
		!strings.Contains(string(rows[0].After), "behind the freeze") {
		t.Fatalf("audit of the deactivation: %+v", rows)
	}
	var hit bool
	for _, f := range w.findings() {
		if f.Campaign != nil && *f.Campaign == c.ID && strings.Contains(f.Detail, "behind the freeze of ohio (reason: invoice unpaid)") &&
			strings.Contains(f.Detail, "ask whoever has access to n8n instance ohio") {
			hit = true
		}
	}
	if !hit {
		t.Fatalf("no finding names who must look: %+v", w.findings())
	}
	// Still frozen: unfreeze restarts what the freeze paused, nothing more.
	if err := w.console.Unfreeze(w.ctx, w.super, w.ws.ID, "paid"); err != nil || !w.n8nActive(c) {
		t.Fatalf("unfreeze: %v, active %v", err, w.n8nActive(c))
	}
}

// cutStore stops the goroutine calling it (as a killed process stops) at
// the nth call of one method, after the locks' connections are given back.
type cutStore struct {
	*db.Store
	method string
	n      int
	calls  int
}

func (s *cutStore) cut(method string) {
	if method == s.method {
		s.calls++
		if s.calls == s.n {
			runtime.Goexit()
		}
	}
}

func (s *cutStore) MarkForResume(ctx context.Context, id int64, resume bool) error {
	s.cut("MarkForResume")
	return s.Store.MarkForResume(ctx, id, resume)
}

func (s *cutStore) Settle(ctx context.Context, id int64, st model.CampaignStatus, lastError string) (model.Campaign, error) {
	s.cut("Settle")
	return s.Store.Settle(ctx, id, st, lastError)
}

// run calls fn in a goroutine that the store may cut off, and waits.
func run(fn func()) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		fn()
	}()
	<-done
}

// A freeze killed after its first pause leaves a trace, and the next sync
// cycle finishes it: the rest is paused in n8n, flagged to restart on
// unfreeze, and audited as sync.
func TestSyncFinishesAFreezeCutOffHalfway(t *testing.T) {
	w := newWorld(t)
	a := w.campaign("A", true)
	b := w.campaign("B", true)
	cut := &cutStore{Store: w.store, method: "MarkForResume", n: 2}
	run(func() {
		model.NewConsole(cut, dial(), model.ConsoleOptions{}).Freeze(w.ctx, w.super, w.ws.ID, "incident 42")
	})
	if w.n8nActive(a) || !w.n8nActive(b) {
		t.Fatalf("the cut is not where the test wants it: A active %v, B active %v", w.n8nActive(a), w.n8nActive(b))
	}
	// On the record before the first n8n call.
	var marked bool
	if err := w.store.Pool().QueryRow(w.ctx, `SELECT freezing_since IS NOT NULL FROM workspaces WHERE id = $1`, w.ws.ID).Scan(&marked); err != nil || !marked {
		t.Fatalf("the cut-off freeze left no mark on the workspace: %v %v", marked, err)
	}
	begun := w.auditRows("freeze.begin")
	if len(begun) != 1 || !strings.Contains(string(begun[0].After), `"B"`) || begun[0].ActorName != "root@example.com" {
		t.Fatalf("the freeze was not recorded before n8n: %+v", begun)
	}

	rep := w.cycle(w.syncer("runner-a", model.SyncOptions{}))
	if w.n8nActive(b) {
		t.Fatal("sync left B running in n8n in a suspended workspace")
	}
	if got := w.reload(b); got.Status != model.CampaignPaused {
		t.Fatalf("B after the cycle: %s", got.Status)
	}
	left, _ := w.store.ResumeList(w.ctx, w.ws.ID)
	if strings.Join(names(left), ",") != "A,B" {
		t.Fatalf("to restart on unfreeze: %v, want A and B", names(left))
	}
	if len(rep.Corrected) != 1 {
		t.Errorf("the cycle reports %d corrected, want 1 (B)", len(rep.Corrected))
	}
	var camp, ws int
	for _, r := range w.auditRows("sync.freeze") {
		switch {
		case r.ActorName == "sync" && r.CampaignID != nil && *r.CampaignID == b.ID && strings.Contains(string(r.After), "cut off"):
			camp++
		case r.ActorName == "sync" && r.CampaignID == nil && strings.Contains(string(r.After), "sync finished it"):
			ws++
		}
	}
	if camp != 1 || ws != 1 {
		t.Fatalf("audit of the finished freeze: %d campaign rows, %d workspace rows: %+v", camp, ws, w.auditRows("sync.freeze"))
	}
	if err := w.store.Pool().QueryRow(w.ctx, `SELECT freezing_since IS NOT NULL FROM workspaces WHERE id = $1`, w.ws.ID).Scan(&marked); err != nil || marked {
		t.Fatalf("the freeze mark stays after sync finished it: %v %v", marked, err)
	}
	if err := w.console.Unfreeze(w.ctx, w.super, w.ws.ID, "resolved"); err != nil || !w.n8nActive(a) || !w.n8nActive(b) {
		t.Fatalf("unfreeze: %v; A %v B %v", err, w.n8nActive(a), w.n8nActive(b))
	}
}

// A toggle killed between n8n and Postgres leaves its actor with the wish;
// whoever settles it (sync, or the next toggle) writes the attempt's audit
// row in that actor's name.
func TestACutOffToggleIsAuditedInItsActorsName(t *testing.T) {
	for _, by := range []string{"sync", "next toggle"} {
		t.Run(by, func(t *testing.T) {
			w := newWorld(t)
			c := w.campaign("Email 1", false)
			cut := &cutStore{Store: w.store, method: "Settle", n: 1}
			run(func() {
				model.NewConsole(cut, dial(), model.ConsoleOptions{}).Toggle(w.ctx, w.member, c.ID, model.CampaignActive)
			})
			if !w.n8nActive(c) || w.reload(c).PendingStatus == nil {
				t.Fatal("the cut is not where the test wants it")
			}
			if rows := w.auditRows("toggle"); len(rows) != 0 {
				t.Fatalf("a cut-off toggle wrote its row: %+v", rows)
			}
			if by == "sync" {
				w.exec(`UPDATE campaigns SET pending_since = now() - interval '10 minutes' WHERE id = $1`, c.ID)
				w.cycle(w.syncer("runner-a", model.SyncOptions{StalePending: time.Minute}))
			} else if res := w.console.Toggle(w.ctx, w.super, c.ID, model.CampaignActive); res.Err != nil {
				t.Fatal(res.Err)
			}
			var cutOff []model.AuditEntry
			for _, r := range w.auditRows("toggle") {
				if r.ActorName == "member@example.com" {
					cutOff = append(cutOff, r)
				}
			}
			if len(cutOff) != 1 || cutOff[0].Outcome != model.OutcomeFailed || !strings.Contains(cutOff[0].Error, "cut off") ||
				cutOff[0].ActorUserID == nil || *cutOff[0].ActorUserID != w.member.UserID || !strings.Contains(cutOff[0].Error, "the campaign is active") {
				t.Fatalf("the cut-off toggle's row: %+v", cutOff)
			}
			if got := w.reload(c); got.Status != model.CampaignActive || got.PendingStatus != nil {
				t.Fatalf("after settling: %s pending %v", got.Status, got.PendingStatus)
			}
		})
	}
}

// A hung n8n costs a toggle its bound (5 s by default), not the client's
// whole retry budget, and says so.
func TestToggleOfAHungN8nStopsAtItsBound(t *testing.T) {
	w := newWorld(t)
	c := w.campaign("Email 1", false)
	patient := func(base, key string) model.N8n {
		return n8n.New(base, key, n8n.WithTimeout(40*time.Second), n8n.WithAttemptTimeout(20*time.Second),
			n8n.WithRetryPolicy(n8n.RetryPolicy{MaxAttempts: 2, BaseDelay: 10 * time.Millisecond, MaxDelay: 20 * time.Millisecond}))
	}
	console := model.NewConsole(w.store, patient, model.ConsoleOptions{})
	w.n8n.HangNext(10)
	done := make(chan model.ToggleResult, 1)
	start := time.Now()
	go func() { done <- console.Toggle(w.ctx, w.member, c.ID, model.CampaignActive) }()
	var res model.ToggleResult
	select {
	case res = <-done:
	case <-time.After(15 * time.Second):
		t.Fatal("the toggle did not return within 15 s of a hung n8n (its bound is 5 s)")
	}
	t.Logf("the toggle returned after %s", time.Since(start).Round(time.Millisecond))
	w.n8n.ClearFaults()
	if res.Outcome != model.OutcomeFailed || res.Err == nil || res.Err.Error() != "n8n did not answer in 5s" {
		t.Fatalf("toggle of a hung n8n: %+v", res)
	}
	if !errors.Is(res.Err, n8n.ErrUnavailable) && !errors.Is(res.Err, context.DeadlineExceeded) {
		t.Errorf("the cause is lost: %v", res.Err)
	}
	if got := w.reload(c); got.Status != model.CampaignPaused || got.PendingStatus != nil {
		t.Fatalf("not rolled back: %s pending %v", got.Status, got.PendingStatus)
	}
	rows := w.auditRows("toggle")
	if len(rows) != 1 || rows[0].Outcome != model.OutcomeFailed || rows[0].Error != "n8n did not answer in 5s" {
		t.Fatalf("audit: %+v", rows)
	}
}

func TestToggleTimeoutIsConfigurable(t *testing.T) {
	w := newWorld(t)
	c := w.campaign("Email 1", false)
	console := model.NewConsole(w.store, dial(), model.ConsoleOptions{ToggleTimeout: 200 * time.Millisecond})
	w.n8n.HangNext(10)
	res := console.Toggle(w.ctx, w.member, c.ID, model.CampaignActive)
	w.n8n.ClearFaults()
	if res.Err == nil || res.Err.Error() != "n8n did not answer in 200ms" {
		t.Fatalf("toggle with a 200ms bound: %+v", res)
	}
}

func TestFreezeReasonsAreBoundedPlainText(t *testing.T) {
	w := newWorld(t)
	for _, tc := range []struct{ reason, want string }{
		{strings.Repeat("x", 120<<10), "has 122880 characters; the limit is 500"},
		{"unpaid\x1b]52;c;aGk=\x07", "control character"},
		{"line one\nline two", "control character"},
	} {
		err := w.console.Freeze(w.ctx, w.super, w.ws.ID, tc.reason)
		if !errors.Is(err, model.ErrInvalid) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("freeze reason %.20q: %v, want %q", tc.reason, err, tc.want)
		}
	}
	if ws, _ := w.store.Workspace(w.ctx, w.ws.ID); ws.Status != model.WorkspaceActive {
		t.Fatalf("a refused reason froze the workspace: %s", ws.Status)
	}
	if err := w.console.Freeze(w.ctx, w.super, w.ws.ID, strings.Repeat("é", 500)); err != nil {
		t.Fatalf("a 500-character reason: %v", err)
	}
	if err := w.console.Unfreeze(w.ctx, w.super, w.ws.ID, ""); err == nil || !strings.Contains(err.Error(), "an unfreeze needs a reason") {
		t.Errorf("unfreeze without a reason: %v", err)
	}
	if err := w.console.Freeze(w.ctx, w.super, w.ws.ID, " "); err == nil || !strings.Contains(err.Error(), "a freeze needs a reason") {
		t.Errorf("freeze without a reason: %v", err)
	}
}

// A freeze with nothing to pause says so in its audit row, rather than an
// empty (null) list.
func TestFreezeWithNothingActiveSaysSo(t *testing.T) {
	w := newWorld(t)
	w.campaign("Email 1", false)
	if err := w.console.Freeze(w.ctx, w.super, w.ws.ID, "quiet"); err != nil {
		t.Fatal(err)
	}
	var summary *model.AuditEntry
	for _, r := range w.auditRows("freeze") {
		if r.CampaignID == nil {
			summary = &r
		}
	}
	if summary == nil {
		t.Fatal("no freeze summary row")
	}
	after := string(summary.After)
	if !strings.Contains(after, `"campaigns": []`) || !strings.Contains(after, "no campaign was active") {
		t.Fatalf("freeze summary: %s", after)
	}
}

// freezeBeforeWrite freezes the workspace between a cycle's reads and its
// write, as a freeze in another process may.
type freezeBeforeWrite struct {
	*db.Store
	w *world
}

func (s freezeBeforeWrite) ApplySync(ctx context.Context, sw model.SyncWrite) (model.SyncApplied, error) {
	s.w.exec(`UPDATE workspaces SET status = 'suspended', freeze_reason = 'meanwhile' WHERE id = $1`, s.w.ws.ID)
	return s.Store.ApplySync(ctx, sw)
}

// Sync never adopts as active a campaign whose workspace was frozen after
// the cycle read it; the next cycle deactivates the workflow instead.
func TestSyncDoesNotActivateACampaignFrozenDuringTheCycle(t *testing.T) {
	w := newWorld(t)
	c := w.campaign("Email 1", false)
	w.n8n.SetActive(c.N8nWorkflowID, true)
	s := model.NewSyncer(freezeBeforeWrite{w.store, w}, dial(), model.SyncOptions{Name: "runner-a"})
	rep, err := s.CycleInstance(w.ctx, *w.ws.InstanceID)
	s.Close()
	if err != nil {
		t.Fatal(err)
	}
	if got := w.reload(c); got.Status == model.CampaignActive {
		t.Fatalf("a campaign of a frozen workspace was corrected to active (report %+v)", rep)
	}
	w.cycle(w.syncer("runner-b", model.SyncOptions{}))
	if w.n8nActive(c) {
		t.Fatal("the next cycle left the workflow running behind the freeze")
	}
}
