package forensics

// What n8n hides: errors swallowed by nodes set to continue on failure,
// failures that happened in a sub-execution, and runs that are not what
// they seem (disabled nodes, pinned data, runs a retry reused).
//
// SKELETON (lead, issue 15): the types are the contract between the
// forensics core and the screens; the bodies are filled in by the core.

// SoftFailure is an error a node swallowed: its settings continue on
// failure (onError continueRegularOutput | continueErrorOutput, or the
// legacy continueOnFail) and its output items carry an error object, so
// n8n recorded the run as a success.
type SoftFailure struct {
	Node     string
	NodeType string
	Run      int // position of the run in Timeline()
	RunIndex int // 0-based run of the node
	Items    int // output items that carry an error
	Message  string
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
}

// RunFlags are what a run is beside its status.
type RunFlags struct {
	Disabled bool // the node is disabled in the workflow snapshot: n8n passed its input through
	Pinned   bool // the run's output is the node's pinned data
	Reused   bool // a retry copied this run from the original execution
}

// SoftFailures lists the swallowed errors in timeline order.
func (e *Execution) SoftFailures() []SoftFailure { return nil }

// Flags says what run i of the timeline is beside its status.
func (e *Execution) Flags(i int) RunFlags { return RunFlags{} }

// SubExecutionOf is the sub-execution run i of the timeline called, or nil.
func (e *Execution) SubExecutionOf(i int) *ExecutionLink { return nil }

// Parent is the execution that called or caused this one (a parent
// workflow, or the failed execution an Error Trigger reports), or nil.
func (e *Execution) Parent() *ExecutionLink { return nil }

// Verdict is the execution's outcome in a few words, e.g. "failed",
// "succeeded", "succeeded, 2 errors swallowed", "waiting".
func (e *Execution) Verdict() string { return e.Status }
