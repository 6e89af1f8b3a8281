package n8n_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/godmode-console/godmode/db"
	"github.com/godmode-console/godmode/db/dbtest"
	"github.com/godmode-console/godmode/model"
	"github.com/godmode-console/godmode/n8n"
	"github.com/godmode-console/godmode/n8n/n8ntest"
)

// target is one n8n the contract suite runs against.
type target struct {
	name   string
	major  int // the major it is known to be (the fake's mode, the peer's env)
	url    string
	key    string
	client *n8n.Client
	fake   *n8ntest.Server // nil for a real n8n
	seq    *atomic.Int64
	caps   n8n.Capabilities // as probed when the case started
}

// forEachTarget runs f against the fake in 1.x and 2.x mode and against
// each real n8n configured (see contract_main_test.go).
func forEachTarget(t *testing.T, f func(t *testing.T, tg target)) {
	for _, major := range []int{1, 2} {
		t.Run(fmt.Sprintf("fake-%d.x", major), func(t *testing.T) {
			srv := n8ntest.New(n8ntest.WithMajor(major))
			t.Cleanup(srv.Close)
			f(t, newTarget(t, fmt.Sprintf("fake-%d.x", major), major, srv.URL, srv.APIKey, srv))
		})
	}
	for _, p := range realPeers {
		t.Run(p.name(), func(t *testing.T) {
			if !p.ok {
				// Shown as SKIP (with -v and in test2json): this half did not run.
				t.Skipf("real n8n %d.x not configured or not reachable: see .ci/n8n-peer.sh", p.major)
			}
			p.ran = true
			f(t, newTarget(t, p.name(), p.major, p.url, p.key, nil))
		})
	}
}

func newTarget(t *testing.T, name string, major int, url, key string, fake *n8ntest.Server) target {
	t.Helper()
	tg := target{name: name, major: major, url: url, key: key, client: n8n.New(url, key), fake: fake, seq: new(atomic.Int64)}
	caps, err := tg.client.ProbeCapabilities(context.Background())
	if err != nil {
		t.Fatalf("probing %s: %v", name, err)
	}
	tg.caps = caps
	return tg
}

// pick is the 1.x or the 2.x expectation, by the target's major.
func pick[T any](tg target, v1, v2 T) T {
	if tg.major >= 2 {
		return v2
	}
	return v1
}

// unique makes a name no other run or test uses, so reruns against the
// same real n8n never collide.
func (tg target) unique(what string) string {
	return fmt.Sprintf("godmode-contract-%s-%s-%d", runID, what, tg.seq.Add(1))
}

// tagName is unique and short enough for a tag (24 characters at most).
func (tg target) tagName() string {
	return fmt.Sprintf("gm-%s-%d", runID, tg.seq.Add(1))
}

// create creates w and deletes it when the test ends.
func (tg target) create(t *testing.T, w n8n.Workflow) n8n.Workflow {
	t.Helper()
	got, err := tg.client.CreateWorkflow(context.Background(), w)
	if err != nil {
		t.Fatalf("creating %q: %v", w.Name, err)
	}
	t.Cleanup(func() { tg.cleanup(t, got.ID) })
	return got
}

func (tg target) cleanup(t *testing.T, id string) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := tg.client.DeleteWorkflow(ctx, id); err != nil && !errors.Is(err, n8n.ErrNotFound) {
		t.Errorf("cleaning up workflow %s: %v", id, err)
	}
}

func webhookWorkflow(name, path string, more ...n8n.Node) n8n.Workflow {
	nodes := []n8n.Node{{Name: "Webhook", Type: n8n.WebhookNodeType, TypeVersion: 2, Position: []float64{0, 0}, WebhookID: uuid(),
		Parameters: mustJSON(map[string]any{"path": path, "httpMethod": "POST", "responseMode": "onReceived"})}}
	conns := map[string]any{}
	prev := "Webhook"
	for i, n := range more {
		n.Position = []float64{float64(200 * (i + 1)), 0}
		nodes = append(nodes, n)
		conns[prev] = map[string]any{"main": [][]map[string]any{{{"node": n.Name, "type": "main", "index": 0}}}}
		prev = n.Name
	}
	return n8n.Workflow{Name: name, Nodes: nodes, Connections: mustJSON(conns),
		Settings: map[string]json.RawMessage{"executionOrder": json.RawMessage(`"v1"`)}}
}

func codeNode(name, js string) n8n.Node {
	return n8n.Node{Name: name, Type: "n8n-nodes-base.code", TypeVersion: 2, Parameters: mustJSON(map[string]any{"jsCode": js})}
}

func mustJSON(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

func uuid() string {
	s := randomSuffix() + randomSuffix() + randomSuffix() + randomSuffix()
	return s[0:8] + "-" + s[8:12] + "-4" + s[13:16] + "-a" + s[17:20] + "-" + s[20:32]
}

// eventually polls until f reports done (executions are written
// asynchronously by a real n8n), failing after limit.
func eventually(t *testing.T, limit time.Duration, what string, f func() (bool, error)) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for {
		done, err := f()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		if done {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: not done after %v", what, limit)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// createMany creates n workflows concurrently (at most 8 at a time) and
// deletes them when the test ends.
func (tg target) createMany(t *testing.T, n int, name func(i int) string) []string {
	t.Helper()
	ids := make([]string, n)
	var wg sync.WaitGroup
	sem := make(chan struct{}, 8)
	var mu sync.Mutex
	var firstErr error
	for i := range n {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			w, err := tg.client.CreateWorkflow(context.Background(), noopWorkflow(name(i)))
			mu.Lock()
			defer mu.Unlock()
			if err != nil && firstErr == nil {
				firstErr = err
			}
			ids[i] = w.ID
		})
	}
	wg.Wait()
	t.Cleanup(func() {
		var wg sync.WaitGroup
		for _, id := range ids {
			if id == "" {
				continue
			}
			wg.Go(func() {
				sem <- struct{}{}
				defer func() { <-sem }()
				tg.cleanup(t, id)
			})
		}
		wg.Wait()
	})
	if firstErr != nil {
		t.Fatalf("creating %d workflows: %v", n, firstErr)
	}
	return ids
}

func has(s, sub string) bool { return strings.Contains(s, sub) }

// store is a fresh godmode database with the target registered as the
// instance "contract", for the cases that drive godmode's own use cases.
func (tg target) store(t *testing.T) (*db.Store, model.Instance) {
	t.Helper()
	kr, err := db.NewKeyring([]byte("0123456789abcdef0123456789abcdef"))
	if err != nil {
		t.Fatal(err)
	}
	store := db.NewStore(dbtest.New(t), kr)
	t.Cleanup(store.Close)
	inst, err := store.AddInstance(context.Background(), db.NewInstance{Name: "contract", BaseURL: tg.url, APIKey: tg.key})
	if err != nil {
		t.Fatal(err)
	}
	return store, inst
}

// superAdmin registers root@example.com as a super admin of store and
// returns the actor a contract case acts as.
func superAdmin(t *testing.T, store *db.Store) model.Actor {
	t.Helper()
	u, err := store.CreateUser(context.Background(), "root@example.com", "Root", true)
	if err != nil {
		t.Fatal(err)
	}
	actor, err := store.Actor(context.Background(), u, "SHA256:contract")
	if err != nil {
		t.Fatal(err)
	}
	return actor
}
