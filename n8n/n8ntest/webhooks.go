package n8ntest

import (
	"encoding/json"
	"net/http"
	"strings"

	"github.com/godmode-console/godmode/n8n"
)

type webhookOwner struct {
	workflowID string
	node       string
}

// triggers are the enabled nodes that can start a workflow on their own
// (a manual trigger cannot).
func triggers(w n8n.Workflow) []n8n.Node {
	var out []n8n.Node
	for _, n := range w.Nodes {
		if n.Disabled {
			continue
		}
		t := strings.ToLower(n.Type)
		if n.Type == n8n.WebhookNodeType || (strings.HasSuffix(t, "trigger") && !strings.HasSuffix(t, "manualtrigger")) ||
			strings.HasSuffix(t, ".cron") || strings.HasSuffix(t, ".interval") {
			out = append(out, n)
		}
	}
	return out
}

// webhookKey is how n8n identifies a production webhook: its method and
// its path (the webhookId for an empty path, webhookId/path for a
// dynamic one).
func webhookKey(h n8n.WebhookNode) string {
	path := strings.Trim(h.Path, "/")
	switch {
	case path == "":
		path = h.WebhookID
	case strings.Contains(path, ":"):
		path = h.WebhookID + "/" + path
	}
	return strings.ToUpper(h.Method) + " " + path
}

// register claims next's webhooks for wf, refusing a path another active
// workflow holds. Caller holds s.mu.
func (s *Server) register(wf *workflow, next n8n.Workflow) (int, string) {
	var keys []string
	for _, h := range next.WebhookNodes() {
		k := webhookKey(h)
		// 2.x checks registered webhooks only: a holder still registering
		// does not block the path (seen on 2.41.1: both end up active).
		if o, taken := s.webhooks[k]; taken && o.workflowID != wf.w.ID && s.registering[k] == 0 {
			return s.pathTaken(h.Name)
		}
		if holder, ok := s.releasing[k]; ok && holder != wf.w.ID && s.unpublishing[holder] > 0 {
			// 2.x: the deactivated holder lets go of the path when its
			// unpublishing ends (its own reactivation is let in at once).
			s.unpublishTick(holder)
			return s.pathTaken(h.Name)
		}
		keys = append(keys, k)
	}
	s.unregister(wf)
	for i, h := range next.WebhookNodes() {
		s.webhooks[keys[i]] = webhookOwner{wf.w.ID, h.Name}
	}
	wf.hooks = keys
	for _, k := range keys {
		delete(s.releasing, k)
	}
	delete(s.unpublishing, wf.w.ID)
	return 0, ""
}

func (s *Server) unregister(wf *workflow) {
	for _, k := range wf.hooks {
		if s.webhooks[k].workflowID == wf.w.ID {
			delete(s.webhooks, k)
		}
	}
	wf.hooks = nil
}

// serveWebhook runs the active workflow that holds the path, like n8n's
// production webhooks (responseMode onReceived: answers at once).
func (s *Server) serveWebhook(w http.ResponseWriter, r *http.Request) {
	path := strings.Trim(strings.TrimPrefix(r.URL.Path, "/webhook/"), "/")
	var body any = map[string]any{}
	if r.Body != nil {
		var v any
		if json.NewDecoder(r.Body).Decode(&v) == nil {
			body = v
		}
	}
	s.mu.Lock()
	owner, ok := s.webhooks[r.Method+" "+path]
	lag := s.consumeLag(path)
	ok = ok && !lag
	if !ok {
		s.mu.Unlock()
		for _, m := range []string{"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"} {
			if _, other := s.webhooks[m+" "+path]; other && !lag {
				writeJSON(w, 404, map[string]any{"code": 404, "message": "This webhook is not registered for " + r.Method + " requests. Did you mean to make a " + m + " request?"})
				return
			}
		}
		writeJSON(w, 404, map[string]any{"code": 404, "message": `The requested webhook "` + r.Method + " " + path + `" is not registered.`,
			"hint": "The workflow must be active for a production URL to run successfully."})
		return
	}
	headers := map[string]any{}
	for k, v := range r.Header {
		headers[strings.ToLower(k)] = strings.Join(v, ", ")
	}
	headers["host"] = r.Host
	query := map[string]any{}
	for k, v := range r.URL.Query() {
		query[k] = v[0]
	}
	item := map[string]any{"headers": headers, "params": map[string]any{}, "query": query, "body": body,
		"webhookUrl": "http://" + r.Host + "/webhook/" + path, "executionMode": "production"}
	wf := s.workflows[owner.workflowID]
	live := s.published(wf)
	if status, refusal := s.webhookAuth(live, owner.node, r); status != 0 {
		s.mu.Unlock()
		w.Header()["Content-Type"] = nil // n8n sends these without one
		w.WriteHeader(status)
		_, _ = w.Write([]byte(refusal))
		return
	}
	_, err := s.runSnapshot(live, run{mode: "webhook", trigger: owner.node, items: []map[string]any{item}})
	s.mu.Unlock()
	if err != "" {
		writeJSON(w, 500, msg(err))
		return
	}
	writeJSON(w, 200, msg("Workflow was started"))
}

// published is the version of an active workflow its webhooks run: the
// one before a PUT for a moment on 2.x (see SetUpdateLag), the published
// one when a draft is kept apart, else the workflow. Caller holds s.mu.
func (s *Server) published(wf *workflow) n8n.Workflow {
	if wf.staleLeft > 0 && wf.stale != nil {
		wf.staleLeft--
		return *wf.stale
	}
	w := wf.w
	if wf.pub != nil {
		w.Nodes, w.Connections, w.VersionID = wf.pub.Nodes, wf.pub.Connections, wf.pub.VersionID
	}
	return w
}

// webhookAuth checks a Webhook node's header auth like n8n: a credential
// id that does not exist (never created, or deleted since) is 500 `No
// authentication data defined on node!`, a missing or wrong header 403
// `Authorization data is wrong!` (both seen, as plain text). Other
// authentication kinds are not modelled. Caller holds s.mu.
func (s *Server) webhookAuth(w n8n.Workflow, node string, r *http.Request) (int, string) {
	for _, n := range w.Nodes {
		if n.Name != node {
			continue
		}
		var p struct {
			Authentication string `json:"authentication"`
		}
		_ = json.Unmarshal(n.Parameters, &p)
		if p.Authentication != "headerAuth" {
			return 0, ""
		}
		var refs map[string]struct {
			ID string `json:"id"`
		}
		_ = json.Unmarshal(n.Credentials, &refs)
		c, ok := s.creds[refs["httpHeaderAuth"].ID]
		if !ok {
			return 500, "No authentication data defined on node!"
		}
		name, _ := c.data["name"].(string)
		value, _ := c.data["value"].(string)
		if name == "" || r.Header.Get(name) != value {
			return 403, "Authorization data is wrong!"
		}
	}
	return 0, ""
}
