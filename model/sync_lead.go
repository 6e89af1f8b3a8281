package model

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// giveUps counts each led instance's failed cycles in a row, and when this
// runner gave an instance up, until when it leaves the instance to others.
// A leader that cannot work (a key n8n refuses, a key id its keyring lacks)
// would otherwise hold the lock forever while another process, with the
// right key, waits.
type giveUps struct {
	mu       sync.Mutex
	failures map[int64]int
	until    map[int64]time.Time
}

// after notes one cycle's outcome and says whether the runner must now give
// the instance up: max failures in a row. Giving up starts the back-off
// (until), so the runner does not take the lead straight back.
func (g *giveUps) after(id int64, ok bool, max int, until time.Time) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	if ok {
		delete(g.failures, id)
		return false
	}
	if g.failures == nil {
		g.failures, g.until = map[int64]int{}, map[int64]time.Time{}
	}
	g.failures[id]++
	if g.failures[id] < max {
		return false
	}
	delete(g.failures, id)
	g.until[id] = until
	return true
}

// notBackingOff returns the ids this runner may ask to lead now.
func (g *giveUps) notBackingOff(ids []int64, now time.Time) []int64 {
	g.mu.Lock()
	defer g.mu.Unlock()
	if len(g.until) == 0 {
		return ids
	}
	out := make([]int64, 0, len(ids))
	for _, id := range ids {
		if t, ok := g.until[id]; ok {
			if now.Before(t) {
				continue
			}
			delete(g.until, id)
		}
		out = append(out, id)
	}
	return out
}

func (s *Syncer) gaveUpReason(last error) string {
	return fmt.Sprintf("runner %s gave up the lead after %d failed cycles in a row and leaves the instance to another runner for %s; last failure: %v",
		s.opt.Name, s.opt.MaxFailedCycles, s.opt.LeadBackoff, last)
}

// release lets go of an instance's lead and says why.
func (s *Syncer) release(ctx context.Context, in Instance, reason string) {
	s.opt.Log.Warn("sync gave up the lead", "instance", in.Name, "runner", s.opt.Name,
		"failed_cycles", s.opt.MaxFailedCycles, "back_off", s.opt.LeadBackoff.String(), "reason", reason)
	if err := s.lead.Release(ctx, in.ID); err != nil {
		s.opt.Log.Error("sync lead not released", "instance", in.Name, "err", err.Error())
	}
}
