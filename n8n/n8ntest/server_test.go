package n8ntest_test

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/godmode-console/godmode/n8n"
	"github.com/godmode-console/godmode/n8n/n8ntest"
)

// fixtureWorkflow loads one of the real workflows in ../testdata.
func fixtureWorkflow(t *testing.T, name string) n8n.Workflow {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	var w n8n.Workflow
	if err := json.Unmarshal(b, &w); err != nil {
		t.Fatal(err)
	}
	w.Active = false
	return w
}

type runSummary struct {
	Index  int
	Source []map[string]any
	Status string
	Outs   []int
}

// runShape reduces an execution's runData to what the forensics timeline
// reads: order, sources, statuses and item counts per output.
func runShape(t *testing.T, raw []byte) (map[string][]runSummary, string) {
	t.Helper()
	var doc struct {
		Data struct {
			ResultData struct {
				RunData map[string][]struct {
					ExecutionIndex  int              `json:"executionIndex"`
					Source          []map[string]any `json:"source"`
					ExecutionStatus string           `json:"executionStatus"`
					Data            struct {
						Main [][]json.RawMessage `json:"main"`
					} `json:"data"`
				} `json:"runData"`
				LastNodeExecuted string `json:"lastNodeExecuted"`
			} `json:"resultData"`
		} `json:"data"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	out := map[string][]runSummary{}
	for node, runs := range doc.Data.ResultData.RunData {
		for _, r := range runs {
			s := runSummary{Index: r.ExecutionIndex, Source: r.Source, Status: r.ExecutionStatus}
			for _, o := range r.Data.Main {
				s.Outs = append(s.Outs, len(o))
			}
			out[node] = append(out[node], s)
		}
	}
	return out, doc.Data.ResultData.LastNodeExecuted
}

func TestLoopExecutionHasTheRealShape(t *testing.T) {
	srv := n8ntest.New()
	defer srv.Close()
	w, err := srv.AddWorkflow(fixtureWorkflow(t, "workflow-ohio-reply-tracker.json"))
	if err != nil {
		t.Fatal(err)
	}
	// The real run fetched 45 replies; the simulator passes items through,
	// so 45 items enter at the trigger.
	items := make([]map[string]any, 45)
	for i := range items {
		items[i] = map[string]any{"reply": i}
	}
	e, err := srv.AddExecution(n8ntest.ExecutionSpec{WorkflowID: w.ID, Items: items})
	if err != nil {
		t.Fatal(err)
	}
	raw, err := srv.Client().GetExecution(context.Background(), e.ID, true)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := runShape(t, raw)
	real, err := os.ReadFile(filepath.Join("..", "testdata", "execution-success-loop.json"))
	if err != nil {
		t.Fatal(err)
	}
	want, _ := runShape(t, real)
	for node, runs := range want {
		g := got[node]
		if len(g) != len(runs) {
			t.Errorf("%s ran %d times, want %d", node, len(g), len(runs))
			continue
		}
		for i := range runs {
			if node == "Webhook" || node == "Fetch Replies" || node == "Summarize" {
				// Item counts out of the trigger and of Code nodes differ:
				// the simulator does not run JavaScript, it passes items on.
				g[i].Outs, runs[i].Outs = nil, nil
			}
			gj, _ := json.Marshal(g[i])
			wj, _ := json.Marshal(runs[i])
			if string(gj) != string(wj) {
				t.Errorf("%s run %d: %s, want %s", node, i, gj, wj)
			}
		}
	}
}

func TestErrorAtNodeWithHTTPCodeAndBinary(t *testing.T) {
	srv := n8ntest.New()
	defer srv.Close()
	w, err := srv.AddWorkflow(fixtureWorkflow(t, "workflow-texas-openai-agent.json"))
	if err != nil {
		t.Fatal(err)
	}
	e, err := srv.AddExecution(n8ntest.ExecutionSpec{WorkflowID: w.ID, Status: n8n.StatusError, FailAt: "OpenAI Agent",
		Message: "Rate limit reached", HTTPCode: "429", Binary: true})
	if err != nil {
		t.Fatal(err)
	}
	if e.Status != n8n.StatusError || e.Finished {
		t.Fatalf("execution %+v", e)
	}
	raw, err := srv.Client().GetExecution(context.Background(), e.ID, true)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Data struct {
			ResultData struct {
				Error struct {
					Name     string `json:"name"`
					HTTPCode string `json:"httpCode"`
					Node     struct {
						Name string `json:"name"`
					} `json:"node"`
				} `json:"error"`
				LastNodeExecuted string `json:"lastNodeExecuted"`
				RunData          map[string][]struct {
					Data struct {
						Main [][]struct {
							Binary map[string]struct {
								MimeType string `json:"mimeType"`
								Data     string `json:"data"`
							} `json:"binary"`
						} `json:"main"`
					} `json:"data"`
				} `json:"runData"`
			} `json:"resultData"`
		} `json:"data"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	rd := doc.Data.ResultData
	if rd.Error.Name != "NodeApiError" || rd.Error.HTTPCode != "429" || rd.Error.Node.Name != "OpenAI Agent" || rd.LastNodeExecuted != "OpenAI Agent" {
		t.Errorf("error %+v, last node %q", rd.Error, rd.LastNodeExecuted)
	}
	carried := 0
	for _, runs := range rd.RunData {
		for _, r := range runs {
			for _, out := range r.Data.Main {
				for _, item := range out {
					if item.Binary["data"].MimeType == "application/pdf" && item.Binary["data"].Data != "" {
						carried++
					}
				}
			}
		}
	}
	if carried < 2 {
		t.Errorf("binary carried through %d node outputs, want it on every node before the failure", carried)
	}
}

func TestWaitingExecutionReadableButNotListed(t *testing.T) {
	srv := n8ntest.New()
	defer srv.Close()
	w, err := srv.AddWorkflow(fixtureWorkflow(t, "workflow-ohio-follow-up-wait.json"))
	if err != nil {
		t.Fatal(err)
	}
	e, err := srv.AddExecution(n8ntest.ExecutionSpec{WorkflowID: w.ID, Status: n8n.StatusWaiting})
	if err != nil {
		t.Fatal(err)
	}
	c := srv.Client()
	got, err := c.GetExecutionInfo(context.Background(), e.ID)
	if err != nil || got.Status != n8n.StatusWaiting || got.WaitTill == nil || got.WaitTill.Sub(got.StartedAt).Hours() != 72 {
		t.Fatalf("waiting execution: %v %+v", err, got)
	}
	p, err := c.ListExecutions(context.Background(), n8n.ExecutionFilter{}, "")
	if err != nil || len(p.Data) != 0 {
		t.Errorf("list shows %d executions (%v), want none", len(p.Data), err)
	}
	if _, err := srv.AddExecution(n8ntest.ExecutionSpec{WorkflowID: w.ID, Status: n8n.StatusError, FailAt: "Nope"}); err == nil {
		t.Error("an error at a node that never runs must be refused")
	}
}

func TestDriftInsideN8nIsSeenByTheClient(t *testing.T) {
	srv := n8ntest.New()
	defer srv.Close()
	ctx := context.Background()
	c := srv.Client()
	w, err := srv.AddWorkflow(fixtureWorkflow(t, "workflow-email-1-ohio.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.SetActive(w.ID, true); err != nil {
		t.Fatal(err)
	}
	if got, _ := c.GetWorkflow(ctx, w.ID); !got.Active {
		t.Error("toggle inside n8n not seen")
	}
	if err := srv.Edit(w.ID, func(x *n8n.Workflow) { x.Name = "edited in n8n" }); err != nil {
		t.Fatal(err)
	}
	got, _ := c.GetWorkflow(ctx, w.ID)
	if got.Name != "edited in n8n" || got.VersionID == w.VersionID || !got.Active {
		t.Errorf("edit inside n8n: %+v", got)
	}
	// The edited workflow still holds its webhook path.
	other := fixtureWorkflow(t, "workflow-email-1-ohio.json")
	o, err := srv.AddWorkflow(other)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Activate(ctx, o.ID); !errors.Is(err, n8n.ErrWebhookPathTaken) {
		t.Errorf("second workflow on the same path: %v", err)
	}
	if err := srv.Delete(w.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetWorkflow(ctx, w.ID); !errors.Is(err, n8n.ErrNotFound) {
		t.Errorf("deleted inside n8n: %v", err)
	}
	if _, err := c.Activate(ctx, o.ID); err != nil {
		t.Errorf("path freed by the deletion: %v", err)
	}
	if err := srv.SetActive("missing", true); !errors.Is(err, n8ntest.ErrNotFound) {
		t.Errorf("unknown id: %v", err)
	}
}

func TestExecutionsNewestFirstAcrossPages(t *testing.T) {
	srv := n8ntest.New()
	defer srv.Close()
	w, err := srv.AddWorkflow(fixtureWorkflow(t, "workflow-email-1-ohio.json"))
	if err != nil {
		t.Fatal(err)
	}
	var made []string
	for i := range 7 {
		spec := n8ntest.ExecutionSpec{WorkflowID: w.ID, Items: []map[string]any{{"email": "ok@example.com"}}}
		if i%2 == 1 {
			spec.Items = []map[string]any{{"email": "bounce@target.com"}} // the fixture's Code node throws for these
			spec.Status = n8n.StatusError
		}
		e, err := srv.AddExecution(spec)
		if err != nil {
			t.Fatal(err)
		}
		made = append(made, e.ID)
	}
	var listed []string
	for e, err := range srv.Client().Executions(context.Background(), n8n.ExecutionFilter{WorkflowID: w.ID, Limit: 3}) {
		if err != nil {
			t.Fatal(err)
		}
		listed = append(listed, e.ID)
	}
	slices.Reverse(made)
	if !slices.Equal(listed, made) {
		t.Errorf("listed %v, want %v", listed, made)
	}
	srv.ResetRequests()
	var errs int
	for e, err := range srv.Client().Executions(context.Background(), n8n.ExecutionFilter{WorkflowID: w.ID, Status: n8n.StatusError}) {
		if err != nil || e.Status != n8n.StatusError {
			t.Fatalf("%v %+v", err, e)
		}
		errs++
	}
	if errs != 3 || srv.Requests() != 1 {
		t.Errorf("%d failed executions in %d requests, want 3 in 1", errs, srv.Requests())
	}
}
