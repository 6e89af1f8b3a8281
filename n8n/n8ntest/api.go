package n8ntest

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

func (s *Server) api(w http.ResponseWriter, r *http.Request) {
	path := strings.TrimPrefix(r.URL.Path, "/api/v1")
	parts := strings.Split(strings.Trim(path, "/"), "/")
	for i, p := range parts {
		if u, err := url.PathUnescape(p); err == nil {
			parts[i] = u
		}
	}
	route := r.Method + " " + parts[0]
	switch {
	case len(parts) == 1 && route == "GET workflows":
		s.listWorkflows(w, r)
	case len(parts) == 1 && route == "POST workflows":
		s.createWorkflow(w, r)
	case len(parts) == 2 && route == "GET workflows":
		s.getWorkflow(w, parts[1])
	case len(parts) == 2 && route == "PUT workflows":
		s.updateWorkflow(w, r, parts[1])
	case len(parts) == 2 && route == "DELETE workflows":
		s.deleteWorkflow(w, parts[1])
	case len(parts) == 3 && route == "POST workflows" && parts[2] == "activate":
		s.activateWorkflow(w, parts[1])
	case len(parts) == 3 && route == "POST workflows" && parts[2] == "deactivate":
		s.deactivateWorkflow(w, parts[1])
	case len(parts) == 3 && route == "POST workflows" && (parts[2] == "publish" || parts[2] == "unpublish"):
		if !s.v2() {
			methodNotAllowed(w, r)
			return
		}
		if parts[2] == "publish" {
			s.activateWorkflow(w, parts[1])
		} else {
			s.deactivateWorkflow(w, parts[1])
		}
	case len(parts) == 1 && route == "GET credentials":
		if !s.v2() {
			methodNotAllowed(w, r)
			return
		}
		s.listCredentials(w, r)
	case len(parts) == 3 && route == "GET workflows" && parts[2] == "tags":
		s.getWorkflowTags(w, parts[1])
	case len(parts) == 3 && route == "PUT workflows" && parts[2] == "tags":
		s.setWorkflowTags(w, r, parts[1])
	case len(parts) == 1 && route == "GET executions":
		s.listExecutions(w, r)
	case len(parts) == 2 && route == "GET executions":
		s.getExecution(w, r, parts[1])
	case len(parts) == 2 && route == "DELETE executions":
		s.deleteExecution(w, parts[1])
	case len(parts) == 3 && route == "POST executions" && parts[2] == "retry":
		s.retryExecution(w, r, parts[1])
	case len(parts) == 1 && route == "GET tags":
		s.listTags(w, r)
	case len(parts) == 1 && route == "POST tags":
		s.createTag(w, r)
	case len(parts) == 2 && route == "GET tags":
		s.getTag(w, parts[1])
	case len(parts) == 2 && route == "DELETE tags":
		s.deleteTag(w, parts[1])
	case len(parts) == 1 && route == "POST credentials":
		s.createCredential(w, r)
	case len(parts) == 2 && route == "GET credentials" && parts[1] != "schema":
		if !s.v2() {
			methodNotAllowed(w, r)
			return
		}
		s.getCredential(w, parts[1])
	case len(parts) == 2 && route == "DELETE credentials":
		s.deleteCredential(w, parts[1])
	case len(parts) == 3 && route == "GET credentials" && parts[1] == "schema":
		s.credentialSchema(w, parts[2])
	case parts[0] == "variables":
		// A community n8n has no licence for variables.
		writeJSON(w, 403, msg("Your license does not allow for feat:variables. To enable feat:variables, please upgrade to a license that supports this feature."))
	default:
		cannot(w, r)
	}
}

// readBody parses a JSON body; like n8n, a body that is not JSON gets an
// HTML 500 page.
func readBody(w http.ResponseWriter, r *http.Request, v any) bool {
	b, err := io.ReadAll(r.Body)
	if err != nil {
		writeHTML(w, 500, "ResponseError: Failed to parse request body")
		return false
	}
	if len(strings.TrimSpace(string(b))) == 0 {
		b = []byte("{}")
	}
	if err := json.Unmarshal(b, v); err != nil {
		writeHTML(w, 500, "ResponseError: Failed to parse request body")
		return false
	}
	return true
}

// pageQuery validates the query parameters shared by lists, with n8n's
// messages. It returns the limit and the decoded cursor.
func (s *Server) pageQuery(w http.ResponseWriter, q url.Values) (limit int, c cursor, hasCursor, ok bool) {
	limit = 100
	if v := q.Get("limit"); v != "" {
		n, err := strconv.ParseFloat(v, 64)
		if err != nil {
			writeJSON(w, 400, msg("request/query/limit must be number"))
			return 0, c, false, false
		}
		if n > 250 && !s.v2() {
			writeJSON(w, 400, msg("request/query/limit must be <= 250"))
			return 0, c, false, false
		}
		limit = int(n)
	}
	if v := q.Get("cursor"); v != "" {
		var good bool
		c, good = decodeCursor(v)
		if !good {
			writeJSON(w, 400, msg("An invalid cursor was provided"))
			return 0, c, false, false
		}
		limit, hasCursor = c.Limit, true
	}
	return limit, c, hasCursor, true
}

func (s *Server) boolQuery(w http.ResponseWriter, q url.Values, name string) (*bool, bool) {
	v, present := q[name]
	if !present {
		return nil, true
	}
	switch v[0] {
	case "true":
		t := true
		return &t, true
	case "false":
		f := false
		return &f, true
	}
	if s.v2() {
		writeJSON(w, 400, msg("request/query/"+name+" Invalid enum value. Expected 'true' | 'false', received '"+v[0]+"'"))
		return nil, false
	}
	writeJSON(w, 400, msg("request/query/"+name+" must be boolean"))
	return nil, false
}
