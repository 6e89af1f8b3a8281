package n8ntest

import (
	"fmt"
	"net/http"
	"sort"
	"strings"

	"github.com/godmode-console/godmode/n8n"
)

// WithMajor makes the server behave like n8n major m: 1 (the default,
// 1.123.81) or 2 (2.41.1). Where 2.x differs, as seen on a real 2.41.1:
//   - activation refusals: no trigger in other words; a taken webhook path
//     is 409 `There is a conflict with one of the webhooks.`
//   - deleting a published workflow is refused (409), and so is deleting
//     one right after its deactivation, while n8n is "still being
//     unpublished"; its webhook paths stay taken for another workflow's
//     activation until that ends (SetUnpublishLag, default 1 refused
//     request, a delete or such an activation)
//   - production webhooks answer "not registered" for a moment after the
//     activation (SetRegistrationLag, default 1 request), and in that
//     moment another workflow may be activated on the same path
//   - after a PUT of an active workflow its webhook runs the version
//     before for a moment (SetUpdateLag, default 1 call); a PUT refused
//     for a taken path keeps the new nodes as a draft (1.x: saves them
//     and leaves the workflow inactive)
//   - the name filter is case-sensitive; a tags filter naming a tag that
//     does not exist finds nothing (1.x ignores that name)
//   - credentials: GET /credentials (newest first, paged, no filters) and
//     GET /credentials/{id}; schemas without allOf conditions
//   - waiting executions are listed
//   - create and update: unknown keys are `Unrecognized key(s) in object`,
//     pinData is accepted, versionId is read-only
//   - limit over 250 and any status filter are accepted
//   - a bad key is `Unauthorized`; acting on an unknown workflow is a 404
//     `You do not have permission to activate this workflow…`
//   - POST /workflows/{id}/publish and /unpublish, GET /credentials
//   - a retry's answer carries retryOf as a string
func WithMajor(m int) Option {
	return func(s *Server) {
		s.major = m
		if m >= 2 {
			s.unpublishLag, s.registrationLag, s.updateLag = 1, 1, 1
		}
	}
}

// Major is the major the server behaves like.
func (s *Server) Major() int { return s.major }

func (s *Server) v2() bool { return s.major >= 2 }

// SetUnpublishLag sets how many requests a 2.x server refuses after each
// deactivation while it is "still being unpublished" (0: none): deletes of
// the workflow, and activations of others on its webhook paths.
func (s *Server) SetUnpublishLag(n int) {
	s.mu.Lock()
	s.unpublishLag = n
	s.mu.Unlock()
}

// SetUpdateLag sets how many calls to an active workflow's webhooks a
// 2.x server still runs with the version before a PUT (0: none).
func (s *Server) SetUpdateLag(n int) {
	s.mu.Lock()
	s.updateLag = n
	s.mu.Unlock()
}

// SetRegistrationLag sets how many requests to each production webhook a
// 2.x server answers "not registered" after each activation (0: none).
func (s *Server) SetRegistrationLag(n int) {
	s.mu.Lock()
	s.registrationLag = n
	s.mu.Unlock()
}

// Refusal texts of each major.
func (s *Server) msgUnauthorized() string {
	if s.v2() {
		return "Unauthorized"
	}
	return "unauthorized"
}

func (s *Server) msgNoTrigger(wf *workflow) string {
	if s.v2() {
		return "Workflow cannot be activated because it has no trigger node. At least one trigger, webhook, or polling node is required."
	}
	return `Workflow "` + wf.w.Name + `" (ID: ` + wf.w.ID + `) has no node to start the workflow - at least one trigger, poller or webhook node is required`
}

// pathTaken is the status and text of a refusal for a taken path.
func (s *Server) pathTaken(node string) (int, string) {
	if s.v2() {
		return 409, "There is a conflict with one of the webhooks."
	}
	return 400, `The URL path that the "` + node + `" node uses is already taken. Please change it to something else.`
}

// unknownWorkflowAction answers an action on a workflow that does not
// exist: 1.x says Not Found, 2.x that you lack the permission.
func (s *Server) unknownWorkflowAction(w http.ResponseWriter, verb string) {
	if s.v2() {
		writeJSON(w, 404, msg("You do not have permission to "+verb+" this workflow. Ask the owner to share it with you."))
		return
	}
	writeJSON(w, 404, msg("Not Found"))
}

// unrecognized is 2.x's (zod's) refusal of unknown keys at where.
func unrecognized(where string, keys []string) string {
	sort.Strings(keys)
	return fmt.Sprintf("%s Unrecognized key(s) in object: '%s'", where, strings.Join(keys, "', '"))
}

// methodNotAllowed is 1.x's answer on a route it does not have.
func methodNotAllowed(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, 405, msg(r.Method+" method not allowed"))
}

// consumeLag reports whether a 2.x server still answers the webhook path
// "not registered", counting this request. Caller holds s.mu.
func (s *Server) consumeLag(path string) bool {
	lag := false
	for k, n := range s.registering {
		if _, p, _ := strings.Cut(k, " "); p != path || n <= 0 {
			continue
		}
		lag = true
		if n == 1 {
			delete(s.registering, k)
		} else {
			s.registering[k] = n - 1
		}
	}
	return lag
}

// settled drops the 2.x lags of a workflow changed "inside n8n": seeded
// state is as if it had been there a while. Caller holds s.mu.
func (s *Server) settled(wf *workflow) {
	for _, k := range wf.hooks {
		delete(s.registering, k)
		delete(s.releasing, k)
	}
	delete(s.unpublishing, wf.w.ID)
}

// unpublishTick counts one request refused because workflow id is still
// being unpublished; the last one ends the unpublishing, which frees its
// delete and its paths together, as 2.41.1's background unpublisher does.
// Caller holds s.mu.
func (s *Server) unpublishTick(id string) {
	if s.unpublishing[id]--; s.unpublishing[id] > 0 {
		return
	}
	delete(s.unpublishing, id)
	for k, holder := range s.releasing {
		if holder == id {
			delete(s.releasing, k)
		}
	}
}

// EditDraft saves a draft of a workflow "inside n8n", as 2.x's editor
// does: the nodes and versionId change, what is published (activeVersion,
// activeVersionId, the registered webhooks) does not. On 1.x it is Edit.
func (s *Server) EditDraft(id string, edit func(*n8n.Workflow)) error {
	if !s.v2() {
		return s.Edit(id, edit)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	wf, ok := s.workflows[id]
	if !ok {
		return fmt.Errorf("%w: workflow %s", ErrNotFound, id)
	}
	if wf.w.Active && wf.pub == nil {
		w := wf.w
		nodes := w.Nodes
		if nodes == nil {
			nodes = []n8n.Node{}
		}
		wf.pub = &activeVersionJSON{stamp(w.UpdatedAt), stamp(w.UpdatedAt), w.VersionID, w.ID, nodes, orNull(w.Connections), "Godmode CI", nil, nil}
	}
	next := wf.w
	next.Nodes = append([]n8n.Node(nil), wf.w.Nodes...)
	edit(&next)
	next.VersionID, next.UpdatedAt = newUUID(), s.timestamp()
	normalize(&next, s.major)
	next.Active, next.ActiveVersionID, next.TriggerCount = wf.w.Active, wf.w.ActiveVersionID, wf.w.TriggerCount
	wf.w, wf.json = next, nil
	return nil
}

// unpublishedSub is 2.x's refusal to publish a workflow whose Execute
// Workflow node calls a workflow that is not published (1.x calls any).
// Caller holds s.mu.
func (s *Server) unpublishedSub(w n8n.Workflow) string {
	if !s.v2() {
		return ""
	}
	for _, n := range w.Nodes {
		if n.Disabled || !isExecuteWorkflow(n) {
			continue
		}
		if sub, ok := s.workflows[subWorkflowID(n)]; ok && !sub.w.Active && sub.w.ID != w.ID {
			return `Cannot publish workflow: Node "` + n.Name + `" references workflow ` + sub.w.ID + ` ("` + sub.w.Name +
				`") which is not published. Please publish all referenced sub-workflows first.`
		}
	}
	return ""
}
