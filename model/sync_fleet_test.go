package model_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/godmode-console/godmode/db"
	"github.com/godmode-console/godmode/model"
	"github.com/godmode-console/godmode/n8n"
	"github.com/godmode-console/godmode/n8n/n8ntest"
)

// otherProcess is a second store on the world's database, with its own
// pools: to Postgres it is another godmode process.
func (w *world) otherProcess() *db.Store {
	w.t.Helper()
	pool, err := db.Connect(w.ctx, w.store.Pool().Config().ConnString())
	if err != nil {
		w.t.Fatal(err)
	}
	w.t.Cleanup(pool.Close)
	kr, _ := db.NewKeyring(masterKey)
	s := db.NewStore(pool, kr)
	w.t.Cleanup(s.Close)
	return s
}

// killLeader terminates the backend holding the instance's sync lock, as a
// crashed process or a cut network would.
func (w *world) killLeader(instanceID int64) {
	w.t.Helper()
	var pid int
	// The lock key is 2<<56 | id: classid holds the high 32 bits.
	err := w.store.Pool().QueryRow(w.ctx, `SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted
		AND classid::bigint = ((2::bigint << 56) | $1) >> 32 AND objid::bigint = $1 & 4294967295`, instanceID).Scan(&pid)
	if err != nil {
		w.t.Fatalf("finding the leader's lock: %v", err)
	}
	w.exec(`SELECT pg_terminate_backend($1)`, pid)
	// Termination is a signal: wait until the backend (and its locks) is gone.
	for end := time.Now().Add(5 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		var alive bool
		w.store.Pool().QueryRow(w.ctx, `SELECT EXISTS (SELECT 1 FROM pg_stat_activity WHERE pid = $1)`, pid).Scan(&alive)
		if !alive {
			return
		}
		if time.Now().After(end) {
			w.t.Fatalf("backend %d still alive 5 s after pg_terminate_backend", pid)
		}
	}
}

func TestSyncLeaderHandover(t *testing.T) {
	w := newWorld(t)
	c := w.campaign("Email 1", true)
	inst := *w.ws.InstanceID
	a := model.NewSyncer(w.store, dial(), model.SyncOptions{Name: "runner-a"})
	t.Cleanup(a.Close)
	b := model.NewSyncer(w.otherProcess(), dial(), model.SyncOptions{Name: "runner-b"})
	t.Cleanup(b.Close)

	if rep, err := a.CycleInstance(w.ctx, inst); err != nil || !rep.Led {
		t.Fatalf("runner a: led %v, err %v; want it to lead", rep.Led, err)
	}
	w.n8n.SetActive(c.N8nWorkflowID, false)
	if rep, err := b.CycleInstance(w.ctx, inst); err != nil || rep.Led {
		t.Fatalf("runner b while a leads: led %v, err %v; want it to follow", rep.Led, err)
	}
	if got := w.reload(c); got.Status != model.CampaignActive {
		t.Fatal("a follower corrected a campaign")
	}

	t.Run("lock connection killed", func(t *testing.T) {
		w.killLeader(inst)
		rep, err := b.CycleInstance(w.ctx, inst)
		if err != nil || !rep.Led || len(rep.Corrected) != 1 {
			t.Fatalf("runner b's next cycle: led %v, corrected %d, err %v; want it to lead and correct", rep.Led, len(rep.Corrected), err)
		}
		st, _ := w.store.InstanceSyncState(w.ctx, inst)
		if st.Leader != "runner-b" {
			t.Errorf("sync_state.leader = %q, want runner-b", st.Leader)
		}
		if rep, err := a.CycleInstance(w.ctx, inst); err != nil || rep.Led {
			t.Errorf("runner a after losing its lock: led %v, err %v; want it to follow", rep.Led, err)
		}
	})

	t.Run("leader's context cancelled", func(t *testing.T) {
		ctx, cancel := context.WithCancel(w.ctx)
		done := make(chan error)
		go func() { done <- b.Run(ctx, 20*time.Millisecond) }()
		w.n8n.SetActive(c.N8nWorkflowID, true)
		deadline := time.Now().Add(10 * time.Second)
		for w.reload(c).Status != model.CampaignActive {
			if time.Now().After(deadline) {
				t.Fatal("runner b's Run never corrected the campaign")
			}
			time.Sleep(20 * time.Millisecond)
		}
		cancel()
		if err := <-done; err != nil {
			t.Fatalf("Run: %v", err)
		}
		w.n8n.SetActive(c.N8nWorkflowID, false)
		rep, err := a.CycleInstance(w.ctx, inst)
		if err != nil || !rep.Led || len(rep.Corrected) != 1 {
			t.Fatalf("runner a's next cycle after b stopped: led %v, corrected %d, err %v", rep.Led, len(rep.Corrected), err)
		}
	})
}

// slowDial makes clients with n8n.New's own generous timeouts (30 s a
// call), so only the syncer's per-instance deadline can cut a hung call.
func slowDial(base, key string) model.N8n { return n8n.New(base, key) }

func TestSyncOneHungInstanceOf200DelaysNoOther(t *testing.T) {
	w := newWorld(t)
	w.campaign("Email 1", false)
	fakes := []*n8ntest.Server{w.n8n}
	for i := 1; i < 200; i++ {
		f := n8ntest.New()
		t.Cleanup(f.Close)
		fakes = append(fakes, f)
		in, err := w.store.AddInstance(w.ctx, db.NewInstance{Name: fmt.Sprintf("tenant-%03d", i), BaseURL: f.URL, APIKey: f.APIKey})
		if err != nil {
			t.Fatal(err)
		}
		ws, err := w.store.CreateWorkspace(w.ctx, fmt.Sprintf("tenant-%03d", i), "Tenant", &in.ID)
		if err != nil {
			t.Fatal(err)
		}
		wf, _ := f.AddWorkflow(n8n.Workflow{Name: "Email 1", Connections: json.RawMessage(`{}`)})
		w.store.CreateCampaign(w.ctx, db.NewCampaign{WorkspaceID: ws.ID, Name: "Email 1", N8nWorkflowID: wf.ID})
	}
	hung := fakes[137]
	hung.HangNext(1000)
	const deadline = 2 * time.Second
	s := model.NewSyncer(w.store, slowDial, model.SyncOptions{Name: "runner-a", Concurrency: 16, InstanceTimeout: deadline})
	t.Cleanup(s.Close)

	start := time.Now()
	reps, err := s.CycleAll(w.ctx)
	took := time.Since(start)
	if err != nil {
		t.Fatal(err)
	}
	var ok, timedOut int
	for _, r := range reps {
		switch {
		case r.Err == nil && r.Led:
			ok++
			if r.Took >= deadline {
				t.Errorf("%s took %v, as long as the hung instance's deadline", r.Instance, r.Took)
			}
		case r.TimedOut && r.Instance == "tenant-137":
			timedOut++
		default:
			t.Errorf("%s: led %v, err %v", r.Instance, r.Led, r.Err)
		}
	}
	if ok != 199 || timedOut != 1 {
		t.Fatalf("%d instances synced, %d timed out; want 199 and 1 (tenant-137)", ok, timedOut)
	}
	// The hung instance is cut at its 2 s deadline, not at the client's
	// own 30 s; the other 199 ran beside it.
	if took > 15*time.Second {
		t.Errorf("the cycle over 200 instances took %v: the hung one held the others up", took)
	}
	t.Logf("200 instances, one hung: cycle took %v", took)
	st, _ := w.store.InstanceSyncState(w.ctx, reps[137].InstanceID)
	if st.LastError == "" || st.LastOKAt != nil {
		t.Errorf("hung instance's sync_state: %+v; want its error and no good cycle", st)
	}
}

// seed10k puts 10,000 inactive workflows in the fake and a campaign for
// each in Postgres (in one statement: 10,000 round trips would be the
// test's whole cost).
func seed10k(tb testing.TB, w *world) {
	ids := make([]string, 10000)
	for i := range ids {
		wf, err := w.n8n.AddWorkflow(n8n.Workflow{Name: fmt.Sprintf("campaign %05d", i), Connections: json.RawMessage(`{}`)})
		if err != nil {
			tb.Fatal(err)
		}
		ids[i] = wf.ID
	}
	w.exec(`INSERT INTO campaigns (workspace_id, instance_id, name, n8n_workflow_id, status)
		SELECT $1, $2, 'campaign ' || n, id, 'paused' FROM unnest($3::text[]) WITH ORDINALITY AS u(id, n)`,
		w.ws.ID, *w.ws.InstanceID, ids)
}

func TestSyncCycleOf10000WorkflowsCosts41Requests(t *testing.T) {
	if testing.Short() {
		t.Skip("seeds 10,000 workflows")
	}
	w := newWorld(t)
	seed10k(t, w)
	s := w.syncer("runner-a", model.SyncOptions{})
	for i, label := range []string{"first cycle", "idle cycle"} {
		w.n8n.ResetRequests()
		rep := w.cycle(s)
		// The first cycle also probes the instance's capabilities (2).
		limit := int64(41 + 2*(1-i))
		if got := w.n8n.Requests(); got > limit || int64(rep.Requests) != got {
			t.Errorf("%s: %d requests reached n8n (report says %d); want at most %d (40 pages of 250 + 1 executions page, + the first probe)", label, got, rep.Requests, limit)
		}
		if rep.Workflows != 10000 || rep.Campaigns != 10000 || len(rep.Corrected) != 0 || rep.Unmanaged != 0 {
			t.Errorf("%s %d: %d workflows, %d campaigns, %d corrected, %d unmanaged", label, i, rep.Workflows, rep.Campaigns, len(rep.Corrected), rep.Unmanaged)
		}
	}
}

// BenchmarkSyncCycle10k is one idle cycle of an instance with 10,000
// campaigns: 40 workflow pages and 1 executions page from the fake over
// loopback HTTP, the comparison, and the write to a real Postgres.
func BenchmarkSyncCycle10k(b *testing.B) {
	w := newWorld(b)
	seed10k(b, w)
	s := w.syncer("bench", model.SyncOptions{})
	w.cycle(s) // the first cycle reads the execution window
	w.n8n.ResetRequests()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		w.cycle(s)
	}
	b.StopTimer()
	b.ReportMetric(float64(w.n8n.Requests())/float64(b.N), "requests/op")
}
