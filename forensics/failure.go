package forensics

import (
	"time"

	"github.com/tidwall/gjson"
)

// Failure is where an execution went wrong: the first failed run, or, when no
// run failed (a crash, a timeout), the execution-level error and the node it
// names.
type Failure struct {
	Node          string
	NodeType      string
	Ran           bool // the node has at least one run in the timeline
	Run           int  // position of the failed run in Timeline(); -1 when it has none
	Error         NodeError
	FromExecution bool // read from data.resultData.error rather than from a run
	// Sub is the sub-execution whose failure made this node fail (an
	// Execute Workflow node), or nil.
	Sub *ExecutionLink
	// Soft: the node swallowed this error and the execution went on (see
	// FirstProblem); FirstFailure never sets it.
	Soft bool
}

// FirstFailure finds the first failure, or nil when the execution did not
// fail. An error a node swallowed (it continues on failure, and the
// execution went on) is not a failure: see SoftFailures and FirstProblem.
func (e *Execution) FirstFailure() *Failure {
	f := e.firstFailure()
	if f != nil {
		f.Sub = e.failureSub(f)
	}
	return f
}

func (e *Execution) firstFailure() *Failure {
	tl := e.Timeline()
	execErr := e.executionError()
	for i, r := range tl {
		if r.Error == nil && r.Status != "error" {
			continue
		}
		if e.swallowed(r, execErr) {
			continue
		}
		f := &Failure{Node: r.Node, NodeType: r.NodeType, Ran: true, Run: i}
		switch {
		case r.Error != nil:
			f.Error = *r.Error
		case execErr != nil && execErr.Node == r.Node:
			f.Error, f.FromExecution = *execErr, true
		default:
			f.Error.Message = "the run ended with status " + r.Status + " and n8n recorded no error"
		}
		return f
	}
	if execErr == nil {
		if e.Status != "error" && e.Status != "crashed" {
			return nil
		}
		// n8n marked the execution failed but left no error object (a crash
		// of the worker, typically): the last node executed is the suspect.
		f := &Failure{Node: e.LastNodeExecuted, Run: -1, FromExecution: true}
		f.Error.Message = "the execution ended with status " + e.Status + " and n8n recorded no error"
		e.placeFailure(f)
		return f
	}
	f := &Failure{Node: execErr.Node, Run: -1, Error: *execErr, FromExecution: true}
	if f.Node == "" {
		f.Node = e.LastNodeExecuted
	}
	e.placeFailure(f)
	return f
}

// placeFailure links an execution-level failure to the node's last run, if it
// has any, and to its type in the workflow snapshot.
func (e *Execution) placeFailure(f *Failure) {
	if f.Node == "" {
		return
	}
	f.NodeType = e.workflowNodes()[f.Node].typ
	if idx := e.byNode[f.Node]; len(idx) > 0 {
		f.Ran, f.Run = true, idx[len(idx)-1]
	}
}

func (e *Execution) executionError() *NodeError {
	v := e.at(e.lm.resultData, "error")
	if !v.IsObject() {
		return nil
	}
	return readError(v)
}

// Wait describes a waiting execution.
type Wait struct {
	Until time.Time // zero when n8n waits for a webhook with no time limit
	Node  string
}

// Waiting says where and until when a waiting execution waits, or nil when
// it does not wait.
func (e *Execution) Waiting() *Wait {
	if e.Status != "waiting" && e.WaitTill.IsZero() {
		return nil
	}
	w := &Wait{Until: e.WaitTill, Node: e.LastNodeExecuted}
	for _, r := range e.Timeline() {
		if r.Status == "waiting" {
			w.Node = r.Node
		}
	}
	if w.Node == "" {
		w.Node = gjson.Get(e.str, "data.executionData.nodeExecutionStack.0.node.name").String()
	}
	return w
}
