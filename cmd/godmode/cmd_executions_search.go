package main

import (
	"context"
	"flag"
	"fmt"
	"strconv"
	"time"

	"github.com/godmode-console/godmode/model"
)

// matchJSON is one match as `executions --data --json` prints it.
type matchJSON struct {
	Execution string    `json:"execution"`
	Status    string    `json:"status"`
	StartedAt time.Time `json:"started_at"`
	Node      string    `json:"node"`
	Run       int       `json:"run"` // 0-based, as n8n counts runs
	Path      string    `json:"path"`
	Text      string    `json:"text"`
}

// searchExecutions is `godmode executions W/C --data TEXT`: the console's
// /data:TEXT search, printed.
func searchExecutions(ctx context.Context, g *globals, fs *flag.FlagSet, slug, name, needle, status string, limit int, asJSON bool) error {
	limitSet := false
	fs.Visit(func(f *flag.Flag) { limitSet = limitSet || f.Name == "limit" })
	if !limitSet {
		limit = model.DefaultSearchExecutions
	}
	if err := checkLimit(limit, model.MaxSearchExecutions); err != nil {
		return err
	}
	s, console, actor, err := openScript(ctx, g)
	if err != nil {
		return err
	}
	defer s.close()
	res, err := console.SearchExecutionsAt(ctx, actor, slug, name, model.SearchQuery{Needle: needle, Status: status, Limit: limit}, nil)
	if err != nil {
		return err
	}
	if asJSON {
		out := make([]matchJSON, 0, len(res.Matches))
		for _, x := range res.Matches {
			out = append(out, matchJSON{Execution: x.Execution.ID, Status: x.Execution.Status, StartedAt: x.Execution.StartedAt.UTC(),
				Node: x.Node, Run: x.Run, Path: x.Path, Text: x.Text})
		}
		skipped := res.Skipped
		if skipped == nil {
			skipped = []string{}
		}
		return writeJSON(g.stdout, map[string]any{"workspace": slug, "campaign": name, "data": needle, "status": status, "searched": res.Searched,
			"found": res.Found, "matching": res.Matching, "matches": out, "skipped": skipped})
	}
	t := newTable(g.stdout, "EXECUTION", "STARTED", "NODE", "RUN", "PATH", "VALUE")
	for _, x := range res.Matches {
		t.row(x.Execution.ID, stamp(&x.Execution.StartedAt), x.Node, "#"+strconv.Itoa(x.Run+1), x.Path, x.Text)
	}
	if err := t.flush(); err != nil {
		return err
	}
	what := "execution"
	if status != "" {
		what = status + " execution"
	}
	fmt.Fprintf(g.stdout, "searched the latest %s: %s in %s", count(res.Searched, what, what+"s"),
		count(res.Found, "match", "matches"), count(res.Matching, "execution", "executions"))
	if res.Found > len(res.Matches) {
		fmt.Fprintf(g.stdout, " (the first %d listed)", len(res.Matches))
	}
	fmt.Fprintln(g.stdout)
	for _, why := range res.Skipped {
		fmt.Fprintln(g.stdout, "not read: "+why)
	}
	return nil
}

func count(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}
