package n8ntest

import (
	"net/http"
	"sync"
	"time"
)

// faults are the knobs that make the server misbehave on purpose. Each
// "next N" knob applies to the next N public API requests, in the order
// FailNext, HangNext, CloseNext.
type faults struct {
	mu       sync.Mutex
	latency  time.Duration
	fail     []int // statuses for the next requests, one each
	failW    []int // statuses for the next requests that change something
	hang     int
	close    int
	released chan struct{} // closed by Close to free hanging requests
}

// SetLatency delays every public API answer by d (0 to stop).
func (s *Server) SetLatency(d time.Duration) {
	s.faults.mu.Lock()
	s.faults.latency = d
	s.faults.mu.Unlock()
}

// FailNext answers the next n API requests with status (for 502, 503 and
// 504 with a proxy's HTML page, as a load balancer in front of n8n would).
func (s *Server) FailNext(n int, status int) {
	s.faults.mu.Lock()
	for range n {
		s.faults.fail = append(s.faults.fail, status)
	}
	s.faults.mu.Unlock()
}

// FailNextWrite answers the next n API requests that change something
// (any method but GET) with status, and lets reads through: a screen test
// can fail a toggle while the panes around it keep loading.
func (s *Server) FailNextWrite(n int, status int) {
	s.faults.mu.Lock()
	for range n {
		s.faults.failW = append(s.faults.failW, status)
	}
	s.faults.mu.Unlock()
}

// HangNext makes the next n API requests never answer: they hang until the
// client gives up or the server closes.
func (s *Server) HangNext(n int) {
	s.faults.mu.Lock()
	s.faults.hang += n
	s.faults.mu.Unlock()
}

// CloseNext makes the next n API requests lose their connection without an
// answer.
func (s *Server) CloseNext(n int) {
	s.faults.mu.Lock()
	s.faults.close += n
	s.faults.mu.Unlock()
}

// ClearFaults removes every pending fault and the latency.
func (s *Server) ClearFaults() {
	s.faults.mu.Lock()
	s.faults.latency, s.faults.fail, s.faults.failW, s.faults.hang, s.faults.close = 0, nil, nil, 0, 0
	s.after.countdown, s.after.then = 0, nil
	s.faults.mu.Unlock()
}

func (f *faults) release() {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.released == nil {
		f.released = make(chan struct{})
	}
	select {
	case <-f.released:
	default:
		close(f.released)
	}
}

// apply runs the pending fault for this request; it reports whether the
// request should then be served normally.
func (f *faults) apply(w http.ResponseWriter, r *http.Request) bool {
	f.mu.Lock()
	if f.released == nil {
		f.released = make(chan struct{})
	}
	latency, released := f.latency, f.released
	status, hang, closeConn := 0, false, false
	switch {
	case len(f.fail) > 0:
		status, f.fail = f.fail[0], f.fail[1:]
	case len(f.failW) > 0 && r.Method != http.MethodGet:
		status, f.failW = f.failW[0], f.failW[1:]
	case f.hang > 0:
		f.hang--
		hang = true
	case f.close > 0:
		f.close--
		closeConn = true
	}
	f.mu.Unlock()

	if latency > 0 {
		t := time.NewTimer(latency)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return false
		case <-released:
			t.Stop()
			return false
		}
	}
	switch {
	case status != 0:
		if status == 502 || status == 503 || status == 504 {
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(status)
			_, _ = w.Write([]byte("<html>\r\n<head><title>" + http.StatusText(status) + "</title></head>\r\n<body>\r\n<center><h1>" +
				http.StatusText(status) + "</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"))
		} else {
			writeJSON(w, status, msg("n8ntest: injected failure"))
		}
		return false
	case hang:
		select {
		case <-r.Context().Done():
		case <-released:
		}
		return false
	case closeConn:
		if hj, ok := w.(http.Hijacker); ok {
			if conn, _, err := hj.Hijack(); err == nil {
				_ = conn.Close()
				return false
			}
		}
		panic(http.ErrAbortHandler) // closes the connection without an answer
	}
	return true
}
