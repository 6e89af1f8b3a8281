package n8ntest_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/godmode-console/godmode/n8n"
	"github.com/godmode-console/godmode/n8n/n8ntest"
)

func knobWorkflow() n8n.Workflow {
	return n8n.Workflow{Name: "seeded", Connections: json.RawMessage(`{}`),
		Nodes: []n8n.Node{{Name: "Start", Type: "n8n-nodes-base.manualTrigger", TypeVersion: 1, Position: []float64{0, 0}, Parameters: json.RawMessage(`{}`)}}}
}

// Two servers with the same id seed give out the same workflow ids, in
// the same order; without a seed they differ, as n8n's do.
func TestWithIDSeedRepeatsTheIDs(t *testing.T) {
	ids := func(opts ...n8ntest.Option) []string {
		s := n8ntest.New(opts...)
		defer s.Close()
		var out []string
		for range 3 {
			wf, err := s.AddWorkflow(knobWorkflow())
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, wf.ID)
		}
		return out
	}
	a, b := ids(n8ntest.WithIDSeed(7)), ids(n8ntest.WithIDSeed(7))
	for i := range a {
		if a[i] != b[i] || len(a[i]) != 16 {
			t.Fatalf("seeded ids differ or are not n8n-shaped: %v and %v", a, b)
		}
	}
	if c := ids(n8ntest.WithIDSeed(8)); c[0] == a[0] {
		t.Errorf("another seed gave the same first id %s", c[0])
	}
	if r1, r2 := ids(), ids(); r1[0] == r2[0] {
		t.Errorf("unseeded servers gave the same id %s", r1[0])
	}
}

// A recorded execution is what a GET with data answers, under the
// simulated execution's id and workflow; the summary and lists are the
// simulator's; a body that is not JSON is served as it is.
func TestSetExecutionDataServesTheRecording(t *testing.T) {
	s := n8ntest.New()
	defer s.Close()
	wf, err := s.AddWorkflow(knobWorkflow())
	if err != nil {
		t.Fatal(err)
	}
	e, err := s.AddExecution(n8ntest.ExecutionSpec{WorkflowID: wf.ID})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SetExecutionData(e.ID, []byte(`{"id":"5","workflowId":"elsewhere","data":{"resultData":{"runData":{"Recorded":[]}}}}`)); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	raw, err := s.Client().GetExecution(ctx, e.ID, true)
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		ID, WorkflowID string
		Data           struct {
			ResultData struct {
				RunData map[string]any
			}
		}
	}
	if err := json.Unmarshal(raw, &got); err != nil {
		t.Fatal(err)
	}
	if got.ID != e.ID || got.WorkflowID != wf.ID || got.Data.ResultData.RunData["Recorded"] == nil {
		t.Errorf("GET with data answered %s", raw)
	}
	if info, err := s.Client().GetExecutionInfo(ctx, e.ID); err != nil || info.WorkflowID != wf.ID {
		t.Errorf("the summary should stay the simulator's: %+v %v", info, err)
	}
	if err := s.SetExecutionData(e.ID, []byte(`{"id":`)); err != nil {
		t.Fatal(err)
	}
	if raw, _ := s.Client().GetExecution(ctx, e.ID, true); string(raw) != `{"id":` {
		t.Errorf("a broken body was rewritten: %q", raw)
	}
	if err := s.SetExecutionData("999", []byte(`{}`)); err == nil {
		t.Error("data for an execution that does not exist was accepted")
	}
}

// FailNextWrite fails the next change and lets reads through, so a test
// can fail a toggle while the reads around it go on.
func TestFailNextWriteLetsReadsThrough(t *testing.T) {
	s := n8ntest.New()
	defer s.Close()
	wf, err := s.AddWorkflow(n8n.Workflow{Name: "scheduled", Connections: json.RawMessage(`{}`),
		Nodes: []n8n.Node{{Name: "Every 5 minutes", Type: "n8n-nodes-base.scheduleTrigger", TypeVersion: 1.2, Position: []float64{0, 0},
			Parameters: json.RawMessage(`{"rule":{"interval":[{"field":"minutes","minutesInterval":5}]}}`)}}})
	if err != nil {
		t.Fatal(err)
	}
	c := s.Client(n8n.WithRetryPolicy(n8n.RetryPolicy{MaxAttempts: 1}))
	ctx := context.Background()
	s.FailNextWrite(1, 500)
	if _, err := c.GetWorkflow(ctx, wf.ID); err != nil {
		t.Fatalf("a read after FailNextWrite: %v", err)
	}
	if _, err := c.Activate(ctx, wf.ID); err == nil {
		t.Fatal("the write after FailNextWrite was not failed")
	}
	if _, err := c.Activate(ctx, wf.ID); err != nil {
		t.Fatalf("the second write: %v", err)
	}
}
