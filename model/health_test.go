package model_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/godmode-console/godmode/db"
	"github.com/godmode-console/godmode/db/dbtest"
	"github.com/godmode-console/godmode/model"
	"github.com/godmode-console/godmode/n8n"
)

// patientDial makes clients that would wait long for n8n, so only the
// console's own read bound can cut a hung call short.
func patientDial() model.Dialer {
	return func(base, key string) model.N8n {
		return n8n.New(base, key, n8n.WithTimeout(30*time.Second), n8n.WithAttemptTimeout(30*time.Second),
			n8n.WithRetryPolicy(n8n.RetryPolicy{MaxAttempts: 1}))
	}
}

// A hung n8n answers the executions pane within the console's read bound
// with "did not answer", and the header's next health read counts the
// instance as not answering (on e26f193 the read waited for the caller's
// whole deadline and the instance was only "unreachable").
func TestHungInstanceIsNotAnsweringWithinTheReadBound(t *testing.T) {
	w := newWorld(t)
	c := w.campaign("Ohio 1", true)
	console := model.NewConsole(w.store, patientDial(), model.ConsoleOptions{Context: "test", ReadTimeout: 300 * time.Millisecond})
	w.n8n.HangNext(100)
	defer w.n8n.ClearFaults()

	ctx, cancel := context.WithTimeout(w.ctx, 20*time.Second)
	defer cancel()
	if _, err := console.Executions(ctx, c.ID, ""); err == nil || !strings.Contains(err.Error(), "n8n did not answer in 300ms") {
		t.Fatalf("executions of a hung n8n: %v, want n8n did not answer in 300ms", err)
	}
	h := console.Health(w.ctx)
	if !h.DBOK || !h.N8nKnown || h.Instances != 1 || h.Up != 0 || h.Down != 1 || h.NotAnswering != 1 || h.N8nOK {
		t.Fatalf("health after a hung call: %+v", h)
	}
	d := h.DownList[0]
	if d.Name != "ohio" || d.State() != "not answering" || d.Since == nil || !strings.HasPrefix(d.Error, "did not answer in 300ms") {
		t.Errorf("the down instance: %+v", d)
	}
	wss, err := console.Workspaces(w.ctx)
	if err != nil || len(wss) != 1 || !wss[0].InstanceReach.NotAnswering {
		t.Errorf("the workspace of the hung instance is not marked: %+v (%v)", wss, err)
	}
}

// Health counts instances one by one: 2 of 5 down leave Postgres, the
// drift and the 3 others known and fine; a down instance keeps the time it
// went down across failures, and its error is cleaned of escapes.
func TestHealthCountsInstancesOneByOne(t *testing.T) {
	w := newWorld(t) // "ohio", never called yet
	var ids []int64
	for _, name := range []string{"eu-1", "eu-2", "us-1", "us-2"} {
		in, err := w.store.AddInstance(w.ctx, db.NewInstance{Name: name, BaseURL: "https://" + name + ".example.com", APIKey: "k-" + name})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, in.ID)
	}
	record := func(id int64, ok bool, msg string) {
		t.Helper()
		if err := w.store.RecordInstanceHealth(w.ctx, id, ok, 80*time.Millisecond, msg); err != nil {
			t.Fatal(err)
		}
	}
	ohio := w.ws.InstanceID
	record(*ohio, true, "")
	record(ids[0], true, "")
	record(ids[1], false, "dial tcp: connection refused\x1b]52;c;cGF3bmVk\x07")
	record(ids[2], true, "")
	record(ids[3], false, "did not answer in 4s: context deadline exceeded")
	first, _ := w.store.Instance(w.ctx, ids[1])
	time.Sleep(20 * time.Millisecond)
	record(ids[1], false, "dial tcp: connection refused")

	h := w.console.Health(w.ctx)
	if !h.DBOK || !h.N8nKnown || !h.DriftKnown || h.Instances != 5 || h.Up != 3 || h.Down != 2 || h.NotAnswering != 1 {
		t.Fatalf("health: %+v", h)
	}
	if len(h.DownList) != 2 || h.DownList[0].Name != "eu-2" || h.DownList[1].Name != "us-2" {
		t.Fatalf("down list, longest down first: %+v", h.DownList)
	}
	again, _ := w.store.Instance(w.ctx, ids[1])
	if first.DownSince == nil || again.DownSince == nil || !first.DownSince.Equal(*again.DownSince) {
		t.Errorf("down since moved with a second failure: %v then %v", first.DownSince, again.DownSince)
	}
	if strings.ContainsAny(h.DownList[0].Error, "\x1b\x07") {
		t.Errorf("control characters reach the screen: %q", h.DownList[0].Error)
	}
	record(ids[1], true, "")
	if up, _ := w.store.Instance(w.ctx, ids[1]); up.DownSince != nil {
		t.Errorf("an instance back up is still down since %v", up.DownSince)
	}
}

// With Postgres down, nothing it holds is known: the instances' health
// and the drift are unknown, not "n8n down" and "drift 0".
func TestPostgresDownLeavesN8nAndDriftUnknown(t *testing.T) {
	pool := dbtest.New(t)
	console := model.NewConsole(db.NewStore(pool, nil), patientDial(), model.ConsoleOptions{Context: "test"})
	pool.Close()
	h := console.Health(context.Background())
	if h.DBOK || h.DBError == "" || h.N8nKnown || h.DriftKnown || h.DriftCount != 0 {
		t.Errorf("health with Postgres down: %+v", h)
	}
}

// An instance never synced (down since before godmode started, say) is
// counted apart instead of turning the whole fleet's sync age into
// "never" (on e26f193 one such instance among thousands did).
func TestOneNeverSyncedInstanceDoesNotHideTheOthersSync(t *testing.T) {
	w := newWorld(t)
	other, err := w.store.AddInstance(w.ctx, db.NewInstance{Name: "down-1", BaseURL: "https://down-1.example.com", APIKey: "k"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.store.Pool().Exec(w.ctx, `INSERT INTO sync_state (instance_id, last_ok_at) VALUES ($1, now() - interval '7 seconds')`, *w.ws.InstanceID); err != nil {
		t.Fatal(err)
	}
	h := w.console.Health(w.ctx)
	if h.LastSync == nil || time.Since(*h.LastSync) > time.Minute || h.NeverSynced != 1 {
		t.Errorf("sync with %s never synced: last %v, never synced %d", other.Name, h.LastSync, h.NeverSynced)
	}
}
