package n8ntest

import (
	_ "embed"
	"encoding/json"
	"net/http"
	"slices"

	"github.com/godmode-console/godmode/n8n"
)

// credential-schemas.json holds the schemas a real n8n 1.123.81 answers on
// GET /credentials/schema/{type} for a few common types, and
// credential-schemas-2.json what 2.41.1 answers: no allOf/if/then
// conditions there, and allowedHttpRequestDomains/allowedDomains on the
// HTTP and OpenAI types.
//
//go:embed credential-schemas.json
var schemasJSON []byte

//go:embed credential-schemas-2.json
var schemas2JSON []byte

var schemas, schemas2 = loadSchemas("credential-schemas.json", schemasJSON), loadSchemas("credential-schemas-2.json", schemas2JSON)

func loadSchemas(name string, b []byte) map[string]json.RawMessage {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		panic("n8ntest: " + name + ": " + err.Error())
	}
	return m
}

// credential is a stored credential; data stays inside the fake (the
// webhook's header auth reads it) and is never in an answer.
type credential struct {
	info n8n.CredentialInfo
	data map[string]any
	seq  int // creation order (timestamps are to the millisecond)
}

func (s *Server) schemaOf(typ string) (json.RawMessage, bool) {
	if s.v2() {
		sc, ok := schemas2[typ]
		return sc, ok
	}
	sc, ok := schemas[typ]
	return sc, ok
}

func (s *Server) credentialSchema(w http.ResponseWriter, typ string) {
	sc, ok := s.schemaOf(typ)
	if !ok {
		writeJSON(w, 404, msg("Not Found"))
		return
	}
	writeRaw(w, 200, sc)
}

func (s *Server) createCredential(w http.ResponseWriter, r *http.Request) {
	var body map[string]json.RawMessage
	if !readBody(w, r, &body) {
		return
	}
	for _, k := range []string{"name", "type", "data"} {
		if _, ok := body[k]; !ok {
			writeJSON(w, 400, msg("request/body must have required property '"+k+"'"))
			return
		}
	}
	var name, typ string
	var data map[string]any
	if json.Unmarshal(body["name"], &name) != nil || json.Unmarshal(body["type"], &typ) != nil || json.Unmarshal(body["data"], &data) != nil || data == nil {
		writeJSON(w, 400, msg("request/body/data must be object"))
		return
	}
	raw, ok := s.schemaOf(typ)
	if !ok {
		writeJSON(w, 400, msg("req.body.type is not a known type"))
		return
	}
	if problem := checkData(raw, data); problem != "" {
		writeJSON(w, 400, msg(problem))
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.timestamp()
	s.credSeq++
	c := &credential{info: n8n.CredentialInfo{ID: newID(), Name: name, Type: typ, CreatedAt: now, UpdatedAt: now}, data: data, seq: s.credSeq}
	s.creds[c.info.ID] = c
	writeJSON(w, 200, s.credentialJSON(c.info, true))
}

// credentialJSON is a credential as create (and, without the id on 1.x,
// delete) answers it: its description, never its data.
func (s *Server) credentialJSON(c n8n.CredentialInfo, withID bool) map[string]any {
	m := map[string]any{"name": c.Name, "type": c.Type, "updatedAt": c.UpdatedAt, "createdAt": c.CreatedAt, "isManaged": false, "isGlobal": false}
	if withID {
		m["id"] = c.ID
	}
	if s.v2() {
		m["isResolvable"], m["resolvableAllowFallback"], m["resolverId"] = false, false, nil
	}
	return m
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
	// 1.123.81 answers without the id; 2.41.1 with it and its scope.
	m := s.credentialJSON(c.info, s.v2())
	if s.v2() {
		m["usageScope"] = "project"
	}
	writeJSON(w, 200, m)
}

// getCredential is 2.x's GET /credentials/{id}: the description only.
func (s *Server) getCredential(w http.ResponseWriter, id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.creds[id]
	if !ok {
		writeJSON(w, 404, msg("Credential not found"))
		return
	}
	m := s.credentialJSON(c.info, true)
	writeJSON(w, 200, m)
}

// Credentials lists the credentials stored "inside n8n" (without data),
// oldest first.
func (s *Server) Credentials() []n8n.CredentialInfo {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.credentialList()
}

// credentialList is every credential, oldest first. Caller holds s.mu.
func (s *Server) credentialList() []n8n.CredentialInfo {
	all := make([]*credential, 0, len(s.creds))
	for _, c := range s.creds {
		all = append(all, c)
	}
	slices.SortFunc(all, func(a, b *credential) int { return a.seq - b.seq })
	out := make([]n8n.CredentialInfo, len(all))
	for i, c := range all {
		out[i] = c.info
	}
	return out
}

// listCredentials is 2.x's GET /credentials: newest first, paged by an
// offset cursor; 2.41.1 ignores name and type filters, and so does this.
func (s *Server) listCredentials(w http.ResponseWriter, r *http.Request) {
	limit, c, _, ok := s.pageQuery(w, r.URL.Query())
	if !ok {
		return
	}
	offset := 0
	if c.Offset != nil {
		offset = *c.Offset
	}
	s.mu.Lock()
	all := s.credentialList()
	s.mu.Unlock()
	slices.Reverse(all)
	page := map[string]any{"data": []n8n.CredentialInfo{}, "nextCursor": nil}
	if offset < len(all) {
		end := len(all)
		if limit > 0 && offset+limit < end {
			end = offset + limit
			page["nextCursor"] = encodeOffset(limit, end)
		}
		page["data"] = all[offset:end]
	}
	writeJSON(w, 200, page)
}

// nameCredentials rewrites each node's credential references to the
// stored credential's name, as n8n does on create: a reference to an id
// that does not exist is kept as sent. Caller holds s.mu.
func (s *Server) nameCredentials(w *n8n.Workflow) {
	for i, n := range w.Nodes {
		if len(n.Credentials) == 0 {
			continue
		}
		var refs map[string]json.RawMessage
		if json.Unmarshal(n.Credentials, &refs) != nil {
			continue
		}
		changed := false
		for typ, raw := range refs {
			var ref map[string]any
			if json.Unmarshal(raw, &ref) != nil {
				continue
			}
			id, _ := ref["id"].(string)
			if c, ok := s.creds[id]; ok && ref["name"] != c.info.Name {
				ref["name"] = c.info.Name
				refs[typ], _ = json.Marshal(ref)
				changed = true
			}
		}
		if changed {
			w.Nodes[i].Credentials, _ = json.Marshal(refs)
		}
	}
}
