package main

import (
	"context"
	"fmt"
)

// notYet answers for subcommands later issues build: --help works, running
// says plainly that the command does not exist yet.
func notYet(name string) func(context.Context, *globals, []string) error {
	return func(_ context.Context, g *globals, args []string) error {
		if _, err := parse(g.flags(name), args); err != nil {
			return err
		}
		return fmt.Errorf("not available in this build yet")
	}
}

var ()
