package n8ntest

import (
	"encoding/json"
	"fmt"
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
