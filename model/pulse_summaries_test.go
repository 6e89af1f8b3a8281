package model_test

import (
	"os"
	"strings"
	"testing"

	"github.com/godmode-console/godmode/model"
	"github.com/godmode-console/godmode/n8n"
	"github.com/godmode-console/godmode/n8n/n8ntest"
)

// summary is a failure_summaries row as the tests read it.
type summary struct {
	Execution, Kind, Node, NodeType, Class, Message, Raw string
	Items                                                int
}

func (w *world) summaries() map[string]summary {
	w.t.Helper()
	rows, err := w.store.Pool().Query(w.ctx, `SELECT n8n_execution_id, kind, node, node_type, error_class, message, raw_message, items
		FROM failure_summaries`)
	if err != nil {
		w.t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]summary{}
	for rows.Next() {
		var s summary
		if err := rows.Scan(&s.Execution, &s.Kind, &s.Node, &s.NodeType, &s.Class, &s.Message, &s.Raw, &s.Items); err != nil {
			w.t.Fatal(err)
		}
		out[s.Execution] = s
	}
	return out
}

func (w *world) execution(spec n8ntest.ExecutionSpec) n8n.Execution {
	w.t.Helper()
	e, err := w.n8n.AddExecution(spec)
	if err != nil {
		w.t.Fatal(err)
	}
	return e
}

// A success whose node continued on failure is a soft failure in the
// pulse; failed executions are summarised by node, type, class and
// message; an execution whose data cannot be read gets a summary saying
// so instead of blocking the queue; nothing of the items is kept.
func TestSummariesOfFailuresSwallowedErrorsAndUnreadableData(t *testing.T) {
	w := newWorld(t)
	camp, failed := w.failingCampaign(w.ws, "Email 1")
	calm := w.campaign("Email 2", true)
	soft := w.execution(n8ntest.ExecutionSpec{WorkflowID: calm.N8nWorkflowID})
	recorded, err := os.ReadFile("../forensics/testdata/execution-soft-failure-merge.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := w.n8n.SetExecutionData(soft.ID, recorded); err != nil {
		t.Fatal(err)
	}
	clean := w.execution(n8ntest.ExecutionSpec{WorkflowID: calm.N8nWorkflowID})
	broken := w.execution(n8ntest.ExecutionSpec{WorkflowID: camp.N8nWorkflowID, Status: n8n.StatusError, FailAt: "Send",
		Message: "SMTP 550: mailbox unavailable"})
	if err := w.n8n.SetExecutionData(broken.ID, []byte(`{"id":"`+broken.ID+`","data":{"resultData":`)); err != nil {
		t.Fatal(err)
	}
	big := w.execution(n8ntest.ExecutionSpec{WorkflowID: camp.N8nWorkflowID, Status: n8n.StatusError, FailAt: "Send",
		Message: "SMTP 550: mailbox unavailable", Items: []map[string]any{{"email": "lead-secret@example.com", "note": strings.Repeat("x", 40000)}}})
	s := w.syncer("runner", model.SyncOptions{SummaryMaxBytes: 30000})
	rep := w.cycle(s)
	if rep.Summaries.Calls != 5 || rep.Summaries.Pending != 0 || rep.Summaries.Summarised != 4 {
		t.Fatalf("cycle: %+v; want 5 calls (3 failures, then the 2 successes), 4 summaries, nothing pending", rep.Summaries)
	}
	got := w.summaries()
	if f := got[failed.ID]; f.Kind != "failed" || f.Node != "Send" || f.NodeType != "n8n-nodes-base.code" || f.Class != "NodeOperationError" ||
		f.Raw != "SMTP 550: mailbox unavailable" || f.Message != "SMTP 550: mailbox unavailable" {
		t.Errorf("the failed execution: %+v", f)
	}
	if f := got[soft.ID]; f.Kind != "swallowed" || f.Node != "Fetch Profile" || f.NodeType != "n8n-nodes-base.httpRequest" ||
		f.Raw != "connect ECONNREFUSED 127.0.0.1:1" || f.Items != 1 {
		t.Errorf("the success with a swallowed error: %+v", f)
	}
	if _, ok := got[clean.ID]; ok {
		t.Errorf("a clean success got a summary: %+v", got[clean.ID])
	}
	if f := got[broken.ID]; f.Kind != "unreadable" || !strings.Contains(f.Raw, "not a readable execution") {
		t.Errorf("the execution whose data is broken: %+v", f)
	}
	if f := got[big.ID]; f.Kind != "unreadable" || !strings.Contains(f.Raw, "over the 29 KB the summariser reads") {
		t.Errorf("the execution whose data is too big: %+v", f)
	}
	var leaked int
	w.store.Pool().QueryRow(w.ctx, `SELECT count(*) FROM failure_summaries f WHERE f::text LIKE '%lead-secret%' OR f::text LIKE '%lead@example.com%'`).Scan(&leaked)
	if leaked != 0 {
		t.Errorf("%d summaries hold item data", leaked)
	}
	p := w.pulse(w.super)
	if d := p.Fleet.Day; d.Soft != 1 || d.OK != 1 || d.Error != 3 {
		t.Errorf("fleet's 24 hours: %+v; want 1 ok, 1 soft-failed, 3 errors", d)
	}
	kinds := map[string]int{}
	for _, g := range p.Groups {
		kinds[g.Kind] += g.Executions
	}
	if kinds["failed"] != 1 || kinds["swallowed"] != 1 || kinds["unreadable"] != 2 {
		t.Errorf("groups by kind: %v", kinds)
	}
	// Nothing is fetched again.
	if rep := w.cycle(s); rep.Summaries.Calls != 0 {
		t.Errorf("a second cycle made %d summary calls", rep.Summaries.Calls)
	}
}

// An execution deleted in n8n before its data was read is summarised as
// gone, not retried forever; with summaries off nothing is fetched.
func TestSummaryOfAFailureGoneFromN8n(t *testing.T) {
	w := newWorld(t)
	_, failed := w.failingCampaign(w.ws, "Email 1")
	off := w.syncer("off", model.SyncOptions{FailureSummaries: -1})
	if rep := w.cycle(off); rep.Summaries.Calls != 0 || rep.Summaries.Budget != 0 || rep.Summaries.Pending != 1 {
		t.Fatalf("with summaries off: %+v; want no call, budget 0, 1 pending", rep.Summaries)
	}
	off.Close()
	if err := w.n8n.Client().DeleteExecution(w.ctx, failed.ID); err != nil {
		t.Fatal(err)
	}
	on := w.syncer("on", model.SyncOptions{})
	rep := w.cycle(on)
	if rep.Summaries.Calls != 1 || rep.Summaries.Pending != 0 || rep.Summaries.Budget != model.DefaultFailureSummaries {
		t.Fatalf("cycle: %+v; want the pending one tried once, default budget", rep.Summaries)
	}
	if f := w.summaries()[failed.ID]; f.Kind != "unreadable" || !strings.Contains(f.Raw, "gone from n8n") {
		t.Errorf("summary of the deleted execution: %+v", f)
	}
}
