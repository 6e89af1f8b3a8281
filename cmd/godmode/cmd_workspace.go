package main

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/godmode-console/godmode/model"
)

// slugPattern is the schema's rule for a workspace slug (workspaces_slug_check).
var slugPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,62}$`)

func runWorkspace(ctx context.Context, g *globals, args []string) error {
	fs := g.flags("workspace")
	reason := fs.String("reason", "", "why (required): the `TEXT` is recorded in the audit trail and shown on the workspace")
	asJSON := fs.Bool("json", false, "print the result as one JSON object")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 2 || (pos[0] != "freeze" && pos[0] != "unfreeze") {
		return usageError{"say freeze or unfreeze, then the workspace's slug: godmode workspace freeze|unfreeze SLUG --reason TEXT"}
	}
	// Checked before connecting, so a typo is answered at once.
	if !slugPattern.MatchString(pos[1]) {
		return fmt.Errorf("%q is not a workspace slug (lowercase letters, digits and dashes, as godmode's panes show it)", pos[1])
	}
	if strings.TrimSpace(*reason) == "" {
		return fmt.Errorf("a %s needs --reason TEXT: it is recorded in the audit trail and shown on the workspace", pos[0])
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
	if *asJSON {
		if now, err := console.WorkspaceBySlug(ctx, ws.Slug); err == nil {
			ws = now
		}
		return writeJSON(g.stdout, map[string]string{"workspace": ws.Slug, "action": pos[0], "status": string(ws.Status)})
	}
	fmt.Fprintf(g.stdout, "workspace %s %s\n", ws.Slug, done)
	return nil
}
