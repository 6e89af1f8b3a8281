package model

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/godmode-console/godmode/forensics"
	"github.com/godmode-console/godmode/forensics/safetext"
)

// A search reads whole executions, so it is bounded three ways: how many
// it reads, how many at once (one instance serves every console), and how
// much of each.
const (
	DefaultSearchExecutions = 50  // the latest executions searched
	MaxSearchExecutions     = 200 // what a caller may ask for at most
	searchConcurrency       = 4   // executions read at once
	searchMatchesKept       = 200 // matches listed in all; the rest are counted
	searchMatchesEach       = 20  // matches listed per execution
	DefaultSearchMaxBytes   = DefaultSummaryMaxBytes
	// SearchReadTimeout bounds one execution's read: longer than a
	// pane's read, since a whole execution can be tens of MB.
	SearchReadTimeout = 30 * time.Second
)

// SearchQuery is what a search of a campaign's executions looks for.
type SearchQuery struct {
	Needle string
	Status string // only executions n8n lists with this status ("": every status)
	Limit  int    // the latest Limit executions (0: DefaultSearchExecutions; at most MaxSearchExecutions)
}

// SearchProgress is how far a search has come.
type SearchProgress struct {
	Searched, Total int // executions read (or given up), of those listed
	Matching        int // executions with at least one match so far
}

// ExecutionMatch is one place a search found its string: a value of a
// node's run in one execution.
type ExecutionMatch struct {
	Execution Execution
	Node      string // as n8n names it, cleaned for the screen
	Run       int
	Path      string // within the run: data.main.0.3.json.email
	Text      string // the value around the match, one clean line
}

// ExecutionSearch is what a search of a campaign's executions found.
type ExecutionSearch struct {
	SearchQuery
	Searched int              // executions read
	Matches  []ExecutionMatch // newest execution first, then timeline order
	Found    int              // matches in all, Matches holding at most searchMatchesKept
	Matching int              // executions with at least one match
	Skipped  []string         // "execution 812: over 64 MB", one per execution not read
}

// SearchExecutions looks for q.Needle in the data of the campaign's latest
// executions (q.Limit of them, of q.Status), for an actor who may view
// its executions; a
// refusal is audited. It reads searchConcurrency executions at a time,
// looks at the bytes before indexing anything, and reports each one read
// to progress (which may be nil; it is called from one goroutine at a
// time). Cancelling ctx stops it: what was found so far comes back with
// ctx's error.
func (c *Console) SearchExecutions(ctx context.Context, actor Actor, campaignID int64, q SearchQuery, progress func(SearchProgress)) (ExecutionSearch, error) {
	res := ExecutionSearch{SearchQuery: q}
	if strings.TrimSpace(q.Needle) == "" {
		return res, errors.New("nothing to search for: type the text after data:")
	}
	camp, err := c.store.Campaign(ctx, campaignID)
	if err != nil {
		return res, fmt.Errorf("campaign %d: %w", campaignID, err)
	}
	if err := c.authorize(ctx, actor, ActionViewExecutions, camp.WorkspaceID); err != nil {
		c.auditRefusedRead(ctx, actor, "executions.search", camp.WorkspaceID, camp.ID, nil, err)
		return res, err
	}
	if q.Limit <= 0 {
		q.Limit = DefaultSearchExecutions
	}
	q.Limit = min(q.Limit, MaxSearchExecutions)
	list, err := c.listExecutions(ctx, camp, q.Status, q.Limit, c.readTimeout)
	if err != nil {
		return res, fmt.Errorf("listing the executions of %q: %w", camp.Name, err)
	}
	return c.searchEach(ctx, camp, list, q, progress)
}

// SearchExecutionsAt is SearchExecutions on the campaign named name in
// workspace slug (`godmode executions W/C --data TEXT`); an actor who may
// not even view the workspace is refused, and audited, before anything
// is read.
func (c *Console) SearchExecutionsAt(ctx context.Context, actor Actor, slug, name string, q SearchQuery, progress func(SearchProgress)) (ExecutionSearch, error) {
	camp, err := c.campaignAt(ctx, actor, slug, name, "executions.search")
	if err != nil {
		return ExecutionSearch{SearchQuery: q}, err
	}
	return c.SearchExecutions(ctx, actor, camp.ID, q, progress)
}

// searchEach reads the listed executions, a few at a time, and gathers
// their matches in the order listed (newest first).
func (c *Console) searchEach(ctx context.Context, camp Campaign, list []Execution, q SearchQuery, progress func(SearchProgress)) (ExecutionSearch, error) {
	res := ExecutionSearch{SearchQuery: q}
	found := make([][]ExecutionMatch, len(list))
	counts := make([]int, len(list))
	skipped := make([]string, len(list))
	var (
		mu   sync.Mutex
		done SearchProgress
		wg   sync.WaitGroup
	)
	done.Total = len(list)
	slots := make(chan struct{}, searchConcurrency)
	for i, e := range list {
		select {
		case slots <- struct{}{}:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			break
		}
		wg.Add(1)
		go func() {
			defer func() { <-slots; wg.Done() }()
			ms, n, skip := c.searchOne(ctx, camp, e, q.Needle)
			mu.Lock()
			defer mu.Unlock()
			found[i], counts[i], skipped[i] = ms, n, skip
			if ctx.Err() != nil {
				return // not read to the end: neither searched nor skipped
			}
			done.Searched++
			if n > 0 {
				done.Matching++
			}
			if progress != nil {
				progress(done)
			}
		}()
	}
	wg.Wait()
	for i := range list {
		res.Found += counts[i]
		if room := searchMatchesKept - len(res.Matches); room > 0 {
			res.Matches = append(res.Matches, found[i][:min(room, len(found[i]))]...)
		}
		if skipped[i] != "" {
			res.Skipped = append(res.Skipped, skipped[i])
		}
	}
	res.Searched, res.Matching = done.Searched, done.Matching
	return res, ctx.Err()
}

// searchOne reads one execution and finds needle in it: its matches (at
// most searchMatchesEach), how many there are in all, and why it was not
// read when it was not.
func (c *Console) searchOne(ctx context.Context, camp Campaign, e Execution, needle string) ([]ExecutionMatch, int, string) {
	skip := func(why string) ([]ExecutionMatch, int, string) {
		return nil, 0, "execution " + e.ID + ": " + why
	}
	rctx, cancel := context.WithTimeout(ctx, SearchReadTimeout)
	defer cancel()
	var raw []byte
	err := c.clients.call(rctx, camp.InstanceID, func(cl N8n) error {
		var err error
		raw, err = cl.GetExecution(rctx, e.ID, true)
		return err
	})
	switch {
	case ctx.Err() != nil:
		return nil, 0, ""
	case errors.Is(err, context.DeadlineExceeded):
		return skip("n8n did not send it within " + SearchReadTimeout.String())
	case err != nil:
		return skip(safetext.Line(firstRunes(explainExecution(e.ID, err).Error(), 120)))
	case len(raw) > c.searchMaxBytes:
		return skip("its data is over the " + sizeText(c.searchMaxBytes) + " a search reads")
	case !forensics.MayHold(raw, needle):
		return nil, 0, ""
	}
	x, err := forensics.Open(raw)
	if err != nil {
		return skip("n8n's answer is not a readable execution")
	}
	if x.WorkflowID != "" && x.WorkflowID != camp.N8nWorkflowID {
		// The listing was of this workflow; an answer of another one is
		// n8n's mistake or a hostile n8n's, and is not shown.
		return skip(fmt.Sprintf("n8n answered with an execution of workflow %s", safetext.Line(firstRunes(x.WorkflowID, 20))))
	}
	hits, total, err := x.Search(needle, searchMatchesEach)
	if err != nil {
		return skip("its run data is not readable JSON")
	}
	out := make([]ExecutionMatch, 0, len(hits))
	for _, h := range hits {
		out = append(out, ExecutionMatch{Execution: e, Node: safetext.Line(h.Node), Run: h.Run, Path: safetext.Line(h.Path), Text: h.Text})
	}
	return out, total, ""
}
