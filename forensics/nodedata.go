package forensics

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"

	"github.com/tidwall/gjson"
)

// ErrNoData is wrapped by the errors of Input, Output and ErrorJSON when
// n8n kept nothing to show (a trigger has no input, a failed run no output).
var ErrNoData = errors.New("no data")

// Input is the items run received, found through its sources: output
// previousNodeOutput of run previousNodeRun of previousNode. With one source
// it is that JSON array of items, shared with the document (do not modify);
// with several (a Merge node) it is a new JSON array holding one array of
// items per input, in source order.
func (e *Execution) Input(run Run) ([]byte, error) {
	e.Timeline()
	switch len(run.Sources) {
	case 0:
		return nil, fmt.Errorf("input of %s: %w: the node has no source (a trigger, or a start node)", runName(run), ErrNoData)
	case 1:
		return e.InputOf(run, 0)
	}
	out := []byte{'['}
	for i := range run.Sources {
		in, err := e.InputOf(run, i)
		if err != nil {
			return nil, err
		}
		if i > 0 {
			out = append(out, ',')
		}
		out = append(out, in...)
	}
	return append(out, ']'), nil
}

// InputOf is the items of one source of run (see Input).
func (e *Execution) InputOf(run Run, source int) ([]byte, error) {
	e.Timeline()
	if source < 0 || source >= len(run.Sources) {
		return nil, fmt.Errorf("input of %s: no source %d (it has %d)", runName(run), source, len(run.Sources))
	}
	s := run.Sources[source]
	j, ok := e.runOf(s.Node, s.Run)
	if !ok {
		return nil, fmt.Errorf("input of %s: %w: %s has no run %d", runName(run), ErrNoData, s.Node, s.Run+1)
	}
	from := e.timeline[j]
	items := outputConn(from.run).Get(strconv.Itoa(s.Output))
	if !items.Exists() {
		return nil, fmt.Errorf("input of %s: %w: %s has no output %d", runName(run), ErrNoData, runName(from), s.Output)
	}
	return e.slice(items), nil
}

// Output is what run produced: the JSON array of items of its only output,
// or, for a node with several outputs (IF, Switch, Loop Over Items), the
// array of those arrays. It is shared with the document (do not modify).
func (e *Execution) Output(run Run) ([]byte, error) {
	conn := outputConn(run.run)
	if !conn.IsArray() {
		if run.Error != nil {
			return nil, fmt.Errorf("output of %s: %w: the node failed before producing any", runName(run), ErrNoData)
		}
		return nil, fmt.Errorf("output of %s: %w: n8n kept no output for this run", runName(run), ErrNoData)
	}
	if len(run.OutputItems) == 1 {
		return e.slice(conn.Get("0")), nil
	}
	return e.slice(conn), nil
}

// outputConn is the run's main connection (or its first one: AI sub-nodes
// have ai_languageModel and the like instead of main).
func outputConn(run gjson.Result) gjson.Result {
	data := run.Get("data")
	conn := data.Get("main")
	if !conn.Exists() {
		data.ForEach(func(_, v gjson.Result) bool { conn = v; return false })
	}
	return conn
}

// ErrorJSON is the whole error object of a failed run (stack, context of the
// failing request, …), shared with the document.
func (e *Execution) ErrorJSON(run Run) ([]byte, error) {
	if run.Error == nil {
		return nil, fmt.Errorf("error of %s: %w: the run did not fail", runName(run), ErrNoData)
	}
	return e.slice(run.Error.raw), nil
}

// FailureJSON is the error object a failure was read from.
func (e *Execution) FailureJSON(f *Failure) []byte {
	if f == nil {
		return nil
	}
	return e.slice(f.Error.raw)
}

// Parameters is the node's parameters object in the workflow as it ran
// (workflowData.nodes).
func (e *Execution) Parameters(node string) ([]byte, error) {
	n, ok := e.workflowNodes()[node]
	if !ok {
		return nil, fmt.Errorf("parameters of %q: %w: the node is not in the execution's workflow snapshot", node, ErrNoData)
	}
	if !n.params.Exists() {
		return []byte("{}"), nil
	}
	return e.slice(n.params), nil
}

// NodeType is the node's type in the workflow snapshot ("" if unknown).
func (e *Execution) NodeType(node string) string { return e.workflowNodes()[node].typ }

// Code is the source of a Code (or legacy Function) node.
type Code struct {
	Language    string // "javascript" or "python"
	Source      string
	FailingLine int // 1-based line the node's first failed run names; 0 if none
}

var lineSuffix = regexp.MustCompile(`\[line (\d+)\]\s*$`)

// CodeSource returns the code of a Code node, with the line its first failed
// run names (n8n's lineNumber, or the "[line N]" n8n appends to messages).
func (e *Execution) CodeSource(node string) (Code, error) {
	n, ok := e.workflowNodes()[node]
	if !ok {
		return Code{}, fmt.Errorf("code of %q: %w: the node is not in the execution's workflow snapshot", node, ErrNoData)
	}
	var c Code
	switch p := n.params; {
	case p.Get("pythonCode").Exists() && p.Get("language").String() != "javaScript":
		c = Code{Language: "python", Source: p.Get("pythonCode").String()}
	case p.Get("jsCode").Exists():
		c = Code{Language: "javascript", Source: p.Get("jsCode").String()}
	case p.Get("functionCode").Exists():
		c = Code{Language: "javascript", Source: p.Get("functionCode").String()}
	default:
		return Code{}, fmt.Errorf("code of %q: %w: a %s node has no code parameter", node, ErrNoData, n.typ)
	}
	errs := []*NodeError{}
	for _, r := range e.RunsOf(node) {
		if r.Error != nil {
			errs = append(errs, r.Error)
		}
	}
	if ee := e.executionError(); ee != nil && ee.Node == node {
		errs = append(errs, ee)
	}
	for _, ne := range errs {
		if ne.LineNumber > 0 {
			c.FailingLine = ne.LineNumber
			break
		}
		if m := lineSuffix.FindStringSubmatch(ne.Message); m != nil {
			c.FailingLine, _ = strconv.Atoi(m[1])
			break
		}
	}
	return c, nil
}

func runName(r Run) string {
	if r.RunCount > 1 {
		return fmt.Sprintf("%s (run %d of %d)", r.Node, r.RunIndex+1, r.RunCount)
	}
	return r.Node
}
