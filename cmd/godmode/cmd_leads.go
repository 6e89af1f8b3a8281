package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/godmode-console/godmode/forensics/safetext"
)

const leadsUsage = "godmode leads import --workspace SLUG [--campaign NAME] [--as-text] [--duplicates merge|skip] [--skip-invalid] [--rejects FILE] [--json] FILE.csv|- | migrate-legacy --table TABLE --workspace SLUG [--dry-run] [--skip-invalid] [--json] | export --workspace SLUG [--filter EXPR] [--campaign NAME]"

// leadsHelp is the help of each action, kept with it.
var leadsHelp = leadsImportHelp + "\n" + leadsMigrateLegacyHelp + "\n" + leadsExportHelp

// runLeads dispatches `godmode leads ACTION`; each action parses its own
// flags (cmd_leads_*.go).
func runLeads(ctx context.Context, g *globals, args []string) error {
	if len(args) == 0 {
		return usageError{"say what to do: " + leadsUsage}
	}
	if strings.HasPrefix(args[0], "-") { // --help, or a flag before the action
		if _, err := parse(g.flags("leads"), args); err != nil {
			return err
		}
		return usageError{"say the action first: " + leadsUsage}
	}
	switch args[0] {
	case "import":
		return leadsImport(ctx, g, args[1:])
	case "migrate-legacy":
		return leadsMigrateLegacy(ctx, g, args[1:])
	case "export":
		return leadsExport(ctx, g, args[1:])
	}
	return usageError{fmt.Sprintf("%q is not a leads action: say import, migrate-legacy or export: %s", safetext.Line(args[0]), leadsUsage)}
}
