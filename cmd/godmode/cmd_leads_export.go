package main

import (
	"context"
	"errors"
)

// leadsExport is a placeholder until its helper's branch lands.
func leadsExport(ctx context.Context, g *globals, args []string) error {
	return errors.New("not built yet")
}

// leadsExportHelp is its part of `godmode leads --help`.
const leadsExportHelp = "export  (not built yet)"
