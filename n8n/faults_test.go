package n8n_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/godmode-console/godmode/n8n"
	"github.com/godmode-console/godmode/n8n/n8ntest"
)

var fastRetry = n8n.RetryPolicy{MaxAttempts: 4, BaseDelay: 5 * time.Millisecond, MaxDelay: 20 * time.Millisecond}

func noopWorkflow(name string) n8n.Workflow {
	return n8n.Workflow{Name: name, Connections: json.RawMessage(`{}`), Nodes: []n8n.Node{{
		Name: "Start", Type: "n8n-nodes-base.noOp", TypeVersion: 1, Position: []float64{0, 0}, Parameters: json.RawMessage(`{}`)}}}
}

// faulty starts a fake with one workflow and returns it, the client and
// the workflow's id, with the request counter at zero.
func faulty(t *testing.T, opts ...n8n.Option) (*n8ntest.Server, *n8n.Client, string) {
	t.Helper()
	srv := n8ntest.New()
	t.Cleanup(srv.Close)
	w, err := srv.AddWorkflow(noopWorkflow("fault target"))
	if err != nil {
		t.Fatal(err)
	}
	c := srv.Client(append([]n8n.Option{n8n.WithRetryPolicy(fastRetry), n8n.WithAttemptTimeout(200 * time.Millisecond)}, opts...)...)
	srv.ResetRequests()
	return srv, c, w.ID
}

func TestFailNextIsRetriedForReads(t *testing.T) {
	srv, c, id := faulty(t)
	srv.FailNext(2, 503)
	w, err := c.GetWorkflow(context.Background(), id)
	if err != nil || w.ID != id {
		t.Fatalf("GET after two 503s: %v", err)
	}
	if got := srv.Requests(); got != 3 {
		t.Errorf("%d requests, want 3 (two failures, one success)", got)
	}
}

func TestFailNextIsRetriedForActivateAndDeactivate(t *testing.T) {
	srv, c, _ := faulty(t)
	w, err := srv.AddWorkflow(webhookWorkflow("retry-activate", "retry-activate-path"))
	if err != nil {
		t.Fatal(err)
	}
	srv.ResetRequests()
	srv.FailNext(1, 502)
	if got, err := c.Activate(context.Background(), w.ID); err != nil || !got.Active {
		t.Fatalf("activate after a 502: %v (active %v)", err, got.Active)
	}
	srv.FailNext(1, 500)
	if got, err := c.Deactivate(context.Background(), w.ID); err != nil || got.Active {
		t.Fatalf("deactivate after a 500: %v", err)
	}
	if got := srv.Requests(); got != 4 {
		t.Errorf("%d requests, want 4", got)
	}
}

func TestFailNextIsNotRetriedForCreate(t *testing.T) {
	srv, c, _ := faulty(t)
	before := srv.WorkflowCount()
	srv.FailNext(1, 503)
	_, err := c.CreateWorkflow(context.Background(), noopWorkflow("never twice"))
	var e *n8n.Error
	if !errors.As(err, &e) || !errors.Is(err, n8n.ErrUnavailable) || e.Status != 503 || e.Attempts != 1 {
		t.Fatalf("create after a 503: %v, want one unavailable attempt", err)
	}
	if e.Message != "HTML page: Service Unavailable" {
		t.Errorf("message %q should come from the proxy's HTML page", e.Message)
	}
	if srv.Requests() != 1 || srv.WorkflowCount() != before {
		t.Errorf("create was retried: %d requests, %d workflows (had %d)", srv.Requests(), srv.WorkflowCount(), before)
	}
}

func TestFailNextGivesUpAfterMaxAttempts(t *testing.T) {
	srv, c, id := faulty(t)
	srv.FailNext(10, 502)
	_, err := c.GetWorkflow(context.Background(), id)
	var e *n8n.Error
	if !errors.As(err, &e) || !errors.Is(err, n8n.ErrUnavailable) || e.Attempts != 4 || e.Status != 502 {
		t.Fatalf("got %v, want unavailable after 4 attempts", err)
	}
	if srv.Requests() != 4 {
		t.Errorf("%d requests, want 4", srv.Requests())
	}
}

func TestFailNextClientErrorsAreNotRetried(t *testing.T) {
	srv, c, id := faulty(t)
	srv.FailNext(1, 404)
	_, err := c.GetWorkflow(context.Background(), id)
	if !errors.Is(err, n8n.ErrNotFound) || srv.Requests() != 1 {
		t.Fatalf("got %v after %d requests, want not found after 1", err, srv.Requests())
	}
}

func TestHangNextIsRetriedForReads(t *testing.T) {
	srv, c, id := faulty(t)
	srv.HangNext(1)
	if _, err := c.GetWorkflow(context.Background(), id); err != nil {
		t.Fatalf("GET after a hung attempt: %v", err)
	}
	if srv.Requests() != 2 {
		t.Errorf("%d requests, want 2", srv.Requests())
	}
}

func TestHangNextIsNotRetriedForCreate(t *testing.T) {
	srv, c, _ := faulty(t)
	srv.HangNext(1)
	_, err := c.CreateWorkflow(context.Background(), noopWorkflow("hung create"))
	var e *n8n.Error
	if !errors.As(err, &e) || !errors.Is(err, n8n.ErrUnavailable) || e.Attempts != 1 {
		t.Fatalf("got %v, want unavailable after 1 attempt", err)
	}
	if srv.Requests() != 1 {
		t.Errorf("%d requests, want 1", srv.Requests())
	}
}

func TestHangNextRespectsTheCallersDeadline(t *testing.T) {
	srv, c, id := faulty(t, n8n.WithAttemptTimeout(0))
	srv.HangNext(100)
	ctx, cancel := context.WithTimeout(context.Background(), 150*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := c.GetWorkflow(ctx, id)
	took := time.Since(start)
	if !errors.Is(err, n8n.ErrUnavailable) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("got %v, want unavailable wrapping the deadline", err)
	}
	// The hang is endless; returning at all, soon after the deadline,
	// shows the deadline bounds the call.
	if took > 2*time.Second {
		t.Errorf("returned after %v, deadline was 150ms", took)
	}
}

func TestCancelIsNotUnavailable(t *testing.T) {
	srv, c, id := faulty(t, n8n.WithAttemptTimeout(0))
	srv.HangNext(1)
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	_, err := c.GetWorkflow(ctx, id)
	if !errors.Is(err, context.Canceled) || errors.Is(err, n8n.ErrUnavailable) {
		t.Fatalf("got %v, want canceled", err)
	}
	if srv.Requests() != 1 {
		t.Errorf("a cancelled call was retried: %d requests", srv.Requests())
	}
}

func TestCloseNextIsRetriedForReads(t *testing.T) {
	srv, c, id := faulty(t)
	srv.CloseNext(2)
	if _, err := c.GetWorkflow(context.Background(), id); err != nil {
		t.Fatalf("GET after two dropped connections: %v", err)
	}
	if srv.Requests() != 3 {
		t.Errorf("%d requests, want 3", srv.Requests())
	}
}

func TestCloseNextIsNotRetriedForCreate(t *testing.T) {
	srv, c, _ := faulty(t)
	srv.CloseNext(1)
	_, err := c.CreateWorkflow(context.Background(), noopWorkflow("dropped create"))
	var e *n8n.Error
	if !errors.As(err, &e) || !errors.Is(err, n8n.ErrUnavailable) || e.Attempts != 1 || e.Status != 0 {
		t.Fatalf("got %v, want unavailable without an answer after 1 attempt", err)
	}
	if srv.Requests() != 1 {
		t.Errorf("%d requests, want 1", srv.Requests())
	}
}

func TestRefusedConnectionIsUnavailable(t *testing.T) {
	srv := n8ntest.New()
	url, key := srv.URL, srv.APIKey
	srv.Close()
	c := n8n.New(url, key, n8n.WithRetryPolicy(fastRetry))
	_, err := c.GetWorkflow(context.Background(), "x")
	var e *n8n.Error
	if !errors.As(err, &e) || !errors.Is(err, n8n.ErrUnavailable) || e.Attempts != 4 {
		t.Fatalf("got %v, want unavailable after 4 attempts", err)
	}
}

// countingTransport records the most requests it saw in flight at once.
type countingTransport struct {
	now, max atomic.Int32
}

func (c *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	n := c.now.Add(1)
	defer c.now.Add(-1)
	for {
		m := c.max.Load()
		if n <= m || c.max.CompareAndSwap(m, n) {
			break
		}
	}
	return http.DefaultTransport.RoundTrip(r)
}

func TestLatencyWithMaxInFlight(t *testing.T) {
	ct := &countingTransport{}
	srv, c, id := faulty(t, n8n.WithMaxInFlight(2), n8n.WithHTTPClient(&http.Client{Transport: ct}))
	srv.SetLatency(30 * time.Millisecond)
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for range 8 {
		wg.Go(func() {
			_, err := c.GetWorkflow(context.Background(), id)
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if got := ct.max.Load(); got != 2 {
		t.Errorf("%d requests in flight at most, want 2", got)
	}
}

func TestLatencyBeyondAttemptTimeoutIsRetriedThenUnavailable(t *testing.T) {
	srv, c, id := faulty(t, n8n.WithAttemptTimeout(20*time.Millisecond))
	srv.SetLatency(time.Second)
	_, err := c.GetWorkflow(context.Background(), id)
	var e *n8n.Error
	if !errors.As(err, &e) || !errors.Is(err, n8n.ErrUnavailable) || e.Attempts != 4 {
		t.Fatalf("got %v, want unavailable after 4 slow attempts", err)
	}
}

func TestKeyNeverInErrorsLogsOrPrints(t *testing.T) {
	srv := n8ntest.New()
	defer srv.Close()
	var logs bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	good := srv.Client(n8n.WithLogger(log), n8n.WithRetryPolicy(fastRetry), n8n.WithAttemptTimeout(50*time.Millisecond))
	bad := n8n.New(srv.URL, "wrong-"+srv.APIKey, n8n.WithLogger(log))
	var errs []error
	_, err := bad.GetWorkflow(context.Background(), "x")
	if !errors.Is(err, n8n.ErrUnauthorized) {
		t.Fatalf("bad key: %v", err)
	}
	errs = append(errs, err)
	srv.FailNext(4, 502)
	_, err = good.GetWorkflow(context.Background(), "x")
	errs = append(errs, err)
	srv.HangNext(4)
	_, err = good.ListWorkflows(context.Background(), n8n.WorkflowFilter{}, "")
	errs = append(errs, err)
	srv.CloseNext(1)
	_, err = good.CreateWorkflow(context.Background(), noopWorkflow("x"))
	errs = append(errs, err)
	printed := fmt.Sprintf("%v %+v %#v %s %v", good, *good, good, good, slog.AnyValue(good))
	for _, e := range errs {
		if e == nil {
			t.Fatal("expected a failure")
		}
		printed += e.Error() + fmt.Sprintf("%#v", e)
	}
	for where, text := range map[string]string{"errors and prints": printed, "logs": logs.String()} {
		if strings.Contains(text, srv.APIKey) {
			t.Errorf("the API key appears in %s", where)
		}
	}
	if !strings.Contains(logs.String(), "/api/v1/workflows") {
		t.Errorf("logs should name the calls: %q", logs.String())
	}
}
