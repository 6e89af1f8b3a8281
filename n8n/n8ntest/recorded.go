package n8ntest

import (
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/godmode-console/godmode/n8n"
)

// SetExecutionData makes the server answer a GET of execution id with its
// data by raw, a recorded n8n execution (fixtures from a real n8n), in
// place of the simulator's run data. The recording's top-level id and
// workflowId become this execution's, as n8n would write them; raw that is
// not a JSON object is served as it is (a truncated or broken answer).
// Lists and retries keep using the simulated execution.
func (s *Server) SetExecutionData(id string, raw []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.execution(id)
	if !ok {
		return fmt.Errorf("%w: execution %s", ErrNotFound, id)
	}
	var top map[string]json.RawMessage
	if json.Unmarshal(raw, &top) == nil && top != nil {
		top["id"], _ = json.Marshal(e.summary.ID)
		top["workflowId"], _ = json.Marshal(e.summary.WorkflowID)
		if out, err := json.Marshal(top); err == nil {
			raw = out
		}
	}
	e.recorded = raw
	return nil
}

// AddRecordedExecution stores raw, a recorded execution of a real n8n (a
// fixture), under its own id and workflowId, unlike SetExecutionData: the
// ids a recording names inside it (a parent's failed sub-execution, a
// child's data.parentExecution) then lead to the other recording of the
// pair, so a parent and its child each open the other by id. The workflow
// is made from the recording's workflowData, inactive and with its
// recorded id, unless the fake holds one by that id already. A GET with
// data answers raw as it is; lists and GETs without data give the
// recording's summary (status, mode, times, retryOf).
func (s *Server) AddRecordedExecution(raw []byte) (n8n.Execution, error) {
	var x n8n.Execution
	var top struct {
		Data         json.RawMessage `json:"data"`
		WorkflowData json.RawMessage `json:"workflowData"`
	}
	if err := json.Unmarshal(raw, &x); err != nil {
		return n8n.Execution{}, fmt.Errorf("n8ntest: recorded execution: %w", err)
	}
	if err := json.Unmarshal(raw, &top); err != nil {
		return n8n.Execution{}, fmt.Errorf("n8ntest: recorded execution: %w", err)
	}
	n, err := strconv.Atoi(x.ID)
	if err != nil || n < 1 || x.WorkflowID == "" {
		return n8n.Execution{}, fmt.Errorf("n8ntest: recorded execution: id %q, workflowId %q: want a numeric id and a workflow", x.ID, x.WorkflowID)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, taken := s.executions[n]; taken {
		return n8n.Execution{}, fmt.Errorf("n8ntest: recorded execution %s: the id is taken", x.ID)
	}
	var w n8n.Workflow
	if len(top.WorkflowData) > 0 {
		if err := json.Unmarshal(top.WorkflowData, &w); err != nil {
			return n8n.Execution{}, fmt.Errorf("n8ntest: recorded execution %s: workflowData: %w", x.ID, err)
		}
	}
	w.ID = x.WorkflowID
	if _, held := s.workflows[w.ID]; !held {
		s.storeAs(w)
	}
	if len(x.CustomData) == 0 {
		x.CustomData = json.RawMessage(`{}`)
	}
	data, wd := top.Data, top.WorkflowData
	if len(data) == 0 {
		data = json.RawMessage(`{}`)
	}
	if len(wd) == 0 {
		wd = json.RawMessage(`{}`)
	}
	e := &execution{summary: x, data: data, workflowData: wd, snapshot: w, spec: run{mode: x.Mode}, recorded: raw}
	s.executions[n] = e
	s.insertExecID(n)
	s.nextExec = max(s.nextExec, n+1)
	return x, nil
}
