package model_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/godmode-console/godmode/db"
	"github.com/godmode-console/godmode/model"
	"github.com/godmode-console/godmode/n8n"
)

// processWithKeyring is another godmode process whose master key is not the
// one the instance's API key was stored under.
func (w *world) processWithKeyring(kr *db.Keyring) *db.Store {
	w.t.Helper()
	pool, err := db.Connect(w.ctx, w.store.Pool().Config().ConnString())
	if err != nil {
		w.t.Fatal(err)
	}
	w.t.Cleanup(pool.Close)
	s := db.NewStore(pool, kr)
	w.t.Cleanup(s.Close)
	return s
}

func TestSyncLeaderThatCannotWorkGivesUpTheLead(t *testing.T) {
	otherKey, _ := db.NewKeyring(bytes.Repeat([]byte{7}, 32))
	for _, tc := range []struct {
		name  string
		store func(w *world) *db.Store
		dial  model.Dialer
		why   string
	}{
		{"n8n answers 401", func(w *world) *db.Store { return w.otherProcess() },
			func(base, key string) model.N8n { return dial()(base, "a-key-n8n-refuses") }, "401"},
		{"key id not in the keyring", func(w *world) *db.Store { return w.processWithKeyring(otherKey) }, dial(), "not in the keyring"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := newWorld(t)
			c := w.campaign("Email 1", true)
			w.n8n.SetActive(c.N8nWorkflowID, false)
			inst := *w.ws.InstanceID
			var logs bytes.Buffer
			a := model.NewSyncer(tc.store(w), tc.dial, model.SyncOptions{Name: "runner-a", Log: slog.New(slog.NewJSONHandler(&logs, nil))})
			t.Cleanup(a.Close)
			b := model.NewSyncer(w.otherProcess(), dial(), model.SyncOptions{Name: "runner-b"})
			t.Cleanup(b.Close)

			for i := 1; i <= 3; i++ {
				rep, err := a.CycleInstance(w.ctx, inst)
				if !rep.Led || err == nil || !strings.Contains(err.Error(), tc.why) {
					t.Fatalf("runner a, cycle %d: led %v, err %v; want it to lead and fail with %q", i, rep.Led, err, tc.why)
				}
				if i < 3 {
					if rep, _ := b.CycleInstance(w.ctx, inst); rep.Led {
						t.Fatalf("runner b led after runner a's failure %d: a gave up too early", i)
					}
				}
			}
			st, err := w.store.InstanceSyncState(w.ctx, inst)
			if err != nil {
				t.Fatal(err)
			}
			if st.Leader != "" || !strings.Contains(st.LastError, "gave up the lead after 3 failed cycles") || !strings.Contains(st.LastError, tc.why) {
				t.Errorf("sync_state after giving up: leader %q, last_error %q; want no leader and the reason", st.Leader, st.LastError)
			}
			if st := a.Stats(); len(st.Instances) != 1 || st.Instances[0].GaveUp != 1 || st.Instances[0].GaveUpUntil.Before(time.Now()) {
				t.Errorf("runner a's stats do not show the give-up: %+v", st.Instances)
			}
			if !strings.Contains(logs.String(), "sync gave up the lead") {
				t.Errorf("the log does not say runner a gave up:\n%s", logs.String())
			}
			// Back off: runner a does not take the lead straight back.
			if rep, err := a.CycleInstance(w.ctx, inst); rep.Led {
				t.Fatalf("runner a took the lead back at once (err %v)", err)
			}
			rep, err := b.CycleInstance(w.ctx, inst)
			if err != nil || !rep.Led || len(rep.Corrected) != 1 {
				t.Fatalf("runner b after a gave up: led %v, corrected %d, err %v; want it to lead and correct", rep.Led, len(rep.Corrected), err)
			}
			if st, _ := w.store.InstanceSyncState(w.ctx, inst); st.Leader != "runner-b" || st.LastError != "" {
				t.Errorf("sync_state after runner b's cycle: leader %q, last_error %q", st.Leader, st.LastError)
			}
		})
	}
}

func TestSyncShutdownIsNotAFailure(t *testing.T) {
	w := newWorld(t)
	w.campaign("Email 1", true)
	inst := *w.ws.InstanceID
	var logs bytes.Buffer
	s := model.NewSyncer(w.store, slowDial, model.SyncOptions{Name: "runner-a", Log: slog.New(slog.NewJSONHandler(&logs, nil))})
	w.n8n.HangNext(1) // the first cycle is mid-call when the runner stops
	ctx, cancel := context.WithCancel(w.ctx)
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx, time.Hour) }()
	for end := time.Now().Add(10 * time.Second); w.n8n.Requests() == 0; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(end) {
			t.Fatal("the runner never called n8n")
		}
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Run: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not stop within 10 s of its context ending")
	}
	st, err := w.store.InstanceSyncState(w.ctx, inst)
	if err != nil {
		t.Fatal(err)
	}
	if st.LastError != "" {
		t.Errorf("sync_state.last_error after a clean shutdown: %q, want empty", st.LastError)
	}
	if strings.Contains(logs.String(), `"level":"ERROR"`) || strings.Contains(logs.String(), "context canceled") {
		t.Errorf("a clean shutdown logged as a failure:\n%s", logs.String())
	}
	if in, err := w.store.Instance(w.ctx, inst); err != nil || (in.Healthy != nil && !*in.Healthy) || strings.Contains(in.LastError, "canceled") {
		t.Errorf("a clean shutdown marked the instance down: %+v %v", in, err)
	}
	if st := s.Stats(); len(st.Instances) == 1 && st.Instances[0].Errors != 0 {
		t.Errorf("a clean shutdown counted as a failed cycle: %+v", st.Instances[0])
	}
}

func TestSyncRetentionDeletesOldRowsOnly(t *testing.T) {
	w := newWorld(t)
	c := w.campaign("Email 1", true)
	inst := *w.ws.InstanceID
	now := time.Now()
	for i, age := range []time.Duration{40 * 24 * time.Hour, 35 * 24 * time.Hour, 31 * 24 * time.Hour, 29 * 24 * time.Hour, time.Hour} {
		w.exec(`INSERT INTO executions (campaign_id, n8n_execution_id, status, started_at) VALUES ($1, $2, 'success', $3)`,
			c.ID, "old-"+string(rune('a'+i)), now.Add(-age))
	}
	finding := func(workflow string, resolvedAgo *time.Duration, seenAgo time.Duration) {
		var resolved *time.Time
		if resolvedAgo != nil {
			r := now.Add(-*resolvedAgo)
			resolved = &r
		}
		w.exec(`INSERT INTO sync_findings (kind, instance_id, workflow_id, corrected, first_seen_at, last_seen_at, resolved_at)
			VALUES ('orphan_workflow', $1, $2, false, $3, $3, $4)`, inst, workflow, now.Add(-seenAgo), resolved)
	}
	d := func(x time.Duration) *time.Duration { return &x }
	finding("resolved-long-ago", d(100*24*time.Hour), 200*24*time.Hour)
	finding("resolved-long-ago-2", d(91*24*time.Hour), 200*24*time.Hour)
	finding("resolved-lately", d(10*24*time.Hour), 200*24*time.Hour)
	// An unmanaged workflow: its finding stays open through the cycle.
	orphan, err := w.n8n.AddWorkflow(n8n.Workflow{Name: "Someone's test", Connections: json.RawMessage(`{}`)})
	if err != nil {
		t.Fatal(err)
	}
	finding(orphan.ID, nil, 400*24*time.Hour)

	s := w.syncer("runner-a", model.SyncOptions{})
	w.cycle(s)
	var execs []string
	rows, _ := w.store.Pool().Query(w.ctx, `SELECT n8n_execution_id FROM executions WHERE campaign_id = $1 ORDER BY started_at`, c.ID)
	for rows.Next() {
		var id string
		rows.Scan(&id)
		execs = append(execs, id)
	}
	rows.Close()
	if strings.Join(execs, ",") != "old-d,old-e" {
		t.Errorf("executions after sync: %v, want only the two younger than 30 days", execs)
	}
	var left []string
	rows, _ = w.store.Pool().Query(w.ctx, `SELECT workflow_id FROM sync_findings WHERE instance_id = $1 ORDER BY id`, inst)
	for rows.Next() {
		var id string
		rows.Scan(&id)
		left = append(left, id)
	}
	rows.Close()
	if strings.Join(left, ",") != "resolved-lately,"+orphan.ID {
		t.Errorf("findings after sync: %v, want the recently resolved and the open one", left)
	}
}

func TestSyncRetentionDeletesInBoundedBatches(t *testing.T) {
	w := newWorld(t)
	c := w.campaign("Email 1", true)
	for i := range 7 {
		w.exec(`INSERT INTO executions (campaign_id, n8n_execution_id, status, started_at) VALUES ($1, $2, 'success', now() - interval '60 days')`,
			c.ID, "old-"+string(rune('a'+i)))
	}
	s := w.syncer("runner-a", model.SyncOptions{PruneBatch: 2})
	rep := w.cycle(s)
	var left int
	w.store.Pool().QueryRow(w.ctx, `SELECT count(*) FROM executions`).Scan(&left)
	if left != 0 || rep.Pruned.Executions != 7 {
		t.Errorf("after one cycle in batches of 2: %d left, %d reported deleted; want 0 and 7", left, rep.Pruned.Executions)
	}
}

func TestSyncRunHandsTheLeadOverWhenItsKeyIsRefused(t *testing.T) {
	w := newWorld(t)
	c := w.campaign("Email 1", true)
	w.n8n.SetActive(c.N8nWorkflowID, false)
	inst := *w.ws.InstanceID
	refused := func(base, key string) model.N8n { return dial()(base, "a-key-n8n-refuses") }
	a := model.NewSyncer(w.otherProcess(), refused, model.SyncOptions{Name: "runner-a"})
	b := model.NewSyncer(w.otherProcess(), dial(), model.SyncOptions{Name: "runner-b"})
	ctx, cancel := context.WithCancel(w.ctx)
	defer cancel()
	done := make(chan error, 2)
	go func() { done <- a.Run(ctx, 20*time.Millisecond) }()
	// Runner a leads first: wait for its first failure.
	for end := time.Now().Add(10 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		if st, _ := w.store.InstanceSyncState(w.ctx, inst); st.LastError != "" {
			break
		}
		if time.Now().After(end) {
			t.Fatal("runner a never led the instance")
		}
	}
	go func() { done <- b.Run(ctx, 20*time.Millisecond) }()
	for end := time.Now().Add(10 * time.Second); w.reload(c).Status != model.CampaignPaused; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(end) {
			st, _ := w.store.InstanceSyncState(w.ctx, inst)
			t.Fatalf("runner b never took over from runner a, whose key n8n refuses: sync_state %+v", st)
		}
	}
	if st, _ := w.store.InstanceSyncState(w.ctx, inst); st.Leader != "runner-b" {
		t.Errorf("sync_state.leader = %q, want runner-b", st.Leader)
	}
	cancel()
	for range 2 {
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
	}
}
