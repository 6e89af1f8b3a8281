package main

import (
	"context"
	"fmt"
	"time"

	"github.com/godmode-console/godmode/model"
)

// maxFindingsListed caps one `godmode drift` or `unmanaged`.
const maxFindingsListed = 10000

// findingJSON is one finding as `drift --json` and `unmanaged --json` print it.
type findingJSON struct {
	ID           int64      `json:"id"`
	Kind         string     `json:"kind"`
	Instance     string     `json:"instance"`
	Workspace    string     `json:"workspace"`
	Campaign     string     `json:"campaign"`
	WorkflowID   string     `json:"workflow_id"`
	WorkflowName string     `json:"workflow_name"`
	Detail       string     `json:"detail"`
	Corrected    bool       `json:"corrected"`
	FirstSeenAt  time.Time  `json:"first_seen_at"`
	LastSeenAt   time.Time  `json:"last_seen_at"`
	ResolvedAt   *time.Time `json:"resolved_at"`
}

func runDrift(ctx context.Context, g *globals, args []string) error {
	fs := g.flags("drift")
	kind := fs.String("kind", "", "only findings of this `KIND` (orphan_workflow, orphan_db_record, state_mismatch, webhook_mismatch, version_mismatch)")
	open := fs.Bool("open", false, "only findings still true (not resolved)")
	limit := fs.Int("limit", 500, "print at most `N` findings, newest first")
	asJSON := fs.Bool("json", false, "print one JSON object {\"findings\": [...]}")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 0 {
		return usageError{"drift takes no arguments: godmode drift [--kind KIND] [--open] [--limit N]"}
	}
	known := false
	for _, k := range model.DriftKinds {
		known = known || string(k) == *kind
	}
	if *kind != "" && !known {
		return usageError{fmt.Sprintf("--kind %q: say one of %v", *kind, model.DriftKinds)}
	}
	if err := checkLimit(*limit, maxFindingsListed); err != nil {
		return err
	}
	return printFindings(ctx, g, model.FindingFilter{Kind: model.DriftKind(*kind), Open: *open, Limit: *limit}, *asJSON)
}

// printFindings reads the findings the actor may see and prints them.
func printFindings(ctx context.Context, g *globals, f model.FindingFilter, asJSON bool) error {
	s, console, actor, err := openScript(ctx, g)
	if err != nil {
		return err
	}
	defer s.close()
	fs, err := console.FindingsFor(ctx, actor, f)
	if err != nil {
		return err
	}
	if asJSON {
		out := make([]findingJSON, 0, len(fs))
		for _, x := range fs {
			out = append(out, findingJSON{ID: x.ID, Kind: string(x.Kind), Instance: x.InstanceName, Workspace: x.WorkspaceSlug,
				Campaign: x.CampaignName, WorkflowID: x.WorkflowID, WorkflowName: x.WorkflowName, Detail: x.Detail, Corrected: x.Corrected,
				FirstSeenAt: x.FirstSeenAt.UTC(), LastSeenAt: x.LastSeenAt.UTC(), ResolvedAt: utc(x.ResolvedAt)})
		}
		return writeJSON(g.stdout, map[string]any{"findings": out})
	}
	t := newTable(g.stdout, "KIND", "INSTANCE", "WORKSPACE", "CAMPAIGN", "WORKFLOW", "STATE", "SEEN", "DETAIL")
	for _, x := range fs {
		state := "open"
		switch {
		case x.ResolvedAt != nil:
			state = "resolved"
		case x.Corrected:
			state = "corrected"
		}
		wf := x.WorkflowID
		if x.WorkflowName != "" {
			wf += " " + x.WorkflowName
		}
		t.row(string(x.Kind), x.InstanceName, x.WorkspaceSlug, x.CampaignName, wf, state, stamp(&x.LastSeenAt), x.Detail)
	}
	return t.flush()
}
