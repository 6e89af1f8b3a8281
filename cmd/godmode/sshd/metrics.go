package sshd

import (
	"fmt"
	"io"
	"math"
	"sync"
	"sync/atomic"
	"time"
)

// Reason is why a connection or session was refused or closed, as the
// metrics and logs name it.
type Reason string

// The reasons counted in godmode_ssh_refusals_total.
const (
	ReasonUnknownKey   Reason = "unknown_key"   // the auth layer did not accept the key
	ReasonPassword     Reason = "password"      // a password was tried; only keys are accepted
	ReasonRateLimited  Reason = "rate_limited"  // the address or login name is in its cool-down
	ReasonCapTotal     Reason = "cap_total"     // MaxSessions were open
	ReasonCapUser      Reason = "cap_user"      // MaxSessionsPerUser of that user were open
	ReasonIdle         Reason = "idle_closed"   // IdleTimeout passed without input
	ReasonPanic        Reason = "panic"         // the session's handler panicked
	ReasonShuttingDown Reason = "shutting_down" // the server was draining
)

// reasons fixes the order of the exposition, so that every reason is
// listed (with 0) from the start and a dashboard never sees one appear.
var reasons = []Reason{
	ReasonUnknownKey, ReasonPassword, ReasonRateLimited, ReasonCapTotal,
	ReasonCapUser, ReasonIdle, ReasonPanic, ReasonShuttingDown,
}

// frameBuckets are the upper bounds, in seconds, of the frame time
// histogram: around 16 ms, one frame at 60 Hz, where the console's target is.
var frameBuckets = []float64{0.001, 0.002, 0.004, 0.008, 0.016, 0.032, 0.064, 0.128, 0.256, 0.512, 1}

// metrics are the counters behind /metrics. Hand-written rather than
// prometheus/client_golang: a dozen numbers do not need its dependencies.
type metrics struct {
	sessionsTotal atomic.Int64
	refusals      sync.Map // Reason -> *atomic.Int64

	frameMu     sync.Mutex
	frameCounts []int64 // per bucket, not cumulative; the last is +Inf
	frameSum    time.Duration
	frameCount  int64
	frameMax    time.Duration
}

func newMetrics() *metrics {
	m := &metrics{frameCounts: make([]int64, len(frameBuckets)+1)}
	for _, r := range reasons {
		m.refusals.Store(r, new(atomic.Int64))
	}
	return m
}

func (m *metrics) refused(r Reason) {
	v, _ := m.refusals.LoadOrStore(r, new(atomic.Int64))
	v.(*atomic.Int64).Add(1)
}

func (m *metrics) refusalCount(r Reason) int64 {
	v, ok := m.refusals.Load(r)
	if !ok {
		return 0
	}
	return v.(*atomic.Int64).Load()
}

func (m *metrics) observeFrame(d time.Duration) {
	s := d.Seconds()
	i := len(frameBuckets)
	for j, b := range frameBuckets {
		if s <= b {
			i = j
			break
		}
	}
	m.frameMu.Lock()
	defer m.frameMu.Unlock()
	m.frameCounts[i]++
	m.frameSum += d
	m.frameCount++
	if d > m.frameMax {
		m.frameMax = d
	}
}

// write prints the metrics in the Prometheus text exposition format 0.0.4.
func (m *metrics) write(w io.Writer, open int) {
	fmt.Fprintf(w, "# HELP godmode_ssh_sessions_open SSH sessions open now.\n")
	fmt.Fprintf(w, "# TYPE godmode_ssh_sessions_open gauge\n")
	fmt.Fprintf(w, "godmode_ssh_sessions_open %d\n", open)
	fmt.Fprintf(w, "# HELP godmode_ssh_sessions_total SSH sessions accepted since the server started.\n")
	fmt.Fprintf(w, "# TYPE godmode_ssh_sessions_total counter\n")
	fmt.Fprintf(w, "godmode_ssh_sessions_total %d\n", m.sessionsTotal.Load())
	fmt.Fprintf(w, "# HELP godmode_ssh_refusals_total Connections refused at authentication and sessions refused or closed, by reason.\n")
	fmt.Fprintf(w, "# TYPE godmode_ssh_refusals_total counter\n")
	for _, r := range reasons {
		fmt.Fprintf(w, "godmode_ssh_refusals_total{reason=%q} %d\n", string(r), m.refusalCount(r))
	}

	m.frameMu.Lock()
	counts := append([]int64(nil), m.frameCounts...)
	sum, count, max := m.frameSum, m.frameCount, m.frameMax
	m.frameMu.Unlock()
	fmt.Fprintf(w, "# HELP godmode_frame_seconds Time the console's View took to render a frame.\n")
	fmt.Fprintf(w, "# TYPE godmode_frame_seconds histogram\n")
	var cum int64
	for i, b := range frameBuckets {
		cum += counts[i]
		fmt.Fprintf(w, "godmode_frame_seconds_bucket{le=\"%s\"} %d\n", formatFloat(b), cum)
	}
	cum += counts[len(frameBuckets)]
	fmt.Fprintf(w, "godmode_frame_seconds_bucket{le=\"+Inf\"} %d\n", cum)
	fmt.Fprintf(w, "godmode_frame_seconds_sum %s\n", formatFloat(sum.Seconds()))
	fmt.Fprintf(w, "godmode_frame_seconds_count %d\n", count)
	fmt.Fprintf(w, "# HELP godmode_frame_seconds_max The slowest frame since the server started.\n")
	fmt.Fprintf(w, "# TYPE godmode_frame_seconds_max gauge\n")
	fmt.Fprintf(w, "godmode_frame_seconds_max %s\n", formatFloat(max.Seconds()))
}

func formatFloat(f float64) string {
	if math.IsInf(f, 1) {
		return "+Inf"
	}
	return fmt.Sprintf("%g", f)
}
