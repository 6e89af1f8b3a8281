package n8ntest

import "sync/atomic"

// inFlight counts the API requests being served, and the most seen at
// once: what a test of a client-side concurrency bound checks.
type inFlight struct {
	now, max atomic.Int64
}

func (f *inFlight) enter() {
	n := f.now.Add(1)
	for {
		m := f.max.Load()
		if n <= m || f.max.CompareAndSwap(m, n) {
			return
		}
	}
}

func (f *inFlight) leave() { f.now.Add(-1) }

// MaxInFlight is the most API requests the server was serving at once
// (latency and hangs included) since it started or ResetMaxInFlight.
func (s *Server) MaxInFlight() int64 { return s.inflight.max.Load() }

// ResetMaxInFlight starts the count of MaxInFlight again from now.
func (s *Server) ResetMaxInFlight() { s.inflight.max.Store(s.inflight.now.Load()) }
