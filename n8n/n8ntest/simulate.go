package n8ntest

import (
	"encoding/base64"
	"encoding/json"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/godmode-console/godmode/n8n"
)

// run describes one execution to simulate.
type run struct {
	mode     string
	trigger  string           // node to start from; "" for the first trigger
	items    []map[string]any // the trigger's output items (their json)
	failAt   string           // node forced to fail
	message  string           // its error message
	httpCode string           // set: the failure is an HTTP error (NodeApiError)
	binary   bool             // attach a PDF to every trigger item
	retryOf  string
	started  time.Time
	// parent is the calling execution of a sub-execution (mode
	// integrated): n8n's parentExecution object.
	parent map[string]any
}

type source struct {
	PreviousNode       string `json:"previousNode"`
	PreviousNodeOutput int    `json:"previousNodeOutput,omitempty"`
	PreviousNodeRun    int    `json:"previousNodeRun,omitempty"`
}

type nodeRun struct {
	StartTime       int64                         `json:"startTime"`
	ExecutionIndex  int                           `json:"executionIndex"`
	Source          []source                      `json:"source"`
	Hints           []any                         `json:"hints"`
	ExecutionTime   int                           `json:"executionTime"`
	Metadata        map[string]any                `json:"metadata,omitempty"`
	ExecutionStatus string                        `json:"executionStatus"`
	Data            map[string][][]map[string]any `json:"data,omitempty"`
	Error           map[string]any                `json:"error,omitempty"`
}

type stackEntry struct {
	Node   n8n.Node                      `json:"node"`
	Data   map[string][][]map[string]any `json:"data"`
	Source map[string][]source           `json:"source"`
}

// outcome is a simulated execution.
type outcome struct {
	status   n8n.Status
	runData  map[string][]nodeRun
	lastNode string
	err      map[string]any
	stack    []stackEntry
	waitTill *time.Time
	took     time.Duration
}

type connection struct {
	Node  string `json:"node"`
	Index int    `json:"index"`
}

var throwRE = regexp.MustCompile(`throw\s+new\s+Error\(\s*(?:"([^"]*)"|'([^']*)'|` + "`([^`]*)`" + `)\s*\)`)

// maxNodeRuns stops a workflow whose loop never ends.
const maxNodeRuns = 10000

// simEnv is what a simulation needs beyond the workflow and the run: the
// major it imitates and, for Execute Workflow nodes, a way to run the
// sub-workflow (nil: none can be called).
type simEnv struct {
	v2   bool
	call func(node n8n.Node, items []map[string]any) subResult
}

// simulate runs w the way n8n's v1 order would: depth first from the
// trigger, a node running once per batch of items it receives; a Merge
// waits for all its inputs (or, once nothing else is left to run, runs
// with those it has).
func simulate(w n8n.Workflow, r run, env simEnv) outcome {
	nodes := map[string]n8n.Node{}
	for _, n := range w.Nodes {
		nodes[n.Name] = n
	}
	var conns map[string]map[string][][]connection
	_ = json.Unmarshal(w.Connections, &conns)

	start := r.trigger
	if start == "" {
		if t := triggers(w); len(t) > 0 {
			start = t[0].Name
		} else if len(w.Nodes) > 0 {
			start = w.Nodes[0].Name
		}
	}
	out := outcome{status: n8n.StatusSuccess, runData: map[string][]nodeRun{}}
	if start == "" {
		return out
	}
	stack := []task{{node: start}}
	batches := map[string]*batchState{}
	merges := map[string]*mergeState{}
	var mergeOrder []string // merges waiting, by when their first input came
	clock := r.started.UnixMilli()
	ran := 0 // runs recorded: n8n's executionIndex
	for i := 0; i < maxNodeRuns; i++ {
		if len(stack) == 0 {
			if len(mergeOrder) == 0 {
				break
			}
			// Nothing else to run: n8n runs a waiting Merge with the
			// inputs it has.
			name := mergeOrder[0]
			mergeOrder = mergeOrder[1:]
			stack = append(stack, merges[name].task(name))
			delete(merges, name)
		}
		t := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		node, ok := nodes[t.node]
		if !ok {
			continue
		}
		if t.inputs == nil && isMerge(node) && !node.Disabled {
			m := merges[node.Name]
			if m == nil {
				m = newMergeState(node)
				merges[node.Name] = m
				mergeOrder = append(mergeOrder, node.Name)
			}
			if !m.add(t) {
				continue
			}
			stack = append(stack, m.task(node.Name))
			delete(merges, node.Name)
			mergeOrder = slices.DeleteFunc(mergeOrder, func(n string) bool { return n == node.Name })
			continue
		}
		nr := nodeRun{StartTime: clock, ExecutionIndex: ran, Source: t.src, Hints: []any{}, ExecutionTime: 1 + len(t.input)/10}
		if nr.Source == nil {
			nr.Source = []source{}
		}
		clock += int64(nr.ExecutionTime) + 1
		ran++
		out.lastNode = node.Name
		var outputs [][]map[string]any
		var f *nodeFailure
		switch {
		case t.node == start:
			outputs = [][]map[string]any{triggerItems(r)}
			if r.parent != nil {
				nr.Metadata = map[string]any{"parentExecution": r.parent}
			}
		case node.Disabled:
			// n8n passes a disabled node's input through, as a normal run.
			outputs = [][]map[string]any{t.input}
		default:
			f = failure(node, r, t.input, env.v2)
			if f == nil && isExecuteWorkflow(node) {
				outputs, nr.Metadata, f = executeWorkflow(node, t.input, env)
			}
		}
		if f != nil && continuesOnFail(node) {
			// n8n swallows the error into the node's output items and
			// records the run as a success.
			outputs, f = f.swallowed(node, t.input), nil
		}
		if f != nil {
			nr.ExecutionStatus, nr.Error = "error", f.err
			out.runData[node.Name] = append(out.runData[node.Name], nr)
			out.status, out.err = n8n.StatusError, f.err
			out.stack = []stackEntry{{Node: node, Data: main(t.input), Source: map[string][]source{"main": t.src}}}
			break
		}
		if outputs == nil {
			switch strings.ToLower(node.Type) {
			case "n8n-nodes-base.wait":
				nr.ExecutionStatus, nr.Data = "waiting", main(t.input)
				out.runData[node.Name] = append(out.runData[node.Name], nr)
				out.status = n8n.StatusWaiting
				till := r.started.Add(waitFor(node)).UTC().Truncate(time.Millisecond)
				out.waitTill = &till
				out.stack = []stackEntry{{Node: node, Data: main(t.input), Source: map[string][]source{"main": t.src}}}
				out.took = time.Duration(clock-r.started.UnixMilli()) * time.Millisecond
				return out
			case "n8n-nodes-base.splitinbatches":
				b := batches[node.Name]
				if b == nil {
					b = &batchState{size: batchSize(node), pending: t.input}
					batches[node.Name] = b
				} else {
					b.done = append(b.done, t.input...)
				}
				outputs = b.next()
			case "n8n-nodes-base.if":
				outputs = [][]map[string]any{passThrough(t.input), {}}
			case "n8n-nodes-base.merge":
				outputs = [][]map[string]any{appendInputs(t.inputs)}
			default:
				outputs = [][]map[string]any{passThrough(t.input)}
			}
		}
		nr.ExecutionStatus, nr.Data = "success", map[string][][]map[string]any{"main": outputs}
		out.runData[node.Name] = append(out.runData[node.Name], nr)
		runIndex := len(out.runData[node.Name]) - 1
		mains := conns[node.Name]["main"]
		for oi := len(mains) - 1; oi >= 0; oi-- {
			if oi >= len(outputs) || len(outputs[oi]) == 0 {
				continue
			}
			for ci := len(mains[oi]) - 1; ci >= 0; ci-- {
				c := mains[oi][ci]
				stack = append(stack, task{node: c.Node, index: c.Index, input: outputs[oi],
					src: []source{{PreviousNode: node.Name, PreviousNodeOutput: oi, PreviousNodeRun: runIndex}}})
			}
		}
	}
	if out.stack == nil {
		out.stack = []stackEntry{}
	}
	out.took = time.Duration(clock-r.started.UnixMilli()) * time.Millisecond
	return out
}

// task is a node to run with the items it received.
type task struct {
	node   string
	index  int // the input they came in on
	input  []map[string]any
	src    []source
	inputs [][]map[string]any // a Merge's items by input, once it runs
}

func main(items []map[string]any) map[string][][]map[string]any {
	if items == nil {
		items = []map[string]any{}
	}
	return map[string][][]map[string]any{"main": {items}}
}

// A small PDF, so binary payloads look like the real ones.
var pdf = base64.StdEncoding.EncodeToString([]byte("%PDF-1.4\n1 0 obj <</Type /Catalog>> endobj\ntrailer <</Root 1 0 R>>\n%%EOF\n"))

func triggerItems(r run) []map[string]any {
	out := make([]map[string]any, len(r.items))
	for i, j := range r.items {
		item := map[string]any{"json": j, "pairedItem": map[string]any{"item": i}}
		if r.parent != nil {
			item["index"] = i // an Execute Workflow Trigger's items carry it
		}
		if r.binary {
			item["binary"] = map[string]any{"data": map[string]any{"data": pdf, "mimeType": "application/pdf",
				"fileName": "brochure-" + strconv.Itoa(i+1) + ".pdf", "fileExtension": "pdf", "fileSize": "86 B"}}
		}
		out[i] = item
	}
	return out
}

func passThrough(in []map[string]any) []map[string]any {
	out := make([]map[string]any, len(in))
	for i, it := range in {
		c := make(map[string]any, len(it))
		for k, v := range it {
			c[k] = v
		}
		c["pairedItem"] = map[string]any{"item": i}
		out[i] = c
	}
	return out
}

type batchState struct {
	size    int
	pending []map[string]any
	done    []map[string]any
}

// next is a SplitInBatches run: the next batch on output 1 ("loop"), or
// everything processed on output 0 ("done") when no batch is left.
func (b *batchState) next() [][]map[string]any {
	if len(b.pending) == 0 {
		return [][]map[string]any{passThrough(b.done), {}}
	}
	n := min(b.size, len(b.pending))
	batch := b.pending[:n]
	b.pending = b.pending[n:]
	return [][]map[string]any{{}, passThrough(batch)}
}

func batchSize(n n8n.Node) int {
	var p struct {
		BatchSize int `json:"batchSize"`
	}
	_ = json.Unmarshal(n.Parameters, &p)
	if p.BatchSize < 1 {
		return 1 // n8n's default
	}
	return p.BatchSize
}

func waitFor(n n8n.Node) time.Duration {
	var p struct {
		Amount float64 `json:"amount"`
		Unit   string  `json:"unit"`
	}
	_ = json.Unmarshal(n.Parameters, &p)
	if p.Amount == 0 {
		p.Amount = 1
	}
	unit := map[string]time.Duration{"seconds": time.Second, "minutes": time.Minute, "hours": time.Hour, "days": 24 * time.Hour}[p.Unit]
	if unit == 0 {
		unit = time.Hour
	}
	return time.Duration(p.Amount * float64(unit))
}
