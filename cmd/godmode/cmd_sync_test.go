package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/godmode-console/godmode/db"
	"github.com/godmode-console/godmode/db/dbtest"
	"github.com/godmode-console/godmode/model"
	"github.com/godmode-console/godmode/n8n"
	"github.com/godmode-console/godmode/n8n/n8ntest"
)

// syncFixture is a migrated database with one instance on a fake n8n and a
// campaign that n8n has deactivated behind godmode's back.
type syncFixture struct {
	fake  *n8ntest.Server
	store *db.Store
	camp  model.Campaign
}

func newSyncFixture(t *testing.T) syncFixture {
	t.Helper()
	isolate(t)
	url := dbtest.URL(t)
	key := db.GenerateKey()
	t.Setenv(envDatabaseURL, url)
	t.Setenv(db.EnvMasterKey, key)
	ctx := context.Background()
	pool, err := db.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	kr, err := db.KeyringFromEnv("")
	if err != nil {
		t.Fatal(err)
	}
	store := db.NewStore(pool, kr)
	t.Cleanup(store.Close)
	fake := n8ntest.New()
	t.Cleanup(fake.Close)
	inst, err := store.AddInstance(ctx, db.NewInstance{Name: "ohio", BaseURL: fake.URL, APIKey: fake.APIKey})
	if err != nil {
		t.Fatal(err)
	}
	ws, err := store.CreateWorkspace(ctx, "ohio", "Ohio Roofing", &inst.ID)
	if err != nil {
		t.Fatal(err)
	}
	wf, err := fake.AddWorkflow(n8n.Workflow{Name: "Email 1", Active: true, Connections: json.RawMessage(`{}`),
		Nodes: []n8n.Node{{Name: "Every 5 minutes", Type: "n8n-nodes-base.scheduleTrigger", TypeVersion: 1.2, Position: []float64{0, 0},
			Parameters: json.RawMessage(`{"rule":{"interval":[{"field":"minutes","minutesInterval":5}]}}`)}}})
	if err != nil {
		t.Fatal(err)
	}
	camp, err := store.CreateCampaign(ctx, db.NewCampaign{WorkspaceID: ws.ID, Name: "Email 1", N8nWorkflowID: wf.ID, Status: model.CampaignActive})
	if err != nil {
		t.Fatal(err)
	}
	fake.SetActive(wf.ID, false)
	return syncFixture{fake: fake, store: store, camp: camp}
}

func TestSyncOnceCorrectsAndPrintsATable(t *testing.T) {
	f := newSyncFixture(t)
	out, errOut, code := godmode(t, "", "sync")
	if code != 0 {
		t.Fatalf("godmode sync: exit %d\n%s%s", code, out, errOut)
	}
	for _, want := range []string{"INSTANCE", "CORRECTED", "ohio", "corrected ohio/Email 1: now paused"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	got, _ := f.store.Campaign(context.Background(), f.camp.ID)
	if got.Status != model.CampaignPaused {
		t.Errorf("campaign is %s after godmode sync, want paused", got.Status)
	}
	if strings.Contains(out+errOut, f.fake.APIKey) {
		t.Error("the n8n API key reached the output")
	}

	// n8n down: exit 1, the instance's row says why, nothing written.
	f.fake.SetActive(f.camp.N8nWorkflowID, true)
	f.fake.FailNext(100, 503)
	out, errOut, code = godmode(t, "", "sync", "--timeout", "3s")
	if code != 1 || !strings.Contains(errOut, "1 of 1 instance(s) not synced (ohio)") || !strings.Contains(out, "503") {
		t.Errorf("sync with n8n down: exit %d\n%s%s", code, out, errOut)
	}
	if got, _ := f.store.Campaign(context.Background(), f.camp.ID); got.Status != model.CampaignPaused {
		t.Errorf("a failed cycle changed the campaign to %s", got.Status)
	}
}

// syncBuffer is stderr shared between the daemon and the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func freeAddr(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func TestSyncWatchServesHealthAndMetrics(t *testing.T) {
	f := newSyncFixture(t)
	addr := freeAddr(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stderr syncBuffer
	done := make(chan int)
	go func() {
		done <- run(ctx, []string{"sync", "--watch", "--every", "100ms", "--timeout", "1s", "--listen", addr}, strings.NewReader(""), io.Discard, &stderr)
	}()
	get := func(path string) (int, string) {
		resp, err := http.Get("http://" + addr + path)
		if err != nil {
			return 0, err.Error()
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	var code int
	var body string
	for end := time.Now().Add(10 * time.Second); time.Now().Before(end); time.Sleep(50 * time.Millisecond) {
		if code, body = get("/healthz"); code == 200 {
			break
		}
	}
	if code != 200 || !strings.Contains(body, `"status":"ok"`) || !strings.Contains(body, `"leading":1`) {
		t.Fatalf("/healthz: %d %s", code, body)
	}
	if got, _ := f.store.Campaign(ctx, f.camp.ID); got.Status != model.CampaignPaused {
		t.Errorf("the daemon did not correct the campaign: %s", got.Status)
	}
	code, body = get("/metrics")
	for _, want := range []string{
		`godmode_sync_cycles_total{instance="ohio"} `, `godmode_sync_drift_corrected_total{instance="ohio"} 1`,
		`godmode_sync_n8n_requests_total{instance="ohio"} `, `godmode_sync_errors_total{instance="ohio"} 0`,
		"# TYPE godmode_sync_cycle_seconds histogram", `godmode_sync_cycle_seconds_bucket{le="+Inf"} `,
		`godmode_sync_leader{instance="ohio"} 1`,
	} {
		if code != 200 || !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %q:\n%s", want, body)
		}
	}

	// n8n goes down: the instance goes stale and /healthz says so.
	f.fake.FailNext(1<<20, 503)
	stale := false
	for end := time.Now().Add(20 * time.Second); time.Now().Before(end) && !stale; time.Sleep(100 * time.Millisecond) {
		code, body = get("/healthz")
		stale = code == 503 && strings.Contains(body, `"stale":["ohio"]`)
	}
	if !stale {
		t.Errorf("/healthz with n8n down for a while: %d %s; want 503 naming ohio", code, body)
	}
	f.fake.ClearFaults()

	cancel()
	select {
	case c := <-done:
		if c != 0 {
			t.Errorf("godmode sync --watch exited %d after SIGINT-like cancel\n%s", c, stderr.String())
		}
	case <-time.After(15 * time.Second):
		t.Fatal("godmode sync --watch did not stop after its context ended")
	}
	// Logs are JSON lines, one per event, and never carry the API key.
	sc := bufio.NewScanner(strings.NewReader(stderr.String()))
	var lines, corrected int
	for sc.Scan() {
		var rec map[string]any
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			t.Fatalf("log line is not JSON: %q", sc.Text())
		}
		lines++
		if rec["msg"] == "sync corrected" && rec["campaign"] == "Email 1" {
			corrected++
		}
	}
	if lines < 3 || corrected != 1 {
		t.Errorf("%d log lines, %d 'sync corrected' for Email 1; want several and exactly 1", lines, corrected)
	}
	if strings.Contains(stderr.String(), f.fake.APIKey) {
		t.Error("the n8n API key reached the logs")
	}
}

func TestSyncHealthRules(t *testing.T) {
	now := time.Now()
	every, timeout := 5*time.Second, 30*time.Second
	fresh := model.InstanceSyncStats{Instance: "ohio", Led: true, Cycles: 3, LastOKAt: now.Add(-time.Second)}
	old := model.InstanceSyncStats{Instance: "texas", Led: true, Cycles: 9, LastOKAt: now.Add(-time.Hour)}
	follower := model.InstanceSyncStats{Instance: "utah", Led: false}
	for _, tc := range []struct {
		name   string
		st     model.SyncStats
		code   int
		status string
	}{
		{"before the first round", model.SyncStats{}, 503, "starting"},
		{"database down", model.SyncStats{Rounds: 3, RoundError: "database unreachable"}, 503, "database_unreachable"},
		{"leading, fresh", model.SyncStats{Rounds: 1, Instances: []model.InstanceSyncStats{fresh, follower}}, 200, "ok"},
		{"only following", model.SyncStats{Rounds: 1, Instances: []model.InstanceSyncStats{follower}}, 200, "ok"},
		{"one led instance stale", model.SyncStats{Rounds: 9, Instances: []model.InstanceSyncStats{fresh, old}}, 503, "stale"},
		{"first cycle of a led instance running", model.SyncStats{Rounds: 1, Instances: []model.InstanceSyncStats{fresh, {Instance: "iowa", Led: true}}}, 503, "starting"},
	} {
		code, body := syncHealth(tc.st, now, every, timeout)
		if code != tc.code || body.Status != tc.status {
			t.Errorf("%s: %d %+v, want %d %s", tc.name, code, body, tc.code, tc.status)
		}
	}
}

func TestSyncHealthSaysOnlyTheState(t *testing.T) {
	// What pgx says when Postgres goes away names the user and database.
	st := model.SyncStats{Rounds: 3, RoundErrors: 1, RoundError: "sync: listing n8n instances: failed to connect to `user=godmode_runtime database=prod`: 10.0.0.5:5432: server error"}
	code, body := syncHealth(st, time.Now(), 5*time.Second, 30*time.Second)
	b, err := json.Marshal(body)
	if err != nil {
		t.Fatal(err)
	}
	if code != 503 || string(b) != `{"status":"database_unreachable","leading":0,"following":0}` {
		t.Errorf("/healthz with Postgres down: %d %s; want 503 and only the state", code, b)
	}
}

func TestSyncHealthNamesInstancesTheRunnerGaveUp(t *testing.T) {
	now := time.Now()
	gaveUp := model.InstanceSyncStats{Instance: "ohio", Led: false, Cycles: 3, Errors: 3, GaveUp: 1, GaveUpUntil: now.Add(time.Minute)}
	code, body := syncHealth(model.SyncStats{Rounds: 4, Instances: []model.InstanceSyncStats{gaveUp}}, now, 5*time.Second, 30*time.Second)
	if code != 503 || body.Status != "stale" || len(body.GaveUp) != 1 || body.GaveUp[0] != "ohio" {
		t.Errorf("a runner that gave ohio up: %d %+v; want 503 stale naming ohio", code, body)
	}
	gaveUp.GaveUpUntil = now.Add(-time.Second) // back-off over: a standby again
	if code, body := syncHealth(model.SyncStats{Rounds: 9, Instances: []model.InstanceSyncStats{gaveUp}}, now, 5*time.Second, 30*time.Second); code != 200 {
		t.Errorf("after the back-off: %d %+v; want 200", code, body)
	}
	var b strings.Builder
	writeMetrics(&b, model.SyncStats{Instances: []model.InstanceSyncStats{gaveUp}, CycleCounts: make([]int64, len(model.CycleBuckets))})
	if !strings.Contains(b.String(), `godmode_sync_lead_given_up_total{instance="ohio"} 1`) {
		t.Errorf("/metrics does not count the give-up:\n%s", b.String())
	}
}
