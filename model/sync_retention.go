package model

import (
	"context"
	"sync"
	"time"
)

// Default retention: executions are read for summaries of the last day and
// forensics of recent weeks; resolved findings are history worth a quarter.
const (
	DefaultExecutionRetention = 30 * 24 * time.Hour
	DefaultFindingRetention   = 90 * 24 * time.Hour
)

// pruneBatchesPerCycle bounds one cycle's deleting; what is left is taken
// on the next cycle, so a first prune of a large backlog never holds a
// cycle's slot for long.
const pruneBatchesPerCycle = 10

// PruneCount is how many rows retention deleted.
type PruneCount struct {
	Executions int
	Findings   int
}

// SyncPrune asks the store to delete one batch of an instance's old rows,
// only while the lease holds. A zero time keeps that kind of row.
type SyncPrune struct {
	Lease            SyncLease
	ExecutionsBefore time.Time // executions started before this
	FindingsBefore   time.Time // findings resolved before this; open ones always stay
	Limit            int       // rows per kind at most
}

// pruneTimes is when each instance was last pruned to the end.
type pruneTimes struct {
	mu   sync.Mutex
	last map[int64]time.Time
}

// cycle runs one led cycle and, when it went well, applies retention.
func (s *Syncer) cycle(ctx context.Context, in Instance, lease SyncLease) CycleReport {
	rep := s.cycleLed(ctx, in, lease)
	if rep.Err == nil {
		rep.Pruned = s.prune(ctx, in, lease)
	}
	return rep
}

// prune deletes the instance's rows past retention, in batches, at most
// every PruneEvery once a prune reached the end. A failure is logged, not
// the cycle's: the data synced fine.
func (s *Syncer) prune(ctx context.Context, in Instance, lease SyncLease) PruneCount {
	var total PruneCount
	now := s.opt.Now()
	p := SyncPrune{Lease: lease, Limit: s.opt.PruneBatch}
	if s.opt.ExecutionRetention > 0 {
		p.ExecutionsBefore = now.Add(-s.opt.ExecutionRetention)
	}
	if s.opt.FindingRetention > 0 {
		p.FindingsBefore = now.Add(-s.opt.FindingRetention)
	}
	if p.ExecutionsBefore.IsZero() && p.FindingsBefore.IsZero() {
		return total
	}
	s.pruned.mu.Lock()
	last, ok := s.pruned.last[in.ID]
	s.pruned.mu.Unlock()
	if ok && now.Sub(last) < s.opt.PruneEvery {
		return total
	}
	ctx, cancel := context.WithTimeout(ctx, s.opt.InstanceTimeout)
	defer cancel()
	for range pruneBatchesPerCycle {
		n, err := s.store.PruneSync(ctx, p)
		total.Executions += n.Executions
		total.Findings += n.Findings
		if err != nil {
			if ctx.Err() == nil {
				s.opt.Log.Warn("sync retention failed; trying again next cycle", "instance", in.Name, "err", err.Error())
			}
			return total
		}
		if n.Executions < p.Limit && n.Findings < p.Limit {
			s.pruned.mu.Lock()
			if s.pruned.last == nil {
				s.pruned.last = map[int64]time.Time{}
			}
			s.pruned.last[in.ID] = now
			s.pruned.mu.Unlock()
			return total
		}
	}
	return total
}
