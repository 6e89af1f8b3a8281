package main

import (
	"context"
	"errors"
)

// leadsMigrateLegacy is a placeholder until its helper's branch lands.
func leadsMigrateLegacy(ctx context.Context, g *globals, args []string) error {
	return errors.New("not built yet")
}

// leadsMigrateLegacyHelp is its part of `godmode leads --help`.
const leadsMigrateLegacyHelp = "migrate-legacy  (not built yet)"
