package forensics

import (
	"sort"
	"time"

	"github.com/tidwall/gjson"
)

// Run is one run of one node, as the timeline lists it.
type Run struct {
	Node           string
	NodeType       string // from the workflow snapshot; "" when the node is not in it
	RunIndex       int    // 0-based run of this node (nodes in loops run several times)
	RunCount       int    // how many runs this node had
	ExecutionIndex int    // n8n's order of runs within one attempt; -1 when n8n did not record it
	Start          time.Time
	Duration       time.Duration
	Status         string // executionStatus: success, error, waiting, …
	ItemsIn        int    // items the run received through its sources
	ItemsOut       int    // items over all its outputs
	OutputItems    []int  // items per output (an IF node has two)
	Sources        []Source
	Error          *NodeError // nil unless the run failed

	run      gjson.Result // the run object
	metadata gjson.Result // its metadata (subExecution, …), noted on the way through its members
}

// Source is where one input of a run came from: output Output of run Run of
// node Node (n8n's previousNode, previousNodeOutput, previousNodeRun).
type Source struct {
	Node   string
	Output int
	Run    int
}

// NodeError is n8n's error object, reduced to what a person reads first.
type NodeError struct {
	Message     string
	Description string
	Name        string   // NodeApiError, NodeOperationError, … ("" when n8n did not say)
	HTTPCode    string   // "429"; "" when not an HTTP error
	LineNumber  int      // Code nodes: the failing line; 0 when unknown
	Node        string   // the node the error names
	Messages    []string // further messages n8n attached
	Timestamp   time.Time

	raw gjson.Result
}

// Timeline lists every node run in execution order. It is empty when the
// execution was saved without data (see HasRunData).
func (e *Execution) Timeline() []Run {
	if e.timeline != nil || !e.hasRunData {
		return e.timeline
	}
	nodes := e.workflowNodes()
	runs := []Run{}
	e.runData.ForEach(func(name, list gjson.Result) bool {
		first := len(runs)
		i := 0
		list.ForEach(func(_, r gjson.Result) bool {
			run := readRun(r)
			run.Node, run.RunIndex = name.String(), i
			run.NodeType = nodes[run.Node].typ
			runs = append(runs, run)
			i++
			return true
		})
		for j := first; j < len(runs); j++ {
			runs[j].RunCount = i
		}
		return true
	})
	// Start times (ms) order the runs; executionIndex breaks ties between
	// runs started in the same millisecond. executionIndex alone is not an
	// order: a retry keeps the runs it reuses with their old indexes and
	// numbers its own runs from 0 again (see execution-retry-of-2.json).
	sort.SliceStable(runs, func(a, b int) bool {
		ra, rb := runs[a], runs[b]
		if !ra.Start.Equal(rb.Start) {
			return ra.Start.Before(rb.Start)
		}
		return ra.ExecutionIndex < rb.ExecutionIndex
	})
	e.byNode = map[string][]int{}
	for i, r := range runs {
		idx := e.byNode[r.Node]
		if idx == nil {
			idx = make([]int, r.RunCount)
		}
		idx[r.RunIndex] = i
		e.byNode[r.Node] = idx
	}
	for i := range runs {
		runs[i].ItemsIn = 0
		for _, s := range runs[i].Sources {
			if j, ok := e.runOf(s.Node, s.Run); ok && s.Output < len(runs[j].OutputItems) {
				runs[i].ItemsIn += runs[j].OutputItems[s.Output]
			}
		}
	}
	e.timeline = runs
	return runs
}

// runOf finds the timeline position of run i of node.
func (e *Execution) runOf(node string, i int) (int, bool) {
	idx := e.byNode[node]
	if i < 0 || i >= len(idx) {
		return 0, false
	}
	return idx[i], true
}

// RunsOf returns the runs of one node, in run order.
func (e *Execution) RunsOf(node string) []Run {
	tl := e.Timeline()
	var out []Run
	for _, i := range e.byNode[node] {
		out = append(out, tl[i])
	}
	return out
}

func readRun(r gjson.Result) Run {
	run := Run{ExecutionIndex: -1, run: r}
	var startMs int64
	r.ForEach(func(k, v gjson.Result) bool {
		switch k.Str {
		case "startTime":
			startMs = v.Int()
			run.Start = time.UnixMilli(startMs).UTC()
		case "executionTime":
			run.Duration = time.Duration(v.Int()) * time.Millisecond
		case "executionIndex":
			run.ExecutionIndex = int(v.Int())
		case "executionStatus":
			run.Status = v.String()
		case "source":
			v.ForEach(func(_, s gjson.Result) bool {
				if !s.IsObject() {
					return true // n8n writes null for an input that got nothing
				}
				src := s.Get("previousNode")
				run.Sources = append(run.Sources, Source{
					Node:   src.String(),
					Output: int(s.Get("previousNodeOutput").Int()),
					Run:    int(s.Get("previousNodeRun").Int()),
				})
				return true
			})
		case "data":
			run.OutputItems = countOutputs(v)
		case "error":
			if v.IsObject() {
				run.Error = readError(v)
			}
		case "metadata":
			run.metadata = v
		}
		return true
	})
	for _, n := range run.OutputItems {
		run.ItemsOut += n
	}
	if run.Status == "" { // older n8n: no executionStatus
		run.Status = "success"
		if run.Error != nil {
			run.Status = "error"
		}
	}
	return run
}

// countOutputs counts the items of each output of the main connection (or of
// the first connection type when a node, e.g. an AI sub-node, has no main).
func countOutputs(data gjson.Result) []int {
	conn := data.Get("main")
	if !conn.Exists() {
		data.ForEach(func(_, v gjson.Result) bool { conn = v; return false })
	}
	var out []int
	conn.ForEach(func(_, items gjson.Result) bool {
		out = append(out, int(items.Get("#").Int()))
		return true
	})
	return out
}

func readError(v gjson.Result) *NodeError {
	ne := &NodeError{raw: v}
	v.ForEach(func(k, f gjson.Result) bool {
		switch k.Str {
		case "message":
			ne.Message = f.String()
		case "description":
			if f.Type == gjson.String {
				ne.Description = f.Str
			}
		case "name":
			ne.Name = f.String()
		case "httpCode":
			if f.Type != gjson.Null {
				ne.HTTPCode = f.String()
			}
		case "lineNumber":
			ne.LineNumber = int(f.Int())
		case "node":
			ne.Node = f.Get("name").String()
		case "messages":
			f.ForEach(func(_, m gjson.Result) bool {
				ne.Messages = append(ne.Messages, m.String())
				return true
			})
		case "timestamp":
			if ms := f.Int(); ms > 0 {
				ne.Timestamp = time.UnixMilli(ms).UTC()
			}
		}
		return true
	})
	return ne
}
