package forensics

import (
	"strings"

	"github.com/tidwall/gjson"
)

// Links between executions: the sub-execution a node called, the parent
// that called this one, the failed execution an Error Trigger reports.

// errorTriggerType is the node that starts an error workflow.
const errorTriggerType = "n8n-nodes-base.errorTrigger"

// maxLinkID bounds an id read from a link. n8n's execution ids are
// decimal numbers and its workflow ids short alphanumeric strings.
const maxLinkID = 64

// linkID reads an execution or workflow id. n8n writes them as strings;
// an integer is taken as written. Anything else, or an id with characters
// no n8n id has, gives "": such a link would lead nowhere (or somewhere it
// should not, once put into a URL), so it is not offered.
func linkID(v gjson.Result) string {
	var s string
	switch v.Type {
	case gjson.String:
		s = v.Str
	case gjson.Number:
		s = v.Raw
	default:
		return ""
	}
	if s == "" || len(s) > maxLinkID {
		return ""
	}
	for _, c := range []byte(s) {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c == '-') {
			return ""
		}
	}
	return s
}

// relatedExecution reads n8n's RelatedExecution ({executionId,
// workflowId}), or nil when it names no execution.
func relatedExecution(v gjson.Result) *ExecutionLink {
	if !v.IsObject() {
		return nil
	}
	id := linkID(v.Get("executionId"))
	if id == "" {
		return nil
	}
	return &ExecutionLink{ExecutionID: id, WorkflowID: linkID(v.Get("workflowId"))}
}

// errorLink reads the sub-execution an Execute Workflow node's error
// names. n8n copies the failed sub-execution's executionId and workflowId
// onto the error it throws in the parent; when that error was rebuilt as a
// NodeOperationError, the sub-execution's own error (with them and with
// its failed node) is kept as errorResponse.
func errorLink(raw gjson.Result, caller string) *ExecutionLink {
	if !raw.IsObject() {
		return nil
	}
	for _, at := range []string{"", "errorResponse", "cause"} {
		v := raw
		if at != "" {
			v = raw.Get(at)
		}
		if l := relatedExecution(v); l != nil {
			l.FailedNode = failedNodeOf(v, caller)
			if l.FailedNode == "" && at == "" {
				l.FailedNode = failedNodeOf(raw.Get("errorResponse"), caller)
			}
			return l
		}
	}
	if l := relatedExecution(raw.Get("metadata.subExecution")); l != nil {
		l.FailedNode = failedNodeOf(raw, caller)
		return l
	}
	return nil
}

// failedNodeOf is the node an error names, unless it is the calling node
// itself (the parent's error names its own Execute Workflow node).
func failedNodeOf(v gjson.Result, caller string) string {
	if !v.IsObject() {
		return ""
	}
	n := v.Get("node")
	name := n.String()
	if n.IsObject() {
		name = n.Get("name").String()
	} else if n.Type != gjson.String {
		return ""
	}
	if name == caller {
		return ""
	}
	return name
}

// callsWorkflows says whether a node type runs other workflows, so its
// output items may name the sub-executions they came from.
func callsWorkflows(typ string) bool {
	return strings.HasSuffix(typ, ".executeWorkflow") || strings.HasSuffix(typ, ".toolWorkflow")
}

// SubExecutionOf is the sub-execution run i of the timeline called, or
// nil. For a failed run it is the one its error names (the sub-execution
// that failed); otherwise the run's metadata.subExecution, or, for a node
// that called one sub-execution per item, the first item's.
func (e *Execution) SubExecutionOf(i int) *ExecutionLink {
	tl := e.Timeline()
	if i < 0 || i >= len(tl) {
		return nil
	}
	r := tl[i]
	var l *ExecutionLink
	if r.Error != nil {
		l = errorLink(r.Error.raw, r.Node)
	}
	if l == nil {
		l = relatedExecution(r.metadata.Get("subExecution"))
	}
	if l == nil && callsWorkflows(r.NodeType) {
		outputConn(r.run).ForEach(func(_, items gjson.Result) bool {
			l = relatedExecution(items.Get("0.metadata.subExecution"))
			return l == nil
		})
	}
	if l == nil {
		return nil
	}
	l.Kind, l.Node = LinkSub, r.Node
	return l
}

// failureSub is the sub-execution whose failure made f fail, or nil: the
// one its error names, or else the one the failed run's metadata names.
func (e *Execution) failureSub(f *Failure) *ExecutionLink {
	if l := errorLink(f.Error.raw, f.Node); l != nil {
		l.Kind, l.Node = LinkSub, f.Node
		return l
	}
	if f.Ran && e.timeline[f.Run].Status == "error" {
		return e.SubExecutionOf(f.Run)
	}
	return nil
}

// Parent is the execution that called or caused this one (a parent
// workflow, or the failed execution an Error Trigger reports), or nil.
//
// A sub-execution (mode integrated) names its parent in
// data.parentExecution. An execution of an error workflow starts at an
// Error Trigger whose item names the failed execution and its workflow;
// in a manual run the trigger emits n8n's example data instead, which
// names no real execution, so a manual execution has no such link.
func (e *Execution) Parent() *ExecutionLink {
	if l := relatedExecution(e.at(e.lm.data, "parentExecution")); l != nil {
		l.Kind = LinkParent
		return l
	}
	if e.Mode == "manual" {
		return nil
	}
	for _, r := range e.Timeline() {
		if r.NodeType != errorTriggerType {
			continue
		}
		item := outputConn(r.run).Get("0.0.json")
		ex := item.Get("execution")
		id := linkID(ex.Get("id"))
		if id == "" {
			return nil // a trigger's failure ({"trigger": …}) has no execution
		}
		wf := item.Get("workflow")
		l := &ExecutionLink{Kind: LinkErrorTrigger, ExecutionID: id, WorkflowID: linkID(wf.Get("id")),
			WorkflowName: wf.Get("name").String()}
		exErr := ex.Get("error")
		l.Node = failedNodeOf(exErr, "")
		if l.Node == "" {
			l.Node = ex.Get("lastNodeExecuted").String()
		}
		l.Message = exErr.Get("message").String()
		return l
	}
	return nil
}
