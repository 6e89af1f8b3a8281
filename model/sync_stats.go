package model

import (
	"cmp"
	"slices"
	"sync"
	"time"
)

// CycleBuckets are the upper bounds (seconds) of the cycle-time histogram.
var CycleBuckets = []float64{0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60}

// SyncStats is what a runner has done since it started: the daemon's
// /metrics and /healthz are made from it.
type SyncStats struct {
	RoundErrors int64  // rounds that could not start (Postgres unreachable)
	RoundError  string // why the latest round could not start; "" when it did
	Rounds      int64  // rounds started
	Instances   []InstanceSyncStats
	// CycleSeconds is a histogram of led cycles' durations: Counts[i] is
	// how many took at most CycleBuckets[i] (cumulative, as Prometheus
	// wants), Count all of them.
	CycleCounts []int64
	CycleCount  int64
	CycleSum    float64
}

// InstanceSyncStats is one instance as this runner saw it.
type InstanceSyncStats struct {
	InstanceID  int64
	Instance    string
	Led         bool // at the last round
	Cycles      int64
	Errors      int64
	Corrected   int64
	Requests    int64
	LastCycleAt time.Time
	LastOKAt    time.Time // zero: no good cycle yet
	LastCycle   time.Duration
	LastError   string
	// GaveUp counts the times this runner gave the instance's lead up
	// after failing; until GaveUpUntil it leaves the instance to others
	// (zero once a cycle of its own went well).
	GaveUp      int64
	GaveUpUntil time.Time
}

type syncStats struct {
	mu          sync.Mutex
	roundErrors int64
	roundError  string
	rounds      int64
	byID        map[int64]*InstanceSyncStats
	counts      []int64
	count       int64
	sum         float64
}

func (s *syncStats) get(in Instance) *InstanceSyncStats {
	if s.byID == nil {
		s.byID = map[int64]*InstanceSyncStats{}
		s.counts = make([]int64, len(CycleBuckets))
	}
	st, ok := s.byID[in.ID]
	if !ok {
		st = &InstanceSyncStats{InstanceID: in.ID}
		s.byID[in.ID] = st
	}
	st.Instance = in.Name
	return st
}

func (s *syncStats) follow(in Instance) { s.setLed(in, false) }

// lead notes an instance led from this round on, before its first cycle
// ends, so health can say it is starting rather than forget it.
func (s *syncStats) lead(in Instance) { s.setLed(in, true) }

func (s *syncStats) setLed(in Instance, led bool) {
	s.mu.Lock()
	s.get(in).Led = led
	s.mu.Unlock()
}

func (s *syncStats) round(err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err != nil {
		s.roundErrors++
		s.roundError = err.Error()
		return
	}
	s.rounds++
	s.roundError = ""
}

func (s *syncStats) record(in Instance, r CycleReport) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.get(in)
	st.Led = true
	st.Cycles++
	st.Requests += int64(r.Requests)
	st.Corrected += int64(len(r.Corrected))
	st.LastCycleAt, st.LastCycle = time.Now(), r.Took
	st.LastError = ""
	if r.GaveUp {
		st.GaveUp++
		st.GaveUpUntil = r.backOffUntil
	}
	if r.Err != nil {
		st.Errors++
		st.LastError = r.Err.Error()
	} else {
		st.GaveUpUntil = time.Time{}
		st.LastOKAt = st.LastCycleAt
	}
	sec := r.Took.Seconds()
	for i, b := range CycleBuckets {
		if sec <= b {
			s.counts[i]++
		}
	}
	s.count++
	s.sum += sec
}

// Stats returns a snapshot of the runner's counters, instances by name.
func (s *Syncer) Stats() SyncStats {
	s.stats.mu.Lock()
	defer s.stats.mu.Unlock()
	out := SyncStats{RoundErrors: s.stats.roundErrors, RoundError: s.stats.roundError, Rounds: s.stats.rounds, CycleCount: s.stats.count, CycleSum: s.stats.sum,
		CycleCounts: append([]int64(nil), s.stats.counts...)}
	if out.CycleCounts == nil {
		out.CycleCounts = make([]int64, len(CycleBuckets))
	}
	for _, st := range s.stats.byID {
		out.Instances = append(out.Instances, *st)
	}
	slices.SortFunc(out.Instances, func(a, b InstanceSyncStats) int { return cmp.Compare(a.Instance, b.Instance) })
	return out
}
