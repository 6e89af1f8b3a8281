package main

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/godmode-console/godmode/db"
	"github.com/godmode-console/godmode/forensics/safetext"
	"github.com/godmode-console/godmode/model"
)

// legacyMigrationTimeout bounds one migration: a legacy table of a million
// rows moves in well under it; a run that takes longer is stuck on
// something, and rolls back.
const legacyMigrationTimeout = 30 * time.Minute

// leadsMigrateLegacy is `leads migrate-legacy --table T --workspace SLUG`:
// it renames a table outside godmode's own, so it runs with the owner's
// URL, like `godmode migrate`, and only on the server. It is an action of
// leads, whose import and export do run over SSH, so it refuses here
// rather than through notOverSSH (which holds whole commands).
func leadsMigrateLegacy(ctx context.Context, g *globals, args []string) error {
	if g.remote != nil {
		return usageError{"leads migrate-legacy is not available over SSH: it renames a legacy table with the database owner's URL, which stays on the server"}
	}
	fs := g.flags("leads")
	table := fs.String("table", "", "migrate-legacy: the legacy per-client leads table (e.g. leads_ohio)")
	slug := fs.String("workspace", "", "the workspace the leads go to")
	dry := fs.Bool("dry-run", false, "migrate-legacy: do it all and verify, then roll back, saying what it would do")
	skip := fs.Bool("skip-invalid", false, "leave rows that fail in place and go on with the rest")
	asJSON := fs.Bool("json", false, "print the result as JSON")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usageError{fmt.Sprintf("migrate-legacy takes no arguments (got %q): %s", safetext.Line(pos[0]), leadsMigrateLegacyHelp)}
	}
	if *table == "" || *slug == "" {
		return usageError{"migrate-legacy needs --table TABLE and --workspace SLUG"}
	}
	if err := model.LegacyTableProblem(*table); err != nil {
		return usageError{safetext.Line(err.Error())}
	}
	if err := checkSlug("--workspace", *slug); err != nil {
		return err
	}
	cfg, err := loadConfig(g.configPath, g.contextName)
	if err != nil {
		return err
	}
	if cfg.OwnerDatabaseURL == "" {
		if cfg.OwnerDatabaseURLEnv != "" {
			return fmt.Errorf("leads migrate-legacy renames the legacy table, which needs its owner: context %q takes the owner's URL from %s, which is not set", cfg.Name, cfg.OwnerDatabaseURLEnv)
		}
		return fmt.Errorf("leads migrate-legacy renames the legacy table, which needs its owner: set %s", ownerURLHint)
	}
	ctx, cancel := context.WithTimeout(ctx, legacyMigrationTimeout)
	defer cancel()
	pool, err := db.Connect(ctx, cfg.OwnerDatabaseURL)
	if err != nil {
		return err
	}
	defer pool.Close()
	store := db.NewStore(pool, nil)
	defer store.Close()
	actor, err := localActor(ctx, store)
	if err != nil {
		return err
	}
	rep, err := model.MigrateLegacyLeads(ctx, store, actor, model.LegacyLeadsMigration{
		Table: *table, Workspace: *slug, DryRun: *dry, SkipInvalid: *skip,
		Precondition: func(ctx context.Context) error {
			r, err := db.CurrentRole(ctx, pool)
			if err != nil {
				return err
			}
			if r.Runtime && !r.Super {
				return fmt.Errorf("%s is a runtime role (a member of %s); leads migrate-legacy renames the legacy table, which needs the owner: set %s",
					r.Name, db.RuntimeGroup, ownerURLHint)
			}
			return db.SchemaCurrent(ctx, pool, ownerURLHint)
		}})
	if err != nil {
		return err
	}
	if *asJSON {
		return writeJSON(g.stdout, legacyJSON(rep, *slug))
	}
	printLegacy(g, rep, *slug)
	return nil
}

func legacyJSON(r model.LegacyLeadsReport, slug string) map[string]any {
	invalid := []map[string]string{}
	for _, x := range r.InvalidRows {
		invalid = append(invalid, map[string]string{"id": safetext.Line(x.ID), "why": x.Why})
	}
	out := map[string]any{"table": r.Table, "workspace": slug, "rows": r.Rows, "leads": r.Leads,
		"created": r.Created, "merged": r.Merged, "duplicates": r.Duplicates, "invalid": r.Invalid,
		"invalid_rows": invalid, "verified": r.Verified, "statuses": r.Statuses, "renamed_to": r.RenamedTo,
		"dry_run": r.DryRun, "already_migrated": r.Already}
	if r.Already {
		out["migrated_at"] = r.MigratedAt.UTC().Format(time.RFC3339)
	}
	return out
}

func printLegacy(g *globals, r model.LegacyLeadsReport, slug string) {
	w := g.stdout
	if r.Already {
		fmt.Fprintf(w, "%s: already migrated into workspace %s on %s, %d rows verified, nothing changed\n",
			r.Table, slug, r.MigratedAt.UTC().Format("2006-01-02 15:04:05Z"), r.Verified)
		if r.Invalid > 0 {
			fmt.Fprintf(w, "%d rows without a usable email are still in %s\n", r.Invalid, r.RenamedTo)
		}
		return
	}
	verb := "moved"
	if r.DryRun {
		fmt.Fprintln(w, "dry run: everything below was done, verified and rolled back; nothing changed")
		verb = "would move"
	}
	fmt.Fprintf(w, "%s %s %d rows into workspace %s: %d leads (%d new, %d merged into leads already there), %d duplicate row(s) kept under legacy_duplicates\n",
		r.Table, verb, r.Rows-r.Invalid, slug, r.Leads, r.Created, r.Merged, r.Duplicates)
	var sts []string
	for st := range r.Statuses {
		sts = append(sts, st)
	}
	sort.Slice(sts, func(i, j int) bool { return statusRank(sts[i]) < statusRank(sts[j]) })
	fmt.Fprint(w, "statuses:")
	for _, st := range sts {
		fmt.Fprintf(w, " %s %d", st, r.Statuses[st])
	}
	fmt.Fprintln(w)
	fmt.Fprintf(w, "checksums: %d of %d rows verified\n", r.Verified, r.Rows-r.Invalid)
	if r.Invalid > 0 {
		where := r.Table + model.LegacyMigratedSuffix
		fmt.Fprintf(w, "%d rows without a usable email stay in %s:\n", r.Invalid, where)
		for _, x := range r.InvalidRows {
			fmt.Fprintf(w, "  id %s: %s\n", safetext.Line(x.ID), x.Why)
		}
		if more := r.Invalid - len(r.InvalidRows); more > 0 {
			fmt.Fprintf(w, "  and %d more\n", more)
		}
	}
	if r.RenamedTo != "" {
		fmt.Fprintf(w, "renamed %s to %s (not dropped: its comment records the migration)\n", r.Table, r.RenamedTo)
	} else if r.DryRun {
		fmt.Fprintf(w, "would rename %s to %s%s\n", r.Table, r.Table, model.LegacyMigratedSuffix)
	}
}

func statusRank(s string) int {
	for i, x := range model.LeadStatuses {
		if x == s {
			return i
		}
	}
	return len(model.LeadStatuses)
}

// leadsMigrateLegacyHelp is its part of `godmode leads --help`.
const leadsMigrateLegacyHelp = `migrate-legacy --table TABLE --workspace SLUG [--dry-run] [--skip-invalid] [--json]
         Moves a legacy per-client leads table (e.g. leads_ohio, with an email_address
         column) into the workspace's leads in one transaction: the email (trimmed,
         lower-cased; email_norm when email_address is empty) and the status (opted_out:
         unsubscribed, else replied: replied, else any email_N_sent: contacted, else new)
         become columns, campaign_name the campaign of that name if the workspace has one,
         and every column but email_address goes into metadata with its type (NULLs left
         out). Rows of one email become one lead: the newest (updated_at, then id) on top,
         the others kept whole under metadata legacy_duplicates. A lead already there keeps
         its values; the legacy row fills the keys it lacks and is kept under
         legacy_duplicates. Every row's checksum and the counts are verified before the
         table is renamed TABLE_migrated (never dropped). Rows without a usable email stop
         it unless --skip-invalid, which leaves them in TABLE_migrated. Run again, it
         re-verifies and changes nothing. Needs the owner's URL; not over SSH.`
