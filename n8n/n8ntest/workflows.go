package n8ntest

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/godmode-console/godmode/n8n"
)

// workflow is one stored workflow and its cached JSON (lists of thousands
// are served by concatenating these).
type workflow struct {
	w       n8n.Workflow
	tagIDs  []string
	json    []byte   // nil when stale
	hooks   []string // webhook keys held while active
	project string
	// pub is the published version while active (2.x keeps drafts apart);
	// nil means the current nodes are published.
	pub *activeVersionJSON
	// stale is the version before a PUT, which 2.x's webhook still runs
	// for staleLeft more calls.
	stale     *n8n.Workflow
	staleLeft int
}

const projectID = "n8ntestProject01"

// wfJSON is a workflow in n8n's field order and with its nulls.
type wfJSON struct {
	UpdatedAt       string                     `json:"updatedAt"`
	CreatedAt       string                     `json:"createdAt"`
	ID              string                     `json:"id"`
	Name            string                     `json:"name"`
	Active          bool                       `json:"active"`
	IsArchived      bool                       `json:"isArchived"`
	Nodes           []n8n.Node                 `json:"nodes"`
	Connections     json.RawMessage            `json:"connections"`
	Settings        map[string]json.RawMessage `json:"settings"`
	StaticData      json.RawMessage            `json:"staticData"`
	Meta            json.RawMessage            `json:"meta"`
	PinData         json.RawMessage            `json:"pinData"`
	VersionID       string                     `json:"versionId"`
	ActiveVersionID *string                    `json:"activeVersionId"`
	TriggerCount    int                        `json:"triggerCount"`
	Shared          []sharedJSON               `json:"shared"`
	ActiveVersion   *activeVersionJSON         `json:"activeVersion"`
	Tags            []n8n.Tag                  `json:"tags"`
}

type sharedJSON struct {
	UpdatedAt  string `json:"updatedAt"`
	CreatedAt  string `json:"createdAt"`
	Role       string `json:"role"`
	WorkflowID string `json:"workflowId"`
	ProjectID  string `json:"projectId"`
}

type activeVersionJSON struct {
	UpdatedAt   string          `json:"updatedAt"`
	CreatedAt   string          `json:"createdAt"`
	VersionID   string          `json:"versionId"`
	WorkflowID  string          `json:"workflowId"`
	Nodes       []n8n.Node      `json:"nodes"`
	Connections json.RawMessage `json:"connections"`
	Authors     string          `json:"authors"`
	Name        *string         `json:"name"`
	Description *string         `json:"description"`
}

func stamp(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

func orNull(b json.RawMessage) json.RawMessage {
	if len(b) == 0 {
		return json.RawMessage("null")
	}
	return b
}

// render returns the workflow's JSON, computing it when stale. Caller
// holds s.mu.
func (s *Server) render(wf *workflow) []byte {
	if wf.json != nil {
		return wf.json
	}
	w := wf.w
	j := wfJSON{
		UpdatedAt: stamp(w.UpdatedAt), CreatedAt: stamp(w.CreatedAt), ID: w.ID, Name: w.Name, Active: w.Active,
		IsArchived: w.IsArchived, Nodes: w.Nodes, Connections: orNull(w.Connections), Settings: w.Settings,
		StaticData: orNull(w.StaticData), Meta: orNull(w.Meta), PinData: orNull(w.PinData), VersionID: w.VersionID,
		ActiveVersionID: w.ActiveVersionID, TriggerCount: w.TriggerCount,
		Shared: []sharedJSON{{stamp(w.CreatedAt), stamp(w.CreatedAt), "workflow:owner", w.ID, projectID}},
		Tags:   s.tagsOf(wf),
	}
	if j.Nodes == nil {
		j.Nodes = []n8n.Node{}
	}
	if w.Active {
		j.ActiveVersion = &activeVersionJSON{stamp(w.UpdatedAt), stamp(w.UpdatedAt), w.VersionID, w.ID, j.Nodes, j.Connections, "Godmode CI", nil, nil}
		if wf.pub != nil {
			j.ActiveVersion = wf.pub
		}
	}
	b, err := json.Marshal(j)
	if err != nil {
		b = []byte(`{"id":"` + w.ID + `","error":"n8ntest: unencodable workflow"}`)
	}
	wf.json = b
	return b
}

func (s *Server) tagsOf(wf *workflow) []n8n.Tag {
	out := []n8n.Tag{}
	for _, id := range wf.tagIDs {
		if t, ok := s.tags[id]; ok {
			out = append(out, *t)
		}
	}
	return out
}

func (s *Server) sortedIDs() []string {
	if !s.sorted {
		slices.Sort(s.ids)
		s.sorted = true
	}
	return s.ids
}

func (s *Server) listWorkflows(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	limit, c, _, ok := s.pageQuery(w, q)
	if !ok {
		return
	}
	active, ok := s.boolQuery(w, q, "active")
	if !ok {
		return
	}
	offset := 0
	if c.Offset != nil {
		offset = *c.Offset
	}
	name := strings.TrimSpace(q.Get("name"))
	_, hasName := q["name"]

	s.mu.Lock()
	defer s.mu.Unlock()
	var tagged map[string]bool
	if tags := q.Get("tags"); tags != "" {
		tagged = s.workflowsWithTags(strings.Split(tags, ","))
	}
	match := func(wf *workflow) bool {
		if active != nil && wf.w.Active != *active {
			return false
		}
		if hasName && !like(wf.w.Name, "%"+name+"%", !s.v2()) {
			return false
		}
		return tagged == nil || tagged[wf.w.ID]
	}
	buf := make([]byte, 0, 64<<10)
	buf = append(buf, `{"data":[`...)
	total, taken := 0, 0
	for _, id := range s.sortedIDs() {
		wf := s.workflows[id]
		if !match(wf) {
			continue
		}
		if total >= offset && (limit == 0 || taken < limit) {
			if taken > 0 {
				buf = append(buf, ',')
			}
			buf = append(buf, s.render(wf)...)
			taken++
		}
		total++
	}
	buf = append(buf, `],"nextCursor":`...)
	if total > offset+limit {
		buf = append(buf, '"')
		buf = append(buf, encodeOffset(limit, offset+limit)...)
		buf = append(buf, '"')
	} else {
		buf = append(buf, "null"...)
	}
	buf = append(buf, '}')
	writeRaw(w, 200, buf)
}

// workflowsWithTags mirrors n8n: the workflows carrying every named tag
// (names are exact). A name that matches no tag is ignored by 1.123.81;
// on 2.41.1 it makes the list empty (both seen).
func (s *Server) workflowsWithTags(names []string) map[string]bool {
	var sets []map[string]bool
	for _, n := range names {
		n = strings.TrimSpace(n)
		if s.v2() && !slices.ContainsFunc(s.tagIDs, func(id string) bool { return s.tags[id].Name == n }) {
			return map[string]bool{}
		}
		for _, t := range s.tags {
			if t.Name != n {
				continue
			}
			set := map[string]bool{}
			for id, wf := range s.workflows {
				if slices.Contains(wf.tagIDs, t.ID) {
					set[id] = true
				}
			}
			sets = append(sets, set)
		}
	}
	out := map[string]bool{}
	if len(sets) == 0 {
		return out
	}
	for id := range sets[0] {
		all := true
		for _, set := range sets[1:] {
			all = all && set[id]
		}
		if all {
			out[id] = true
		}
	}
	return out
}

func (s *Server) getWorkflow(w http.ResponseWriter, id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	wf := s.workflowOr404(w, id)
	if wf == nil {
		return
	}
	writeRaw(w, 200, s.render(wf))
}

// workflowOr404 is the workflow with id, or nil after answering n8n's 404.
// The caller holds s.mu.
func (s *Server) workflowOr404(w http.ResponseWriter, id string) *workflow {
	wf, ok := s.workflows[id]
	if !ok {
		writeJSON(w, 404, msg("Not Found"))
		return nil
	}
	return wf
}

// readWorkflow reads and validates a create or update body, answering
// n8n's refusal itself when it is not acceptable.
func (s *Server) readWorkflow(w http.ResponseWriter, r *http.Request) (n8n.Workflow, bool) {
	var body map[string]json.RawMessage
	if !readBody(w, r, &body) {
		return n8n.Workflow{}, false
	}
	in, problem := validateWorkflowBody(body, s.major)
	if problem != "" {
		writeJSON(w, 400, msg(problem))
		return n8n.Workflow{}, false
	}
	return in, true
}

func (s *Server) createWorkflow(w http.ResponseWriter, r *http.Request) {
	in, ok := s.readWorkflow(w, r)
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	wf := s.store(in)
	writeRaw(w, 200, s.render(wf))
}

// store adds a new, inactive workflow the way n8n's create does: fresh id
// and versionId, ids for nodes without one, default settings. Caller holds
// s.mu.
func (s *Server) store(in n8n.Workflow) *workflow {
	in.ID = s.workflowID()
	for s.workflows[in.ID] != nil {
		in.ID = s.workflowID()
	}
	return s.storeAs(in)
}

// storeAs is store keeping in.ID, which no workflow may hold. Caller
// holds s.mu.
func (s *Server) storeAs(in n8n.Workflow) *workflow {
	now := s.timestamp()
	in.Active, in.ActiveVersionID, in.IsArchived = false, nil, false
	in.VersionID = newUUID()
	in.CreatedAt, in.UpdatedAt = now, now
	in.Tags, in.Shared, in.ActiveVersion = nil, nil, nil
	normalize(&in, s.major)
	s.nameCredentials(&in)
	wf := &workflow{w: in, project: projectID}
	s.workflows[in.ID] = wf
	if n := len(s.ids); n > 0 && s.ids[n-1] > in.ID {
		s.sorted = false
	}
	s.ids = append(s.ids, in.ID)
	return wf
}

// normalize fills in what n8n fills in on create and update. Only 1.x
// adds settings of its own (callerPolicy, availableInMCP); 2.41.1 keeps
// the settings it is given (seen on both, see n8n/doc.go).
func normalize(w *n8n.Workflow, major int) {
	for i := range w.Nodes {
		if w.Nodes[i].ID == "" {
			w.Nodes[i].ID = newUUID()
		}
		if len(w.Nodes[i].Parameters) == 0 {
			w.Nodes[i].Parameters = json.RawMessage(`{}`)
		}
	}
	if w.Settings == nil {
		w.Settings = map[string]json.RawMessage{}
	}
	if _, ok := w.Settings["callerPolicy"]; !ok && major < 2 {
		w.Settings["callerPolicy"] = json.RawMessage(`"workflowsFromSameOwner"`)
	}
	if _, ok := w.Settings["availableInMCP"]; !ok && major < 2 {
		w.Settings["availableInMCP"] = json.RawMessage(`false`)
	}
	if len(w.Connections) == 0 {
		w.Connections = json.RawMessage(`{}`)
	}
	w.TriggerCount = 0
	if w.Active {
		w.TriggerCount = len(triggers(*w))
	}
}

func (s *Server) updateWorkflow(w http.ResponseWriter, r *http.Request, id string) {
	in, ok := s.readWorkflow(w, r)
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	wf := s.workflowOr404(w, id)
	if wf == nil {
		return
	}
	before := wf.w
	if status, problem := s.replace(wf, in); problem != "" {
		s.keepRefused(wf, in)
		writeJSON(w, status, msg(problem))
		return
	}
	if before.Active && s.v2() && s.updateLag > 0 {
		// 2.41.1 re-publishes after the PUT answers: a call right after
		// it may still run the version before (seen).
		wf.stale, wf.staleLeft = &before, s.updateLag
	}
	writeRaw(w, 200, s.render(wf))
}

// replace puts in's editable fields into wf; an active workflow is
// re-published, so its webhooks must still be free. Caller holds s.mu.
func (s *Server) replace(wf *workflow, in n8n.Workflow) (int, string) {
	next := s.edited(wf, in)
	if next.Active {
		if status, problem := s.register(wf, next); problem != "" {
			return status, problem
		}
		v := next.VersionID
		next.ActiveVersionID = &v
	}
	wf.w, wf.json, wf.pub = next, nil, nil
	return 0, ""
}

// edited is wf with in's editable fields, a new versionId and what n8n
// fills in. Caller holds s.mu.
func (s *Server) edited(wf *workflow, in n8n.Workflow) n8n.Workflow {
	next := wf.w
	next.Name, next.Nodes, next.Connections, next.Settings = in.Name, in.Nodes, in.Connections, in.Settings
	if in.StaticData != nil {
		next.StaticData = in.StaticData
	}
	next.VersionID = newUUID()
	next.UpdatedAt = s.timestamp()
	normalize(&next, s.major)
	s.nameCredentials(&next)
	return next
}

// keepRefused is what n8n does with a PUT of an active workflow that it
// refuses for a taken webhook path: the new nodes are saved all the same;
// 1.123.81 leaves the workflow inactive, 2.41.1 keeps the version before
// published and the new one as a draft (both seen). Caller holds s.mu.
func (s *Server) keepRefused(wf *workflow, in n8n.Workflow) {
	next := s.edited(wf, in)
	if !s.v2() {
		s.unregister(wf)
		next.Active, next.ActiveVersionID, next.TriggerCount = false, nil, 0
		wf.w, wf.json, wf.pub = next, nil, nil
		return
	}
	if wf.pub == nil {
		old := wf.w
		nodes := old.Nodes
		if nodes == nil {
			nodes = []n8n.Node{}
		}
		wf.pub = &activeVersionJSON{stamp(old.UpdatedAt), stamp(old.UpdatedAt), old.VersionID, old.ID, nodes, orNull(old.Connections), "Godmode CI", nil, nil}
	}
	next.ActiveVersionID, next.TriggerCount = wf.w.ActiveVersionID, wf.w.TriggerCount
	wf.w, wf.json = next, nil
}

func (s *Server) deleteWorkflow(w http.ResponseWriter, id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	wf := s.workflowOr404(w, id)
	if wf == nil {
		return
	}
	if s.v2() && wf.w.Active {
		writeJSON(w, 409, msg("Cannot delete a published workflow. Unpublish it before deleting."))
		return
	}
	if s.unpublishing[id] > 0 {
		s.unpublishTick(id)
		writeJSON(w, 409, msg("Workflow is still being unpublished. Please try again in a few moments."))
		return
	}
	delete(s.unpublishing, id)
	b := s.render(wf)
	s.remove(id)
	writeRaw(w, 200, b)
}

// remove deletes a workflow, its webhooks and its executions, as n8n
// does. Caller holds s.mu.
func (s *Server) remove(id string) {
	wf := s.workflows[id]
	s.unregister(wf)
	delete(s.workflows, id)
	if i := slices.Index(s.ids, id); i >= 0 {
		s.ids = slices.Delete(s.ids, i, i+1)
	}
	s.execIDs = slices.DeleteFunc(s.execIDs, func(e int) bool {
		if s.executions[e].summary.WorkflowID == id {
			delete(s.executions, e)
			return true
		}
		return false
	})
}

func (s *Server) activateWorkflow(w http.ResponseWriter, id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	wf, ok := s.workflows[id]
	if !ok {
		s.unknownWorkflowAction(w, "activate")
		return
	}
	if status, problem := s.activate(wf); problem != "" {
		writeJSON(w, status, msg(problem))
		return
	}
	writeRaw(w, 200, s.render(wf))
}

// activate refuses like n8n: no trigger node, or a webhook path another
// active workflow holds. Activating an active workflow changes nothing.
// Caller holds s.mu.
func (s *Server) activate(wf *workflow) (int, string) {
	if wf.w.Active {
		return 0, ""
	}
	if len(triggers(wf.w)) == 0 {
		return 400, s.msgNoTrigger(wf)
	}
	if problem := s.unpublishedSub(wf.w); problem != "" {
		return 400, problem
	}
	if status, problem := s.register(wf, wf.w); problem != "" {
		return status, problem
	}
	for _, k := range wf.hooks {
		if s.registrationLag > 0 {
			s.registering[k] = s.registrationLag
		}
	}
	v := wf.w.VersionID
	wf.w.Active, wf.w.ActiveVersionID = true, &v
	wf.stale, wf.staleLeft = nil, 0
	wf.w.TriggerCount = len(triggers(wf.w))
	wf.w.UpdatedAt = s.timestamp()
	wf.json = nil
	return 0, ""
}

func (s *Server) deactivateWorkflow(w http.ResponseWriter, id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	wf, ok := s.workflows[id]
	if !ok {
		s.unknownWorkflowAction(w, "deactivate")
		return
	}
	if wf.w.Active && s.v2() && s.unpublishLag > 0 {
		s.unpublishing[id] = s.unpublishLag
		for _, k := range wf.hooks {
			s.releasing[k] = wf.w.ID
		}
	}
	s.deactivate(wf)
	writeRaw(w, 200, s.render(wf))
}

func (s *Server) deactivate(wf *workflow) {
	if !wf.w.Active {
		return
	}
	s.unregister(wf)
	wf.w.Active, wf.w.ActiveVersionID, wf.w.TriggerCount, wf.pub = false, nil, 0, nil
	wf.stale, wf.staleLeft = nil, 0
	wf.w.UpdatedAt = s.timestamp()
	wf.json = nil
}

func (s *Server) getWorkflowTags(w http.ResponseWriter, id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	wf := s.workflowOr404(w, id)
	if wf == nil {
		return
	}
	writeJSON(w, 200, s.tagsOf(wf))
}

func (s *Server) setWorkflowTags(w http.ResponseWriter, r *http.Request, id string) {
	var body []struct {
		ID string `json:"id"`
	}
	if !readBody(w, r, &body) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	wf := s.workflowOr404(w, id)
	if wf == nil {
		return
	}
	ids := make([]string, 0, len(body))
	for _, t := range body {
		if _, ok := s.tags[t.ID]; !ok {
			writeJSON(w, 404, msg("Some tags not found"))
			return
		}
		ids = append(ids, t.ID)
	}
	wf.tagIDs, wf.json = ids, nil
	writeJSON(w, 200, s.tagsOf(wf))
}
