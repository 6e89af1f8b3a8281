package n8ntest

import (
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/godmode-console/godmode/n8n"
)

// execution is one stored execution: its summary, its run data and the
// workflow as it ran, both already encoded.
type execution struct {
	summary      n8n.Execution
	data         []byte
	workflowData []byte
	snapshot     n8n.Workflow // the workflow as it ran, for a retry without loadWorkflow
	spec         run
	recorded     []byte       // SetExecutionData's answer to a GET with data
	subs         []*execution // the sub-executions it started
}

// run simulates wf with spec and stores the execution. Caller holds s.mu.
func (s *Server) run(wf *workflow, spec run) (*execution, string) {
	return s.runSnapshot(wf.w, spec)
}

func (s *Server) runSnapshot(w n8n.Workflow, spec run) (*execution, string) {
	e, _, problem := s.runDepth(w, spec, 0)
	return e, problem
}

// maxSubDepth stops workflows that call each other for ever.
const maxSubDepth = 10

func (s *Server) runDepth(w n8n.Workflow, spec run, depth int) (*execution, outcome, string) {
	if spec.started.IsZero() {
		spec.started = s.timestamp()
	}
	if spec.mode == "" {
		spec.mode = "webhook"
	}
	if len(spec.items) == 0 {
		spec.items = []map[string]any{{"email": "lead@example.com"}}
	}
	// The id comes first: a sub-execution the run starts gets the next one,
	// as on n8n.
	id := s.nextExec
	s.nextExec++
	var subs []*execution
	env := simEnv{v2: s.v2(), call: func(node n8n.Node, items []map[string]any) subResult {
		child, res := s.callSub(node, items, strconv.Itoa(id), w.ID, spec, depth, true)
		if child != nil {
			subs = append(subs, child)
		}
		return res
	}}
	o := simulate(w, spec, env)
	started := spec.started.UTC().Truncate(time.Millisecond)
	stopped := started.Add(o.took)
	e := &execution{snapshot: w, spec: spec, subs: subs, summary: n8n.Execution{
		ID: strconv.Itoa(id), WorkflowID: w.ID, Finished: o.status == n8n.StatusSuccess, Mode: spec.mode, Status: o.status,
		RetryOf: spec.retryOf, CreatedAt: started.Add(-50 * time.Millisecond), StartedAt: started, StoppedAt: &stopped,
		WaitTill: o.waitTill, CustomData: json.RawMessage(`{}`),
	}}
	result := map[string]any{"runData": o.runData, "lastNodeExecuted": o.lastNode}
	if o.err != nil {
		result["error"] = o.err
	}
	runtime := map[string]any{"version": 1, "establishedAt": started.UnixMilli(), "source": spec.mode}
	data := map[string]any{"version": 1, "startData": map[string]any{}, "resultData": result,
		"executionData": map[string]any{"contextData": map[string]any{}, "nodeExecutionStack": o.stack, "metadata": map[string]any{},
			"waitingExecution": map[string]any{}, "waitingExecutionSource": map[string]any{}, "runtimeData": runtime}}
	if spec.parent != nil {
		data["parentExecution"] = spec.parent
		runtime["parentExecutionId"] = spec.parent["executionId"]
	}
	if o.waitTill != nil {
		data["waitTill"] = o.waitTill
	}
	var err error
	if e.data, err = json.Marshal(data); err != nil {
		return nil, o, "n8ntest: encoding run data: " + err.Error()
	}
	staticData := w.StaticData
	if len(staticData) == 0 || string(staticData) == "null" {
		staticData = json.RawMessage(`{}`)
	}
	wd := map[string]any{"id": w.ID, "name": w.Name, "active": w.Active, "activeVersionId": w.ActiveVersionID,
		"isArchived": w.IsArchived, "createdAt": stamp(w.CreatedAt), "updatedAt": stamp(w.UpdatedAt), "nodes": w.Nodes,
		"connections": orNull(w.Connections), "settings": w.Settings, "staticData": staticData, "pinData": nil}
	if e.workflowData, err = json.Marshal(wd); err != nil {
		return nil, o, "n8ntest: encoding workflow data: " + err.Error()
	}
	s.executions[id] = e
	s.insertExecID(id)
	return e, o, ""
}

// insertExecID keeps execIDs ascending: a parent's id, taken before its
// sub-executions', is stored after them.
func (s *Server) insertExecID(id int) {
	i, _ := slices.BinarySearch(s.execIDs, id)
	s.execIDs = slices.Insert(s.execIDs, i, id)
}

// callSub runs the sub-workflow an Execute Workflow node calls as an
// execution of its own (mode integrated, started from its Execute Workflow
// Trigger with the node's items), stored when store is set. Caller holds
// s.mu.
func (s *Server) callSub(node n8n.Node, items []map[string]any, parentID, parentWorkflowID string, parent run, depth int, store bool) (*execution, subResult) {
	wf, ok := s.workflows[subWorkflowID(node)]
	if !ok || depth >= maxSubDepth {
		return nil, subResult{missing: true}
	}
	spec := run{mode: "integrated", started: parent.started.Add(time.Duration(depth+1) * 5 * time.Millisecond),
		parent: map[string]any{"executionId": parentID, "workflowId": parentWorkflowID, "shouldResume": true,
			"executionContext": map[string]any{"version": 1, "establishedAt": parent.started.UnixMilli(), "source": parent.mode}}}
	for _, n := range wf.w.Nodes {
		if strings.EqualFold(n.Type, "n8n-nodes-base.executeWorkflowTrigger") && !n.Disabled {
			spec.trigger = n.Name
			break
		}
	}
	for _, it := range items {
		j, _ := it["json"].(map[string]any)
		if j == nil {
			j = map[string]any{}
		}
		spec.items = append(spec.items, j)
	}
	if len(spec.items) == 0 {
		spec.items = []map[string]any{{}}
	}
	res := subResult{workflowID: wf.w.ID}
	if !store {
		o := simulate(wf.w, spec, simEnv{v2: s.v2()})
		res.output, res.err, res.failedNode = o.lastOutput(), o.err, o.errNode()
		return nil, res
	}
	child, o, problem := s.runDepth(wf.w, spec, depth+1)
	if problem != "" {
		return nil, subResult{missing: true}
	}
	res.executionID, res.stoppedAt = child.summary.ID, child.summary.StoppedAt.UnixMilli()
	res.output, res.err, res.failedNode = o.lastOutput(), o.err, o.errNode()
	return child, res
}

// Shapes in which n8n writes an execution.
const (
	shapeList   = iota // in a list: no createdAt, no deletedAt
	shapeGet           // GET without includeData
	shapeFull          // GET with includeData
	shapeRetry         // the answer to a retry: retryOf as a number, no stoppedAt
	shapeRetry2        // 2.x's answer to a retry: retryOf as a string
	shapeDelete        // the answer to a delete: id as a number
)

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// renderExecution writes e in n8n's field order for the given shape.
func renderExecution(e *execution, shape int) []byte {
	x := e.summary
	var buf []byte
	field := func(k string, v any) {
		if len(buf) > 1 {
			buf = append(buf, ',')
		}
		kb, _ := json.Marshal(k)
		vb, _ := json.Marshal(v)
		buf = append(append(append(buf, kb...), ':'), vb...)
	}
	rawField := func(k string, v []byte) {
		buf = append(buf, `,"`+k+`":`...)
		buf = append(buf, v...)
	}
	buf = append(buf, '{')
	if shape == shapeRetry || shape == shapeRetry2 {
		field("id", x.ID)
		field("mode", x.Mode)
		field("startedAt", x.StartedAt)
		field("workflowId", x.WorkflowID)
		field("finished", x.Finished)
		if n, err := strconv.Atoi(x.RetryOf); err == nil && shape == shapeRetry {
			field("retryOf", n)
		} else {
			field("retryOf", x.RetryOf)
		}
		field("status", x.Status)
		rawField("data", e.data)
		rawField("workflowData", e.workflowData)
		field("customData", x.CustomData)
		return append(buf, '}')
	}
	if shape == shapeDelete {
		n, _ := strconv.Atoi(x.ID)
		field("id", n)
	} else {
		field("id", x.ID)
	}
	field("finished", x.Finished)
	field("mode", x.Mode)
	field("retryOf", nullable(x.RetryOf))
	field("retrySuccessId", nullable(x.RetrySuccessID))
	field("status", x.Status)
	if shape != shapeList {
		field("createdAt", x.CreatedAt)
	}
	field("startedAt", x.StartedAt)
	field("stoppedAt", x.StoppedAt)
	if shape != shapeList {
		field("deletedAt", nil)
	}
	field("workflowId", x.WorkflowID)
	field("waitTill", x.WaitTill)
	if shape == shapeFull {
		rawField("data", e.data)
		rawField("workflowData", e.workflowData)
		field("customData", x.CustomData)
	}
	return append(buf, '}')
}

func (s *Server) listExecutions(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	limit, c, _, ok := s.pageQuery(w, q)
	if !ok {
		return
	}
	status := n8n.Status(q.Get("status"))
	if _, present := q["status"]; present && !s.v2() && !slices.Contains(n8n.FilterStatuses, status) {
		writeJSON(w, 400, msg("request/query/status must be equal to one of the allowed values: canceled, error, running, success, waiting"))
		return
	}
	includeData, ok := s.boolQuery(w, q, "includeData")
	if !ok {
		return
	}
	lastID := 0
	if c.LastID != nil {
		lastID, _ = strconv.Atoi(*c.LastID)
	}
	workflowID := q.Get("workflowId")
	shape := shapeList
	if includeData != nil && *includeData {
		shape = shapeFull
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	match := func(e *execution) bool {
		x := e.summary
		switch {
		case x.Status == n8n.StatusWaiting && !s.v2(): // 1.x's list never shows them (n8n issue #14748)
			return false
		case x.Status == n8n.StatusRunning && status != n8n.StatusRunning:
			return false
		case status != "" && x.Status != status:
			return false
		}
		return workflowID == "" || x.WorkflowID == workflowID
	}
	buf := append(make([]byte, 0, 16<<10), `{"data":[`...)
	taken, last, more := 0, 0, false
	for i := len(s.execIDs) - 1; i >= 0; i-- {
		id := s.execIDs[i]
		if lastID > 0 && id >= lastID {
			continue
		}
		e := s.executions[id]
		if !match(e) {
			continue
		}
		if limit > 0 && taken == limit {
			more = true
			break
		}
		if taken > 0 {
			buf = append(buf, ',')
		}
		buf = append(buf, renderExecution(e, shape)...)
		taken, last = taken+1, id
	}
	buf = append(buf, `],"nextCursor":`...)
	if more {
		buf = append(append(append(buf, '"'), encodeLastID(last, limit)...), '"')
	} else {
		buf = append(buf, "null"...)
	}
	writeRaw(w, 200, append(buf, '}'))
}

func (s *Server) execution(id string) (*execution, bool) {
	n, err := strconv.Atoi(id)
	if err != nil {
		return nil, false
	}
	e, ok := s.executions[n]
	return e, ok
}

func (s *Server) getExecution(w http.ResponseWriter, r *http.Request, id string) {
	include, ok := s.boolQuery(w, r.URL.Query(), "includeData")
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	e, found := s.execution(id)
	if !found {
		writeJSON(w, 404, msg("Not Found"))
		return
	}
	shape := shapeGet
	if include != nil && *include {
		if e.recorded != nil {
			writeRaw(w, 200, e.recorded)
			return
		}
		shape = shapeFull
	}
	writeRaw(w, 200, renderExecution(e, shape))
}

func (s *Server) deleteExecution(w http.ResponseWriter, id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, found := s.execution(id)
	if !found {
		writeJSON(w, 404, msg("Not Found"))
		return
	}
	if e.summary.Status == n8n.StatusRunning {
		writeJSON(w, 400, msg("Cannot delete a running execution"))
		return
	}
	n, _ := strconv.Atoi(id)
	delete(s.executions, n)
	s.execIDs = slices.DeleteFunc(s.execIDs, func(x int) bool { return x == n })
	writeRaw(w, 200, renderExecution(e, shapeDelete))
}

func (s *Server) retryExecution(w http.ResponseWriter, r *http.Request, id string) {
	var body struct {
		LoadWorkflow bool `json:"loadWorkflow"`
	}
	if !readBody(w, r, &body) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	e, found := s.execution(id)
	if !found {
		writeJSON(w, 404, msg(`The execution with the ID "`+id+`" does not exist.`))
		return
	}
	next, problem, status := s.retry(e, body.LoadWorkflow)
	if problem != "" {
		writeJSON(w, status, msg(problem))
		return
	}
	shape := shapeRetry
	if s.v2() {
		shape = shapeRetry2
	}
	writeRaw(w, 200, renderExecution(next, shape))
}

// retry runs a finished-but-failed execution again, as n8n does. Caller
// holds s.mu.
func (s *Server) retry(e *execution, loadWorkflow bool) (*execution, string, int) {
	switch {
	case e.summary.Status == n8n.StatusNew:
		return nil, "The execution cannot be retried because it is queued.", 409
	case e.summary.Finished:
		return nil, "The execution succeeded, so it cannot be retried.", 400
	}
	wf := e.snapshot
	if loadWorkflow {
		cur, ok := s.workflows[e.summary.WorkflowID]
		if !ok {
			return nil, "Workflow could not be found and so the data not be loaded for the retry.", 400
		}
		wf = cur.w
	}
	wf.Active, wf.ActiveVersionID = false, nil
	spec := e.spec
	spec.mode, spec.retryOf, spec.started = "retry", e.summary.ID, time.Time{}
	next, problem := s.runSnapshot(wf, spec)
	if problem != "" {
		return nil, problem, 500
	}
	if next.summary.Status == n8n.StatusSuccess {
		e.summary.RetrySuccessID = next.summary.ID
	}
	return next, "", 0
}
