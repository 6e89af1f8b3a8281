package model

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/godmode-console/godmode/forensics"
	"github.com/godmode-console/godmode/n8n"
)

// Defaults of the failure summariser (SyncOptions).
const (
	DefaultFailureSummaries = 50       // n8n calls per instance and cycle
	DefaultSummaryMaxBytes  = 64 << 20 // an execution's data read to summarise it
	summaryConcurrency      = 4        // calls in flight to one instance
)

// summaryRun is what one cycle's summariser did.
type summaryRun struct {
	summaries []FailureSummary
	calls     int // n8n calls made (at most the budget)
	failed    int // calls that failed: the executions stay pending
}

// summariseFailures fetches, within the budget of n8n calls, the data of
// the instance's failed executions that have no summary yet (this cycle's
// and those left pending by earlier cycles), newest first so the morning
// look is right soonest, and boils each down to a FailureSummary; with
// budget left it reads this cycle's successes for errors their nodes
// swallowed. It never fails the cycle: an execution whose data cannot be
// read gets a summary saying so (it must not block the queue), and one
// whose call failed (n8n busy, the deadline) stays pending for the next
// cycle. The summariser gets at most half of the time left to the cycle,
// so the cycle's own write is never starved by it.
func (s *Syncer) summariseFailures(ctx context.Context, cl N8n, in Instance, fresh []SyncExecution, now time.Time) summaryRun {
	var run summaryRun
	budget := s.opt.FailureSummaries
	fs, ok := s.store.(FailureSummaryStore)
	if budget <= 0 || !ok {
		return run
	}
	since := now.Add(-PulseWindow)
	failed := func(e SyncExecution) bool {
		return (e.Status == string(n8n.StatusError) || e.Status == string(n8n.StatusCrashed)) && e.StartedAt.After(since)
	}
	var queue []SyncExecution
	seen := map[string]bool{}
	for _, e := range fresh {
		if failed(e) && !seen[e.ID] {
			seen[e.ID] = true
			queue = append(queue, e)
		}
	}
	pending, err := fs.PendingFailures(ctx, in.ID, since, budget)
	if err != nil {
		s.opt.Log.Error("failure summaries: reading the pending ones", "instance", in.Name, "err", err)
	}
	for _, e := range pending {
		if !seen[e.ID] {
			seen[e.ID] = true
			queue = append(queue, e)
		}
	}
	newestFirst(queue)
	if len(queue) > budget {
		queue = queue[:budget]
	}
	if left := budget - len(queue); left > 0 {
		var ok []SyncExecution
		for _, e := range fresh {
			if e.Status == string(n8n.StatusSuccess) && e.StartedAt.After(since) {
				ok = append(ok, e)
			}
		}
		newestFirst(ok)
		queue = append(queue, ok[:min(left, len(ok))]...)
	}
	if len(queue) == 0 {
		return run
	}
	if d, has := ctx.Deadline(); has {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, time.Until(d)/2)
		defer cancel()
	}
	out := make([]*FailureSummary, len(queue))
	called := make([]bool, len(queue))
	bad := make([]bool, len(queue))
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(summaryConcurrency, len(queue)) {
		wg.Go(func() {
			for i := range next {
				called[i] = true
				out[i], bad[i] = s.summariseOne(ctx, cl, queue[i])
			}
		})
	}
feed:
	for i := range queue {
		select {
		case next <- i:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
	for i := range queue {
		if called[i] {
			run.calls++
		}
		if bad[i] {
			run.failed++
		}
		if out[i] != nil {
			run.summaries = append(run.summaries, *out[i])
		}
	}
	if run.failed > 0 {
		s.opt.Log.Info("failure summaries: some executions could not be fetched; they stay pending", "instance", in.Name, "failed", run.failed)
	}
	return run
}

func newestFirst(es []SyncExecution) {
	slices.SortStableFunc(es, func(a, b SyncExecution) int {
		if c := b.StartedAt.Compare(a.StartedAt); c != 0 {
			return c
		}
		switch {
		case n8n.Newer(a.ID, b.ID):
			return -1
		case n8n.Newer(b.ID, a.ID):
			return 1
		}
		return 0
	})
}

// summariseOne fetches one execution's data and summarises it. It returns
// nil for a success with nothing swallowed, and failed when the call did
// not get an answer worth recording (the execution stays pending).
func (s *Syncer) summariseOne(ctx context.Context, cl N8n, e SyncExecution) (sum *FailureSummary, failed bool) {
	hard := e.Status != string(n8n.StatusSuccess)
	unreadable := func(why string) (*FailureSummary, bool) {
		if !hard {
			return nil, false // a success we could not read swallowed nothing we know of
		}
		x := newSummary(e, SummaryUnreadable, "", "", "unreadable", why, 0)
		return &x, false
	}
	raw, err := cl.GetExecution(ctx, e.ID, true)
	switch {
	case isGone(err):
		return unreadable("the execution is gone from n8n (deleted or pruned there) before its data was read")
	case errors.Is(err, n8n.ErrTooLarge):
		return unreadable("the execution's data is larger than the n8n client reads")
	case err != nil:
		return nil, true
	case len(raw) > s.opt.SummaryMaxBytes:
		return unreadable("the execution's data is over the " + sizeText(s.opt.SummaryMaxBytes) + " the summariser reads")
	}
	x, err := forensics.Open(raw)
	if err != nil {
		return unreadable("n8n's answer is not a readable execution")
	}
	if !hard {
		soft := x.SoftFailures()
		if len(soft) == 0 {
			return nil, false
		}
		items := 0
		for _, f := range soft {
			items += f.Items
		}
		first := soft[0]
		y := newSummary(e, SummarySwallowed, first.Node, first.NodeType, "swallowed", first.Message, items)
		return &y, false
	}
	f := x.FirstFailure()
	if f == nil {
		// n8n listed it failed but its data says otherwise (a retry that
		// rewrote it, a status changed since): say so rather than guess.
		return unreadable("n8n listed the execution as failed but its data holds no failure")
	}
	class := f.Error.Name
	if f.Error.HTTPCode != "" {
		class = "HTTP " + f.Error.HTTPCode
	}
	if class == "" {
		class = "Error"
	}
	msg := f.Error.Message
	if msg == "" {
		msg = f.Error.Description
	}
	y := newSummary(e, SummaryFailed, f.Node, f.NodeType, class, msg, 0)
	return &y, false
}

// sizeText says a byte count for people, rounded down.
func sizeText(n int) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%d MB", n>>20)
	case n >= 1<<10:
		return fmt.Sprintf("%d KB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}
