package n8ntest

import (
	"encoding/json"
	"net/url"
	"strconv"
	"strings"

	"github.com/godmode-console/godmode/n8n"
)

// nodeFailure is a node's error as n8n records it, and what n8n puts in
// the node's output instead when the node continues on failure.
type nodeFailure struct {
	err map[string]any // the run's error (and the execution's) when it fails
	// swallow is json.error of the output items when the node continues:
	// HTTP Request puts the request's error object, one item per input
	// item; a Code node (run once for all items) one item with the message
	// as a string; an Execute Workflow node the message, with the
	// sub-execution in the item's metadata.
	swallow  any
	perItem  bool
	metadata map[string]any
}

// continuesOnFail is n8n's continueOnFail(): the node's settings swallow
// its errors (onError, or the legacy continueOnFail flag).
func continuesOnFail(n n8n.Node) bool {
	switch n.OnError {
	case "continueRegularOutput", "continueErrorOutput":
		return true
	case "stopWorkflow":
		return false
	}
	return n.ContinueOnFail
}

// swallowed is the node's output once n8n swallowed f: the error items on
// the main output (continueRegularOutput) or on the error output, the
// node's last (continueErrorOutput).
func (f *nodeFailure) swallowed(n n8n.Node, input []map[string]any) [][]map[string]any {
	count := 1
	if f.perItem {
		count = max(1, len(input))
	}
	items := make([]map[string]any, count)
	for i := range items {
		it := map[string]any{"json": map[string]any{"error": f.swallow}, "pairedItem": map[string]any{"item": i}}
		if f.metadata != nil {
			it["metadata"] = f.metadata
		}
		items[i] = it
	}
	if n.OnError == "continueErrorOutput" {
		return [][]map[string]any{{}, items}
	}
	return [][]map[string]any{items}
}

// failure is the error a node raises: the forced one, a Code node's
// `throw new Error("…")`, or an HTTP Request to a refused port (port 1 on
// any host stands for one: nothing listens there).
func failure(node n8n.Node, r run, input []map[string]any, v2 bool) *nodeFailure {
	now := r.started.UnixMilli()
	if node.Name == r.failAt {
		m := r.message
		if m == "" {
			m = "n8ntest: node failed"
		}
		if r.httpCode != "" {
			return &nodeFailure{perItem: true, swallow: map[string]any{"message": "Request failed with status code " + r.httpCode, "name": "AxiosError", "status": r.httpCode},
				err: map[string]any{"level": "warning", "tags": map[string]any{}, "timestamp": now,
					"context": map[string]any{"request": map[string]any{"method": "POST"}}, "functionality": "regular",
					"name": "NodeApiError", "node": node, "messages": []string{r.httpCode + " - " + m}, "httpCode": r.httpCode,
					"description": m, "message": "The service is receiving too many requests from you",
					"stack": "NodeApiError: " + m + "\n    at ExecuteContext.execute"}}
		}
		return &nodeFailure{swallow: m, err: map[string]any{"level": "error", "tags": map[string]any{}, "timestamp": now, "context": map[string]any{},
			"functionality": "regular", "name": "NodeOperationError", "node": node, "description": nil, "message": m,
			"stack": "NodeOperationError: " + m + "\n    at ExecuteContext.execute"}}
	}
	switch strings.ToLower(node.Type) {
	case "n8n-nodes-base.code":
		return codeFailure(node, v2)
	case "n8n-nodes-base.httprequest":
		return httpFailure(node, now)
	}
	return nil
}

func codeFailure(node n8n.Node, v2 bool) *nodeFailure {
	var p struct {
		JSCode string `json:"jsCode"`
	}
	_ = json.Unmarshal(node.Parameters, &p)
	m := throwRE.FindStringSubmatchIndex(p.JSCode)
	if m == nil {
		return nil
	}
	var text string
	for g := 1; g <= 3; g++ {
		if m[2*g] >= 0 {
			text = p.JSCode[m[2*g]:m[2*g+1]]
		}
	}
	line := 1 + strings.Count(p.JSCode[:m[0]], "\n")
	message := text + " [line " + strconv.Itoa(line) + "]"
	if v2 {
		// 2.41.1 runs Code in a task runner: its error names no node.
		return &nodeFailure{swallow: message, err: map[string]any{"level": "info", "shouldReport": false, "description": nil, "tags": map[string]any{},
			"name": "WrappedExecutionError", "lineNumber": line, "message": message,
			"stack": "WrappedExecutionError: " + message + "\n    at throwExecutionError (/usr/local/lib/node_modules/n8n/node_modules/n8n-nodes-base/nodes/Code/throw-execution-error.ts:11:9)"}}
	}
	return &nodeFailure{swallow: message, err: map[string]any{"stack": "Error: Error: " + text + "\n\tat Code:" + strconv.Itoa(line) + ":1\n\tat Code:2:2",
		"level": "error", "tags": map[string]any{}, "description": nil, "lineNumber": line, "node": node,
		"message": message}}
}

// httpFailure is an HTTP Request to a port nothing listens on, as n8n
// records it (execution-soft-failure-merge.json has the swallowed form).
func httpFailure(node n8n.Node, now int64) *nodeFailure {
	var p struct {
		URL string `json:"url"`
	}
	_ = json.Unmarshal(node.Parameters, &p)
	u, err := url.Parse(p.URL)
	if err != nil || u.Port() != "1" {
		return nil
	}
	addr := u.Hostname() + ":1"
	reason := "connect ECONNREFUSED " + addr
	stack := "Error: " + reason + "\n    at Function.from (/usr/local/lib/node_modules/n8n/node_modules/axios/dist/node/axios.cjs:1355:24)"
	return &nodeFailure{perItem: true, swallow: map[string]any{"message": reason, "name": "Error", "stack": stack, "code": "ECONNREFUSED"},
		err: map[string]any{"level": "warning", "tags": map[string]any{}, "timestamp": now,
			"context": map[string]any{}, "functionality": "regular", "name": "NodeApiError", "node": node,
			"messages": []string{reason}, "description": reason, "code": "ECONNREFUSED",
			"message": "The service refused the connection - perhaps it is offline",
			"stack":   "NodeApiError: The service refused the connection - perhaps it is offline\n    at ExecuteContext.execute"}}
}

func isMerge(n n8n.Node) bool { return strings.EqualFold(n.Type, "n8n-nodes-base.merge") }

// mergeState holds what a Merge received until all its inputs have.
type mergeState struct {
	inputs [][]map[string]any
	got    []bool
	src    []source
	srcOf  []*source
}

func newMergeState(n n8n.Node) *mergeState {
	var p struct {
		NumberInputs int `json:"numberInputs"`
	}
	_ = json.Unmarshal(n.Parameters, &p)
	k := max(2, p.NumberInputs)
	return &mergeState{inputs: make([][]map[string]any, k), got: make([]bool, k), srcOf: make([]*source, k)}
}

// add takes a task's items on its input and says whether every input has
// items now.
func (m *mergeState) add(t task) bool {
	if t.index < 0 || t.index >= len(m.inputs) {
		return false
	}
	m.inputs[t.index] = append(m.inputs[t.index], t.input...)
	m.got[t.index] = true
	if len(t.src) > 0 {
		s := t.src[0]
		m.srcOf[t.index] = &s
	}
	for _, g := range m.got {
		if !g {
			return false
		}
	}
	return true
}

// task is the Merge's run: its sources one per input, in input order, as
// n8n writes them.
func (m *mergeState) task(name string) task {
	t := task{node: name, inputs: m.inputs, src: []source{}}
	for i, s := range m.srcOf {
		if s != nil {
			t.src = append(t.src, *s)
		}
		t.input = append(t.input, m.inputs[i]...)
	}
	return t
}

// appendInputs is a Merge in its default mode (append): the items of each
// input in turn, paired with the input they came from.
func appendInputs(inputs [][]map[string]any) []map[string]any {
	out := []map[string]any{}
	for k, in := range inputs {
		for i, it := range in {
			c := make(map[string]any, len(it))
			for key, v := range it {
				c[key] = v
			}
			pi := map[string]any{"item": i}
			if k > 0 {
				pi["input"] = k
			}
			c["pairedItem"] = pi
			out = append(out, c)
		}
	}
	return out
}

func isExecuteWorkflow(n n8n.Node) bool {
	return strings.EqualFold(n.Type, "n8n-nodes-base.executeWorkflow")
}

// subResult is what running a sub-workflow gave the calling node.
type subResult struct {
	executionID, workflowID string
	output                  []map[string]any // the sub-execution's last node's items
	err                     map[string]any   // its error, nil when it succeeded
	failedNode              any              // the node of its error, when the error names it
	stoppedAt               int64            // when it ended (Unix ms)
	missing                 bool             // no such workflow
}

// subWorkflowID is the id an Execute Workflow node calls: parameters
// workflowId, a plain string (version 1) or a resource locator.
func subWorkflowID(n n8n.Node) string {
	var p struct {
		WorkflowID json.RawMessage `json:"workflowId"`
	}
	_ = json.Unmarshal(n.Parameters, &p)
	var id string
	if json.Unmarshal(p.WorkflowID, &id) == nil {
		return strings.TrimPrefix(id, "=")
	}
	var rl struct {
		Value string `json:"value"`
	}
	_ = json.Unmarshal(p.WorkflowID, &rl)
	return rl.Value
}

// executeWorkflow runs an Execute Workflow node (mode once, waiting for
// the sub-workflow): the sub-execution is an execution of its own; its
// success gives its last node's items and the run's metadata.subExecution;
// its failure fails the node with the error n8n writes, which names the
// sub-execution (the run then has no metadata).
func executeWorkflow(node n8n.Node, input []map[string]any, env simEnv) ([][]map[string]any, map[string]any, *nodeFailure) {
	var res subResult
	if env.call != nil {
		res = env.call(node, input)
	} else {
		res.missing = true
	}
	if res.missing {
		m := "Workflow does not exist."
		return nil, nil, &nodeFailure{swallow: m, err: map[string]any{"level": "error", "tags": map[string]any{}, "context": map[string]any{},
			"functionality": "regular", "name": "NodeOperationError", "node": node, "description": nil, "message": m,
			"stack": "NodeOperationError: " + m + "\n    at ExecuteContext.execute"}}
	}
	sub := map[string]any{"executionId": res.executionID, "workflowId": res.workflowID}
	if res.err == nil {
		items := passThrough(res.output)
		for _, it := range items {
			delete(it, "index") // the trigger's, not carried back
		}
		if len(res.output) != len(input) {
			for _, it := range items {
				pi := make([]map[string]any, len(input))
				for i := range input {
					pi[i] = map[string]any{"item": i}
				}
				it["pairedItem"] = pi
			}
		}
		return [][]map[string]any{items}, map[string]any{"subExecution": sub, "subExecutionsCount": 1}, nil
	}
	message, _ := res.err["message"].(string)
	stack, _ := res.err["stack"].(string)
	f := &nodeFailure{swallow: message, metadata: map[string]any{"subExecution": sub}}
	if env.v2 {
		if !strings.HasPrefix(stack, "WrappedExecutionError") {
			stack = "WrappedExecutionError: " + message + "\n    at ExecuteContext.execute"
		}
		f.err = map[string]any{"executionId": res.executionID, "workflowId": res.workflowID, "message": message, "stack": stack}
		return nil, nil, f
	}
	resp := make(map[string]any, len(res.err)+2)
	for k, v := range res.err {
		resp[k] = v
	}
	resp["executionId"], resp["workflowId"] = res.executionID, res.workflowID
	// 1.123 writes the sub-execution's failed node as the error's node,
	// not the Execute Workflow node that failed.
	f.err = map[string]any{"level": "error", "tags": map[string]any{}, "errorResponse": resp, "timestamp": res.stoppedAt,
		"context": map[string]any{}, "functionality": "regular", "name": "NodeOperationError", "node": res.failedNode,
		"messages": []string{}, "executionId": res.executionID, "workflowId": res.workflowID, "message": message, "stack": stack}
	return nil, nil, f
}

// lastOutput is the items of the last node's last run, on its first
// output: what a sub-execution gives back to its caller.
func (o outcome) lastOutput() []map[string]any {
	runs := o.runData[o.lastNode]
	if len(runs) == 0 {
		return nil
	}
	m := runs[len(runs)-1].Data["main"]
	if len(m) == 0 {
		return nil
	}
	return m[0]
}

// errNode is the node an error names, or nil.
func (o outcome) errNode() any {
	if o.err == nil {
		return nil
	}
	return o.err["node"]
}
