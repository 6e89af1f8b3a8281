package main

import (
	"context"
	"errors"
)

// leadsImport is a placeholder until its helper's branch lands.
func leadsImport(ctx context.Context, g *globals, args []string) error {
	return errors.New("not built yet")
}

// leadsImportHelp is its part of `godmode leads --help`.
const leadsImportHelp = "import  (not built yet)"
