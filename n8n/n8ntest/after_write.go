package n8ntest

import (
	"net/http"
	"net/http/httptest"
	"sync/atomic"
)

// afterWrite is the knob of a write that takes effect and then fails: the
// unknown outcome a client meets on a timeout, or a process killed
// between the call and its record.
type afterWrite struct {
	writes atomic.Int64 // writes received since the server started
	// armed: the k-th write from now (countdown), its answer, and what to
	// run once it took effect.
	countdown int
	status    int
	then      func()
	noEffect  bool
}

// Writes is how many public API requests that change something (any
// method but GET) the server has received, faulted ones included.
func (s *Server) Writes() int64 { return s.after.writes.Load() }

// FailWriteAfterEffect makes the k-th next write request (k ≥ 1) take
// effect, then calls then (if not nil), then answers status instead of
// n8n's answer, or with status 0 answers nothing until the client gives
// up: the create happened but the client cannot know.
func (s *Server) FailWriteAfterEffect(k, status int, then func()) {
	s.faults.mu.Lock()
	s.after.countdown, s.after.status, s.after.then, s.after.noEffect = k, status, then, false
	s.faults.mu.Unlock()
}

// FailWriteAt makes the k-th next write request (k ≥ 1) answer status
// without taking effect; the writes before it are served.
func (s *Server) FailWriteAt(k, status int) {
	s.faults.mu.Lock()
	s.after.countdown, s.after.status, s.after.then, s.after.noEffect = k, status, nil, true
	s.faults.mu.Unlock()
}

// serveWrite serves a write, or, if it is the armed one, lets it take
// effect and answers as armed. It reports whether it answered.
func (s *Server) serveWrite(w http.ResponseWriter, r *http.Request) bool {
	if r.Method == http.MethodGet {
		return false
	}
	s.faults.mu.Lock()
	hit, noEffect := false, false
	var status int
	var then func()
	if s.after.countdown > 0 {
		s.after.countdown--
		if s.after.countdown == 0 {
			hit, status, then, noEffect = true, s.after.status, s.after.then, s.after.noEffect
			s.after.then = nil
		}
	}
	released := s.faults.released
	s.faults.mu.Unlock()
	if !hit {
		return false
	}
	if noEffect {
		writeJSON(w, status, msg("n8ntest: injected failure"))
		return true
	}
	s.api(httptest.NewRecorder(), r) // takes effect; n8n's answer is lost
	if then != nil {
		then()
	}
	if status == 0 {
		select {
		case <-r.Context().Done():
		case <-released:
		}
		return true
	}
	writeJSON(w, status, msg("n8ntest: injected failure after the write took effect"))
	return true
}
