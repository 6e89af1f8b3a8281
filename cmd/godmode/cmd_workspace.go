package main

import (
	"context"
	"fmt"

	"github.com/godmode-console/godmode/db"
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
	cfg, pool, err := g.connect(ctx)
	if err != nil {
		return err
	}
	defer pool.Close()
	if err := db.Migrate(ctx, pool); err != nil {
		return err
	}
	kr, err := keyring(cfg)
	if err != nil {
		return err
	}
	store := db.NewStore(pool, kr)
	defer store.Close()
	actor, err := localActor(ctx, store)
	if err != nil {
		return err
	}
	console := model.NewConsole(store, dialN8n, model.ConsoleOptions{Context: cfg.Name})
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
	fmt.Fprintf(g.stdout, "%sd %s\n", pos[0], ws.Slug)
	return nil
}
