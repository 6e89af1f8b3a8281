package n8ntest

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/godmode-console/godmode/n8n"
)

// ErrNotFound is returned by helpers given an unknown id.
var ErrNotFound = errors.New("n8ntest: no such id")

// AddWorkflow stores w as if created through the API (fresh id and
// versionId, node ids, default settings); when w.Active is set it is then
// activated, with n8n's refusals.
func (s *Server) AddWorkflow(w n8n.Workflow) (n8n.Workflow, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	active := w.Active
	w.Nodes = append([]n8n.Node(nil), w.Nodes...)
	wf := s.store(w)
	if active {
		if _, problem := s.activate(wf); problem != "" {
			return wf.w, fmt.Errorf("n8ntest: activating %q: %s", w.Name, problem)
		}
		s.settled(wf)
	}
	return wf.w, nil
}

// Workflow reads a workflow as n8n holds it.
func (s *Server) Workflow(id string) (n8n.Workflow, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	wf, ok := s.workflows[id]
	if !ok {
		return n8n.Workflow{}, false
	}
	w := wf.w
	w.Tags = s.tagsOf(wf)
	return w, true
}

// WorkflowCount is how many workflows n8n holds.
func (s *Server) WorkflowCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.workflows)
}

// SetActive toggles a workflow "inside n8n" (as someone in n8n's editor
// would), creating drift for godmode to find. n8n's refusals apply.
func (s *Server) SetActive(id string, active bool) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	wf, ok := s.workflows[id]
	if !ok {
		return fmt.Errorf("%w: workflow %s", ErrNotFound, id)
	}
	if !active {
		s.deactivate(wf)
		return nil
	}
	if _, problem := s.activate(wf); problem != "" {
		return fmt.Errorf("n8ntest: activating %s: %s", id, problem)
	}
	s.settled(wf)
	return nil
}

// Delete deletes a workflow (and its executions) "inside n8n".
func (s *Server) Delete(id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.workflows[id]; !ok {
		return fmt.Errorf("%w: workflow %s", ErrNotFound, id)
	}
	s.remove(id)
	return nil
}

// Edit changes a workflow "inside n8n": edit receives a copy to change;
// name, nodes, connections, settings and static data are kept, with a new
// versionId, and an active workflow's webhooks move with it.
func (s *Server) Edit(id string, edit func(*n8n.Workflow)) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	wf, ok := s.workflows[id]
	if !ok {
		return fmt.Errorf("%w: workflow %s", ErrNotFound, id)
	}
	next := wf.w
	next.Nodes = append([]n8n.Node(nil), wf.w.Nodes...)
	edit(&next)
	if _, problem := s.replace(wf, next); problem != "" {
		return fmt.Errorf("n8ntest: editing %s: %s", id, problem)
	}
	return nil
}

// AddTag creates a tag (names are unique).
func (s *Server) AddTag(name string) (n8n.Tag, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, problem := s.addTag(name)
	if problem != "" {
		return t, fmt.Errorf("n8ntest: tag %q: %s", name, problem)
	}
	return t, nil
}

// TagWorkflow sets a workflow's tags to the tags with these ids.
func (s *Server) TagWorkflow(id string, tagIDs ...string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	wf, ok := s.workflows[id]
	if !ok {
		return fmt.Errorf("%w: workflow %s", ErrNotFound, id)
	}
	for _, t := range tagIDs {
		if _, ok := s.tags[t]; !ok {
			return fmt.Errorf("%w: tag %s", ErrNotFound, t)
		}
	}
	wf.tagIDs, wf.json = append([]string(nil), tagIDs...), nil
	return nil
}

// ExecutionSpec describes an execution to make. The workflow runs in the
// simulator; Status says how it must end.
type ExecutionSpec struct {
	WorkflowID string
	// Status: "" or success (must succeed), error (fails at FailAt, or at
	// the last node that runs), waiting (needs a Wait node), or canceled,
	// crashed, running, new, unknown (the run is stopped with that status).
	Status   n8n.Status
	FailAt   string // node that fails
	Message  string // its error message
	HTTPCode string // e.g. "429": the failure is an HTTP error (NodeApiError)
	// Items are the trigger's items: for a Webhook trigger, each is a
	// request body. Default: one lead.
	Items     []map[string]any
	Binary    bool // attach a PDF to every item, carried through every node
	Mode      string
	StartedAt time.Time
}

// AddExecution makes an execution of a stored workflow, shaped like n8n's.
func (s *Server) AddExecution(spec ExecutionSpec) (n8n.Execution, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	wf, ok := s.workflows[spec.WorkflowID]
	if !ok {
		return n8n.Execution{}, fmt.Errorf("%w: workflow %s", ErrNotFound, spec.WorkflowID)
	}
	r := run{mode: spec.Mode, failAt: spec.FailAt, message: spec.Message, httpCode: spec.HTTPCode, binary: spec.Binary, started: spec.StartedAt}
	trig := triggers(wf.w)
	for _, item := range spec.Items {
		if len(trig) > 0 && trig[0].Type == n8n.WebhookNodeType {
			item = map[string]any{"headers": map[string]any{"host": "127.0.0.1", "content-type": "application/json"},
				"params": map[string]any{}, "query": map[string]any{}, "body": item, "executionMode": "production"}
		}
		r.items = append(r.items, item)
	}
	if spec.Status == n8n.StatusError && r.failAt == "" {
		dry := simEnv{v2: s.v2(), call: func(node n8n.Node, items []map[string]any) subResult {
			_, res := s.callSub(node, items, "", wf.w.ID, withDefaults(r, s.timestamp()), 0, false)
			return res
		}}
		probe := simulate(wf.w, withDefaults(r, s.timestamp()), dry)
		if probe.status != n8n.StatusError {
			r.failAt = probe.lastNode
		}
	}
	e, problem := s.run(wf, r)
	if problem != "" {
		return n8n.Execution{}, errors.New(problem)
	}
	got := e.summary.Status
	switch spec.Status {
	case "", n8n.StatusSuccess, n8n.StatusError, n8n.StatusWaiting:
		want := spec.Status
		if want == "" {
			want = n8n.StatusSuccess
		}
		if got != want {
			s.dropExecution(e)
			return n8n.Execution{}, fmt.Errorf("n8ntest: workflow %s ends %s, not %s", spec.WorkflowID, got, want)
		}
	default:
		e.summary.Status, e.summary.Finished = spec.Status, false
		if spec.Status == n8n.StatusRunning || spec.Status == n8n.StatusNew {
			e.summary.StoppedAt = nil
		}
	}
	return e.summary, nil
}

func withDefaults(r run, now time.Time) run {
	if r.started.IsZero() {
		r.started = now
	}
	if len(r.items) == 0 {
		r.items = []map[string]any{{"email": "lead@example.com"}}
	}
	return r
}

func (s *Server) dropExecution(e *execution) {
	for _, sub := range e.subs {
		s.dropExecution(sub)
	}
	n, _ := strconv.Atoi(e.summary.ID)
	delete(s.executions, n)
	s.execIDs = slices.DeleteFunc(s.execIDs, func(x int) bool { return x == n })
}

// Execution reads an execution's summary as n8n holds it.
func (s *Server) Execution(id string) (n8n.Execution, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.execution(id)
	if !ok {
		return n8n.Execution{}, false
	}
	return e.summary, true
}

// Executions lists every stored execution summary, newest first, waiting
// ones included (unlike the API's list).
func (s *Server) Executions() []n8n.Execution {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]n8n.Execution, 0, len(s.execIDs))
	for i := len(s.execIDs) - 1; i >= 0; i-- {
		out = append(out, s.executions[s.execIDs[i]].summary)
	}
	return out
}
