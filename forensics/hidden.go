package forensics

import (
	"fmt"

	"github.com/tidwall/gjson"
)

// What n8n hides: errors swallowed by nodes set to continue on failure,
// failures that happened in a sub-execution, and runs that are not what
// they seem (disabled nodes, pinned data, runs a retry reused).
//
// Everything here is computed on first ask, from the timeline already
// built: opening an execution costs nothing more.

// SoftFailure is an error a node swallowed: its settings continue on
// failure (onError continueRegularOutput | continueErrorOutput, or the
// legacy continueOnFail) and either its output items carry an error object
// (the node caught the error itself) or n8n kept the error on the run and
// passed the node's input through (the node threw), so the execution went
// on as if nothing happened.
type SoftFailure struct {
	Node     string
	NodeType string
	Run      int // position of the run in Timeline()
	RunIndex int // 0-based run of the node
	// Items is how many items the error concerns: the output items that
	// carry an error, or, when the node threw and n8n passed its input
	// through, the items it passed through untouched.
	Items   int
	Message string // "" when n8n recorded none

	raw gjson.Result // the error object the message was read from, if any
}

// LinkKind says how two executions are linked.
type LinkKind string

const (
	// LinkSub: this execution called the linked one (an Execute Workflow
	// node); the link names the sub-execution.
	LinkSub LinkKind = "sub"
	// LinkParent: this execution was called by the linked one (mode
	// integrated, metadata.parentExecution).
	LinkParent LinkKind = "parent"
	// LinkErrorTrigger: this execution was started by an Error Trigger
	// for the linked, failed execution.
	LinkErrorTrigger LinkKind = "error-trigger"
)

// ExecutionLink is another execution this one points to.
type ExecutionLink struct {
	Kind         LinkKind
	ExecutionID  string
	WorkflowID   string
	WorkflowName string // "" when n8n did not say
	Node         string // LinkSub: the node of this execution that called it; LinkErrorTrigger: the node that failed there, when known
	FailedNode   string // LinkSub: the sub-execution's failed node, when the error names it
	Message      string // LinkErrorTrigger: the failed execution's error message, when the trigger's item carries it
}

// RunFlags are what a run is beside its status.
type RunFlags struct {
	Disabled  bool // the node is disabled in the workflow snapshot: n8n passed its input through
	Pinned    bool // the run's output is the node's pinned data
	Reused    bool // a retry copied this run from the original execution
	SoftError bool // the run swallowed an error (it is one of SoftFailures)
}

// hiddenState is what the questions above share, computed once.
type hiddenState struct {
	soft   []SoftFailure
	softAt map[int]bool    // timeline positions of the soft failures
	pinned map[string]bool // nodes named in resultData.pinData
}

func (e *Execution) hidden() *hiddenState {
	if e.hid != nil {
		return e.hid
	}
	h := &hiddenState{softAt: map[int]bool{}, pinned: map[string]bool{}}
	e.at(e.lm.resultData, "pinData").ForEach(func(k, _ gjson.Result) bool {
		h.pinned[k.String()] = true
		return true
	})
	tl := e.Timeline()
	nodes := e.workflowNodes()
	execErr := e.executionError()
	for i, r := range tl {
		if !nodes[r.Node].continues() || e.failedAt(r, execErr) {
			continue
		}
		if sf, ok := softFailureOf(r); ok {
			sf.Run = i
			h.soft = append(h.soft, sf)
			h.softAt[i] = true
		}
	}
	e.hid = h
	return h
}

// failedAt says whether the execution itself failed at run r: n8n's error
// for the whole execution names its node and r is that node's last run. A
// node that continues on failure can still end an execution that way, and
// then its error is the failure, not a swallowed one.
func (e *Execution) failedAt(r Run, execErr *NodeError) bool {
	return (e.Status == "error" || e.Status == "crashed") && execErr != nil &&
		execErr.Node == r.Node && r.RunIndex == r.RunCount-1
}

// swallowed says whether the error of failed run r is a soft failure
// rather than the execution's failure (FirstFailure skips those).
func (e *Execution) swallowed(r Run, execErr *NodeError) bool {
	return e.workflowNodes()[r.Node].continues() && !e.failedAt(r, execErr)
}

// softFailureOf reads the swallowed error of a run of a node that
// continues on failure, if it has one.
func softFailureOf(r Run) (SoftFailure, bool) {
	sf := SoftFailure{Node: r.Node, NodeType: r.NodeType, RunIndex: r.RunIndex}
	first := true
	outputConn(r.run).ForEach(func(_, items gjson.Result) bool {
		items.ForEach(func(_, item gjson.Result) bool {
			msg, raw, ok := itemError(item)
			if !ok {
				return true
			}
			sf.Items++
			if first {
				sf.Message, sf.raw, first = msg, raw, false
			}
			return true
		})
		return true
	})
	if r.Error != nil {
		// The node threw and n8n went on: the error is on the run, and the
		// output is the input passed through.
		sf.Message, sf.raw = r.Error.Message, r.Error.raw
		if sf.Items == 0 {
			sf.Items = r.ItemsOut
		}
		return sf, true
	}
	return sf, sf.Items > 0
}

// itemError reads the error an output item carries, the shapes n8n's own
// error output recognises: the item's error (n8n moves a node's $error
// there and writes its message to json.error), or json.error as a message
// (most nodes: {"error": "…"}) or as an object (HTTP Request: the API's
// error, with its message).
func itemError(item gjson.Result) (msg string, raw gjson.Result, ok bool) {
	if !item.IsObject() {
		return "", gjson.Result{}, false
	}
	var js, top gjson.Result
	item.ForEach(func(k, v gjson.Result) bool {
		switch k.Str {
		case "json":
			js = v
		case "error":
			top = v
		}
		return true
	})
	if top.IsObject() {
		msg = top.Get("message").String()
		if msg == "" {
			msg = js.Get("error").String()
		}
		return msg, top, true
	}
	if !js.IsObject() {
		return "", gjson.Result{}, false
	}
	switch ev := js.Get("error"); {
	case ev.Type == gjson.String && ev.Str != "":
		return ev.Str, gjson.Result{}, true
	case ev.IsObject():
		msg = ev.Get("message").String()
		if msg == "" {
			msg = js.Get("message").String()
		}
		return msg, ev, true
	}
	return "", gjson.Result{}, false
}

// SoftFailures lists the swallowed errors in timeline order.
func (e *Execution) SoftFailures() []SoftFailure { return e.hidden().soft }

// Flags says what run i of the timeline is beside its status.
func (e *Execution) Flags(i int) RunFlags {
	tl := e.Timeline()
	if i < 0 || i >= len(tl) {
		return RunFlags{}
	}
	r := tl[i]
	n := e.workflowNodes()[r.Node]
	h := e.hidden()
	return RunFlags{
		Disabled: n.disabled,
		// n8n ignores the pinned data of a disabled node.
		Pinned:    !n.disabled && h.pinned[r.Node],
		Reused:    e.reused(r),
		SoftError: h.softAt[i],
	}
}

// reused says whether a retry copied run r from the execution it retries:
// n8n keeps those runs with their old start times, from before the retry
// itself started (see execution-retry-of-2.json).
func (e *Execution) reused(r Run) bool {
	if e.RetryOf == "" && e.Mode != "retry" {
		return false
	}
	return !e.StartedAt.IsZero() && !r.Start.IsZero() && r.Start.Before(e.StartedAt)
}

// FirstProblem is where the error hunter lands: the first failure
// (FirstFailure), or, when the execution did not fail, its first
// swallowed error, with Soft set; nil when there is neither.
func (e *Execution) FirstProblem() *Failure {
	if f := e.FirstFailure(); f != nil {
		return f
	}
	soft := e.SoftFailures()
	if len(soft) == 0 {
		return nil
	}
	s := soft[0]
	f := &Failure{Node: s.Node, NodeType: s.NodeType, Ran: true, Run: s.Run, Soft: true}
	if r := e.timeline[s.Run]; r.Error != nil {
		f.Error = *r.Error
	} else if s.raw.IsObject() {
		f.Error = *readError(s.raw)
		if f.Error.Message == "" {
			f.Error.Message = s.Message
		}
	} else {
		f.Error = NodeError{Message: s.Message}
	}
	f.Sub = e.SubExecutionOf(s.Run)
	return f
}

// Verdict is the execution's outcome in a few words, e.g. "failed",
// "succeeded", "succeeded, 2 errors swallowed", "waiting". The count is of
// the runs that swallowed an error (SoftFailures), said for any outcome.
func (e *Execution) Verdict() string {
	var v string
	switch e.Status {
	case "success":
		v = "succeeded"
	case "error":
		v = "failed"
	case "crashed", "canceled", "waiting", "running":
		v = e.Status
	case "new":
		v = "not started yet"
	case "", "unknown":
		v = "outcome unknown"
	default:
		v = "status " + e.Status
	}
	switch n := len(e.SoftFailures()); n {
	case 0:
	case 1:
		v += ", 1 error swallowed"
	default:
		v += fmt.Sprintf(", %d errors swallowed", n)
	}
	return v
}
