package main

import (
	"context"

	"github.com/godmode-console/godmode/model"
)

// runUnmanaged is `godmode unmanaged`: the workflows sync saw in n8n that
// no campaign owns and that are still there, as the :unmanaged screen lists them.
func runUnmanaged(ctx context.Context, g *globals, args []string) error {
	fs := g.flags("unmanaged")
	limit := fs.Int("limit", 500, "print at most `N` workflows, newest first")
	asJSON := fs.Bool("json", false, "print one JSON object {\"findings\": [...]}")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 0 {
		return usageError{"unmanaged takes no arguments: godmode unmanaged [--limit N] [--json]"}
	}
	if err := checkLimit(*limit, maxFindingsListed); err != nil {
		return err
	}
	return printFindings(ctx, g, model.FindingFilter{Kind: model.DriftOrphanWorkflow, Open: true, Limit: *limit}, *asJSON)
}
