package n8ntest

import (
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/godmode-console/godmode/n8n"
)

func (s *Server) listTags(w http.ResponseWriter, r *http.Request) {
	limit, c, _, ok := s.pageQuery(w, r.URL.Query())
	if !ok {
		return
	}
	offset := 0
	if c.Offset != nil {
		offset = *c.Offset
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	page := struct {
		Data       []n8n.Tag `json:"data"`
		NextCursor *string   `json:"nextCursor"`
	}{Data: []n8n.Tag{}}
	for i, id := range s.tagIDs {
		if i >= offset && (limit == 0 || i < offset+limit) {
			page.Data = append(page.Data, *s.tags[id])
		}
	}
	if len(s.tagIDs) > offset+limit {
		next := encodeOffset(limit, offset+limit)
		page.NextCursor = &next
	}
	writeJSON(w, 200, page)
}

func (s *Server) createTag(w http.ResponseWriter, r *http.Request) {
	var body map[string]any
	if !readBody(w, r, &body) {
		return
	}
	for k := range body {
		if k != "name" {
			writeJSON(w, 400, msg("request/body must NOT have additional properties"))
			return
		}
	}
	name, ok := body["name"].(string)
	if !ok {
		writeJSON(w, 400, msg("request/body must have required property 'name'"))
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	t, problem := s.addTag(name)
	if problem != "" {
		writeJSON(w, 409, msg(problem))
		return
	}
	writeJSON(w, 201, t)
}

// addTag creates a tag; names are unique. Caller holds s.mu.
func (s *Server) addTag(name string) (n8n.Tag, string) {
	name = strings.TrimSpace(name)
	if name == "" || utf8.RuneCountInString(name) > 24 {
		// n8n's tag names are 1-24 characters; its database refusal is
		// reported as a duplicate.
		return n8n.Tag{}, "Tag already exists"
	}
	for _, t := range s.tags {
		if t.Name == name {
			return n8n.Tag{}, "Tag already exists"
		}
	}
	now := s.timestamp()
	t := &n8n.Tag{ID: newID(), Name: name, CreatedAt: now, UpdatedAt: now}
	s.tags[t.ID] = t
	s.tagIDs = append(s.tagIDs, t.ID)
	return *t, ""
}

func (s *Server) getTag(w http.ResponseWriter, id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.tags[id]
	if !ok {
		writeJSON(w, 404, msg("Not Found"))
		return
	}
	writeJSON(w, 200, t)
}

func (s *Server) deleteTag(w http.ResponseWriter, id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.tags[id]
	if !ok {
		writeJSON(w, 404, msg("Not Found"))
		return
	}
	delete(s.tags, id)
	for i, x := range s.tagIDs {
		if x == id {
			s.tagIDs = append(s.tagIDs[:i], s.tagIDs[i+1:]...)
			break
		}
	}
	for _, wf := range s.workflows {
		for i, x := range wf.tagIDs {
			if x == id {
				wf.tagIDs, wf.json = append(wf.tagIDs[:i:i], wf.tagIDs[i+1:]...), nil
				break
			}
		}
	}
	writeJSON(w, 200, t)
}
