package model

import (
	"context"
	"fmt"
	"time"

	"github.com/godmode-console/godmode/n8n"
)

// backfill reads, by workflow id, the recent executions of campaigns whose
// workflow has no execution watermark (a campaign made or re-linked
// outside adoption), at most BackfillPerCycle of them: the instance-wide
// listing stops at the instance's newest execution read, so their earlier
// runs would never be seen. It drops from the listing the executions a
// workflow's watermark says are stored, adds the backfilled ones, and
// returns the workflows backfilled. On an instance's first cycle (first)
// the instance-wide listing reads the same window for every workflow, so
// it is their backfill and no request is made.
func (s *Syncer) backfill(ctx context.Context, cl N8n, campaigns []Campaign, marks map[string]string, lst *listing, now time.Time, first bool) ([]string, error) {
	kept := lst.executions[:0]
	seen := make(map[string]bool, len(lst.executions))
	for _, e := range lst.executions {
		if m, ok := marks[e.WorkflowID]; ok && m != "" && !n8n.Newer(e.ID, m) {
			continue // stored by an earlier read of this workflow
		}
		seen[e.ID] = true
		kept = append(kept, e)
	}
	lst.executions = kept
	listed := make(map[string]bool, len(lst.workflows))
	for _, w := range lst.workflows {
		listed[w.ID] = true
	}
	var done []string
	for _, c := range campaigns {
		if _, ok := marks[c.N8nWorkflowID]; ok || c.Status == CampaignArchived || !listed[c.N8nWorkflowID] {
			continue
		}
		if first {
			done = append(done, c.N8nWorkflowID)
			continue
		}
		if len(done) >= s.opt.BackfillPerCycle {
			break
		}
		b, err := readBackfill(ctx, cl, c.N8nWorkflowID, now, s.opt.InstanceTimeout)
		lst.requests++
		if err != nil {
			return nil, fmt.Errorf("backfilling campaign %s: %w", c.Name, err)
		}
		for _, e := range b.Executions {
			if !seen[e.ID] {
				seen[e.ID] = true
				lst.executions = append(lst.executions, n8n.Execution{ID: e.ID, WorkflowID: c.N8nWorkflowID, Status: n8n.Status(e.Status),
					Mode: e.Mode, StartedAt: e.StartedAt, StoppedAt: e.StoppedAt, RetryOf: e.RetryOf})
			}
		}
		done = append(done, c.N8nWorkflowID)
	}
	return done, nil
}

// watermarks is the newest execution stored per workflow this cycle, and
// "" for a workflow backfilled with nothing run, so it is not asked again.
func watermarks(campaigns []Campaign, es []SyncExecution, backfilled []string) map[string]string {
	wf := make(map[int64]string, len(campaigns))
	for _, c := range campaigns {
		wf[c.ID] = c.N8nWorkflowID
	}
	out := map[string]string{}
	for _, id := range backfilled {
		out[id] = ""
	}
	for _, e := range es {
		w := wf[e.CampaignID]
		if w == "" {
			continue
		}
		if cur := out[w]; cur == "" || n8n.Newer(e.ID, cur) {
			out[w] = e.ID
		}
	}
	return out
}
