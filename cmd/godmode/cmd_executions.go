package main

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/godmode-console/godmode/model"
)

// executionStatuses are the statuses n8n lists executions by.
var executionStatuses = []string{"canceled", "crashed", "error", "new", "running", "success", "unknown", "waiting"}

// executionJSON is one execution as `executions --json` prints it.
type executionJSON struct {
	ID        string     `json:"id"`
	Status    string     `json:"status"`
	Mode      string     `json:"mode"`
	StartedAt time.Time  `json:"started_at"`
	StoppedAt *time.Time `json:"stopped_at"`
	RetryOf   string     `json:"retry_of"`
	RetryID   string     `json:"retry_id"`
}

func runExecutions(ctx context.Context, g *globals, args []string) error {
	fs := g.flags("executions")
	status := fs.String("status", "", "only executions with this `STATUS` (canceled, crashed, error, new, running, success, unknown, waiting)")
	limit := fs.Int("limit", model.ExecutionsShown, "list at most `N` executions, newest first (with --data: search the latest N, default 50, at most 200)")
	data := fs.String("data", "", "search the data of the latest executions for `TEXT` and list where it is (node, run, path), as the console's /data:TEXT")
	asJSON := fs.Bool("json", false, "print one JSON object {\"workspace\", \"campaign\", \"executions\": [...]} (with --data: {..., \"matches\": [...], \"skipped\": [...]})")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usageError{"say which campaign: godmode executions WORKSPACE/CAMPAIGN [--status STATUS] [--limit N]"}
	}
	slug, name, err := campaignPath(pos[0])
	if err != nil {
		return err
	}
	if *status != "" && !slices.Contains(executionStatuses, *status) {
		return usageError{fmt.Sprintf("--status %q: say one of %v", *status, executionStatuses)}
	}
	if *data != "" {
		return searchExecutions(ctx, g, fs, slug, name, *data, *status, *limit, *asJSON)
	}
	if err := checkLimit(*limit, model.MaxExecutionsListed); err != nil {
		return err
	}
	s, console, actor, err := openScript(ctx, g)
	if err != nil {
		return err
	}
	defer s.close()
	_, exs, err := console.ExecutionsAt(ctx, actor, slug, name, *status, *limit)
	if err != nil {
		return err
	}
	if *asJSON {
		out := make([]executionJSON, 0, len(exs))
		for _, e := range exs {
			out = append(out, executionJSON{ID: e.ID, Status: e.Status, Mode: e.Mode, StartedAt: e.StartedAt.UTC(),
				StoppedAt: utc(e.StoppedAt), RetryOf: e.RetryOf, RetryID: e.RetryID})
		}
		return writeJSON(g.stdout, map[string]any{"workspace": slug, "campaign": name, "executions": out})
	}
	t := newTable(g.stdout, "EXECUTION", "STATUS", "MODE", "STARTED", "DURATION", "RETRY OF")
	now := time.Now()
	for _, e := range exs {
		t.row(e.ID, e.Status, e.Mode, stamp(&e.StartedAt), e.Duration(now).Round(time.Millisecond).String(), e.RetryOf)
	}
	return t.flush()
}

func utc(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}
