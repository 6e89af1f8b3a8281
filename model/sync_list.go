package model

import (
	"context"
	"fmt"
	"time"

	"github.com/godmode-console/godmode/n8n"
)

// maxWorkflowPages stops a listing that never ends (a cursor that loops):
// 4,000 pages is a million workflows on one instance.
const maxWorkflowPages = 4000

// listing is everything a cycle read from n8n. It is used only when err is
// nil: a listing that failed on any page writes nothing.
type listing struct {
	workflows  []n8n.Workflow
	executions []n8n.Execution // newer than the last seen, newest first
	newest     string          // newest execution id seen
	truncated  bool
	requests   int
	took       time.Duration // time spent in n8n requests
	err        error
}

// read lists every workflow page, then the executions newer than last (on
// a first cycle, last is "" and the window is bounded), all into memory.
func (s *Syncer) read(ctx context.Context, cl N8n, last string, now time.Time) (l listing) {
	start := time.Now()
	defer func() { l.took = time.Since(start) }()
	cursor := ""
	seen := map[string]bool{}
	for page := 1; ; page++ {
		if page > maxWorkflowPages {
			l.err = fmt.Errorf("listing workflows: more than %d pages; the cursor may loop", maxWorkflowPages)
			return l
		}
		l.requests++
		p, err := cl.ListWorkflows(ctx, n8n.WorkflowFilter{Limit: n8n.MaxPageSize}, cursor)
		if err != nil {
			l.err = fmt.Errorf("listing workflows, page %d: %w", page, err)
			return l
		}
		for _, w := range p.Data {
			// Offset paging may show a workflow twice when one is created
			// meanwhile; keep the first.
			if !seen[w.ID] {
				seen[w.ID] = true
				l.workflows = append(l.workflows, w)
			}
		}
		if cursor = p.Next(); cursor == "" || len(p.Data) == 0 {
			break
		}
	}
	maxPages := s.opt.MaxExecutionPages
	if last == "" {
		maxPages = s.opt.FirstPages
	}
	oldest := now.Add(-s.opt.FirstWindow)
	cursor = ""
	for page := 1; ; page++ {
		l.requests++
		p, err := cl.ListExecutions(ctx, n8n.ExecutionFilter{Limit: n8n.MaxPageSize}, cursor)
		if err != nil {
			l.err = fmt.Errorf("listing executions, page %d: %w", page, err)
			return l
		}
		for _, e := range p.Data {
			if last != "" && !n8n.Newer(e.ID, last) {
				return l // everything from here on was read by an earlier cycle
			}
			if last == "" && !e.StartedAt.IsZero() && e.StartedAt.Before(oldest) {
				return l
			}
			if l.newest == "" || n8n.Newer(e.ID, l.newest) {
				l.newest = e.ID
			}
			l.executions = append(l.executions, e)
		}
		if cursor = p.Next(); cursor == "" || len(p.Data) == 0 {
			return l
		}
		if page >= maxPages {
			l.truncated = last != ""
			return l
		}
	}
}
