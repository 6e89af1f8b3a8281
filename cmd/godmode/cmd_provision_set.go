package main

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/godmode-console/godmode/forensics/safetext"
)

// variableName is what --set takes before the '=': the names detection
// gives variables (YOUR_COMPANY_NAME, an $env or $vars name).
var variableName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]{0,127}$`)

// parseSets reads each --set VAR=VALUE; a variable given twice is refused
// (which one was meant?).
func parseSets(sets []string) (map[string]string, error) {
	out := map[string]string{}
	for _, s := range sets {
		name, value, ok := strings.Cut(s, "=")
		if !ok {
			return nil, usageError{fmt.Sprintf("--set %q: want VAR=VALUE", safetext.Line(s))}
		}
		if !variableName.MatchString(name) {
			return nil, usageError{fmt.Sprintf("--set %q: %q is not a variable name (letters, digits and _, e.g. YOUR_COMPANY_NAME)", safetext.Line(name), safetext.Line(name))}
		}
		if _, dup := out[name]; dup {
			return nil, usageError{fmt.Sprintf("--set %s is given twice: say it once", name)}
		}
		out[name] = value
	}
	return out, nil
}

// provisionSet is `provision --workspace SLUG --set VAR=VALUE…`: a
// workspace's owner or admin (or a super admin) changes the variables its
// blueprint marks admin_editable and re-applies it; everything else comes
// from its last succeeded run. It reads no file, so it works over SSH.
func provisionSet(ctx context.Context, g *globals, slug string, sets []string, other bool, asJSON bool) error {
	if other {
		return usageError{"--set takes only --workspace SLUG (and --json): the blueprint, the other values and the activation are the last run's"}
	}
	if slug == "" {
		return usageError{"--set needs --workspace SLUG"}
	}
	if err := checkSlug("--workspace", slug); err != nil {
		return err
	}
	changes, err := parseSets(sets)
	if err != nil {
		return err
	}
	s, console, actor, err := openScript(ctx, g)
	if err != nil {
		return err
	}
	defer s.close()
	res, err := console.EditVariables(ctx, actor, slug, changes)
	if err == nil && res.Plan == nil && !res.Unchanged {
		if asJSON {
			return writeJSON(g.stdout, map[string]any{"run": runJSON(res.Run)})
		}
		fmt.Fprintf(g.stdout, "run %d re-applied: %s\n", res.Run.ID, res.Run.Status)
		return nil
	}
	return provisionDone(g, res, err, asJSON, "re-applied")
}
