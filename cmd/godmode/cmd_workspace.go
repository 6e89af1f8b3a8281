package main

import (
	"context"
	"fmt"

	"github.com/godmode-console/godmode/model"
)

func runWorkspace(ctx context.Context, g *globals, args []string) error {
	fs := g.flags("workspace")
	reason := fs.String("reason", "", "why (required; recorded in the audit trail and on the workspace)")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 2 || (pos[0] != "freeze" && pos[0] != "unfreeze") {
		fs.Usage()
		return errUsage
	}
	s, actor, err := g.openAs(ctx)
	if err != nil {
		return err
	}
	defer s.close()
	console := model.NewConsole(s.store, dialN8n, model.ConsoleOptions{Context: s.cfg.Name, ToggleTimeout: s.cfg.ToggleTimeout.Duration})
	ws, err := console.WorkspaceBySlug(ctx, pos[1])
	if err != nil {
		return err
	}
	if pos[0] == "freeze" {
		err = console.Freeze(ctx, actor, ws.ID, *reason)
	} else {
		err = console.Unfreeze(ctx, actor, ws.ID, *reason)
	}
	if err != nil {
		return err
	}
	done := map[string]string{"freeze": "frozen", "unfreeze": "unfrozen"}[pos[0]]
	fmt.Fprintf(g.stdout, "workspace %s %s\n", ws.Slug, done)
	return nil
}
