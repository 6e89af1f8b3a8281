package main

import (
	"context"
	"fmt"

	"github.com/godmode-console/godmode/db"
)

func runKeys(ctx context.Context, g *globals, args []string) error {
	fs := g.flags("keys")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		fs.Usage()
		return errUsage
	}
	switch pos[0] {
	case "generate":
		fmt.Fprintln(g.stdout, db.GenerateKey())
		return nil
	case "id":
		cfg, err := loadConfig(g.configPath, g.contextName)
		if err != nil {
			return err
		}
		kr, err := g.keyring(cfg)
		if err != nil {
			return err
		}
		fmt.Fprintln(g.stdout, kr.Primary())
		return nil
	case "rotate":
		s, err := g.open(ctx, true)
		if err != nil {
			return err
		}
		defer s.close()
		n, err := s.admin.RotateKeys(ctx, s.actor, s.keys.Primary())
		if err != nil {
			return err
		}
		fmt.Fprintf(g.stdout, "re-encrypted %d API key(s) under master key %s\n", n, s.keys.Primary())
		return nil
	}
	return fmt.Errorf("unknown action %q (want generate, rotate or id)", pos[0])
}
