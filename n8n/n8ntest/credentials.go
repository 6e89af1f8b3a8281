package n8ntest

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"sort"

	"github.com/godmode-console/godmode/n8n"
)

// credential-schemas.json holds the schemas a real n8n 1.123.81 answers on
// GET /credentials/schema/{type} for a few common types.
//
//go:embed credential-schemas.json
var schemasJSON []byte

var schemas = func() map[string]json.RawMessage {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(schemasJSON, &m); err != nil {
		panic("n8ntest: credential-schemas.json: " + err.Error())
	}
	return m
}()

type schema struct {
	Properties map[string]struct {
		Type any `json:"type"`
	} `json:"properties"`
	Required []string `json:"required"`
}

func (s *Server) credentialSchema(w http.ResponseWriter, typ string) {
	sc, ok := schemas[typ]
	if !ok {
		writeJSON(w, 404, msg("Not Found"))
		return
	}
	writeRaw(w, 200, sc)
}

func (s *Server) createCredential(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Name string         `json:"name"`
		Type string         `json:"type"`
		Data map[string]any `json:"data"`
	}
	if !readBody(w, r, &body) {
		return
	}
	raw, ok := schemas[body.Type]
	if !ok {
		writeJSON(w, 400, msg("req.body.type is not a known type"))
		return
	}
	if problem := checkData(raw, body.Data); problem != "" {
		writeJSON(w, 400, msg(problem))
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.timestamp()
	c := n8n.CredentialInfo{ID: newID(), Name: body.Name, Type: body.Type, CreatedAt: now, UpdatedAt: now}
	s.creds[c.ID] = c
	writeJSON(w, 200, map[string]any{"name": c.Name, "type": c.Type, "id": c.ID, "updatedAt": c.UpdatedAt,
		"createdAt": c.CreatedAt, "isManaged": false, "isGlobal": false})
}

// checkData validates the top level of a credential's data like n8n's
// jsonschema check (no extra properties, required ones present, scalar
// types); the conditional parts of real schemas are not modelled.
func checkData(raw json.RawMessage, data map[string]any) string {
	var sc schema
	_ = json.Unmarshal(raw, &sc)
	keys := make([]string, 0, len(data))
	for k := range data {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var problems []string
	for _, k := range keys {
		p, ok := sc.Properties[k]
		if !ok {
			problems = append(problems, fmt.Sprintf("request.body.data is not allowed to have the additional property %q", k))
			continue
		}
		if t, isString := p.Type.(string); isString && !typeMatches(t, data[k]) {
			problems = append(problems, fmt.Sprintf("request.body.data.%s is not of a type(s) %s", k, t))
		}
	}
	for _, k := range sc.Required {
		if _, ok := data[k]; !ok {
			problems = append(problems, fmt.Sprintf("request.body.data requires property %q", k))
		}
	}
	if len(problems) == 0 {
		return ""
	}
	out := problems[0]
	for _, p := range problems[1:] {
		out += "," + p
	}
	return out
}

func typeMatches(t string, v any) bool {
	switch t {
	case "string":
		_, ok := v.(string)
		return ok
	case "number":
		_, ok := v.(float64)
		return ok
	case "boolean":
		_, ok := v.(bool)
		return ok
	}
	return true
}

func (s *Server) deleteCredential(w http.ResponseWriter, id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.creds[id]
	if !ok {
		writeJSON(w, 404, msg("Not Found"))
		return
	}
	delete(s.creds, id)
	writeJSON(w, 200, c)
}

// Credentials lists the credentials stored "inside n8n" (without data).
func (s *Server) Credentials() []n8n.CredentialInfo {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]n8n.CredentialInfo, 0, len(s.creds))
	for _, c := range s.creds {
		out = append(out, c)
	}
	slices.SortFunc(out, func(a, b n8n.CredentialInfo) int { return a.CreatedAt.Compare(b.CreatedAt) })
	return out
}

// listCredentials is 2.x's GET /credentials: one page, oldest first.
func (s *Server) listCredentials(w http.ResponseWriter, r *http.Request) {
	limit, _, _, ok := s.pageQuery(w, r.URL.Query())
	if !ok {
		return
	}
	all := s.Credentials()
	if limit > 0 && len(all) > limit {
		all = all[:limit]
	}
	writeJSON(w, 200, map[string]any{"data": all, "nextCursor": nil})
}
