package model

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"
)

// ActionMigrateLegacyLeads moves a legacy per-client leads table into
// leads: platform-wide (the table is outside any workspace's data until it
// moves), so for super admins only.
const ActionMigrateLegacyLeads Action = "migrate_legacy_leads"

// AuditLeadsMigrateLegacy is the audit action of a legacy migration, named
// like the other leads rows (leads.import, leads.export).
const AuditLeadsMigrateLegacy = "leads.migrate_legacy"

func init() {
	Actions = append(Actions, ActionMigrateLegacyLeads)
	actionCap[ActionMigrateLegacyLeads] = capSuper
}

// LegacyMigratedSuffix is added to a legacy table's name once its rows are
// in leads: the table is renamed, never dropped, so nothing is lost.
const LegacyMigratedSuffix = "_migrated"

// MaxLegacyInvalidListed bounds how many unusable rows a report names (all
// are counted).
const MaxLegacyInvalidListed = 100

// legacyTableName is what a legacy table's name may be: a plain identifier
// that leaves room for LegacyMigratedSuffix within Postgres' 63 bytes.
var legacyTableName = regexp.MustCompile(`^[a-z_][a-z0-9_]{0,53}$`)

// godmodeTables are godmode's own tables, never a legacy one.
var godmodeTables = map[string]bool{"leads": true, "lead_counts": true, "lead_keys": true,
	"workspaces": true, "campaigns": true, "audit_log": true}

// LegacyLeadsMigration asks to move one legacy table into a workspace.
type LegacyLeadsMigration struct {
	Table       string // e.g. leads_ohio
	Workspace   string // slug
	DryRun      bool   // do everything, verify, then roll back
	SkipInvalid bool   // leave rows without a usable email in the legacy table instead of refusing
	// Precondition, when set, is checked once the request is authorised and
	// valid, before anything is read (e.g. that the connection is the
	// owner's): a refusal is audited like any other.
	Precondition func(ctx context.Context) error
}

// LegacyInvalidRow is a legacy row with no usable email, by its id.
type LegacyInvalidRow struct {
	ID  string
	Why string
}

// LegacyLeadsReport is what a migration did, or would do (DryRun), or
// found when re-verifying an already migrated table (Already).
type LegacyLeadsReport struct {
	Table, RenamedTo string
	WorkspaceID      int64
	Rows             int // legacy rows
	Leads            int // distinct usable emails: leads made or merged into
	Created          int // new leads
	Merged           int // leads that existed already (e.g. from an import)
	Duplicates       int // rows kept whole under metadata legacy_duplicates
	Invalid          int // rows without a usable email, left in the legacy table
	InvalidRows      []LegacyInvalidRow
	Verified         int            // rows whose checksum matched
	Statuses         map[string]int // leads by the status the legacy rows give
	DryRun           bool
	// Already is set when the table had been migrated before: MigratedAt
	// says when (from the renamed table's comment), and nothing changed.
	Already    bool
	MigratedAt time.Time
}

// LegacyLeadsStore is what the legacy migration needs of Postgres, as the
// legacy table's owner; db.Store implements it.
type LegacyLeadsStore interface {
	AuditAppender
	WorkspaceBySlug(ctx context.Context, slug string) (Workspace, error)
	// MigrateLegacyLeads moves table into the workspace's leads in one
	// transaction and verifies every row's checksum; decide is called
	// before the rename with what the transaction did, and any error it
	// returns rolls everything back. A table already migrated (only
	// table+LegacyMigratedSuffix is there, with godmode's comment) is
	// re-verified and nothing changes.
	MigrateLegacyLeads(ctx context.Context, table string, ws Workspace, decide func(LegacyLeadsReport) error) (LegacyLeadsReport, error)
}

// errLegacyDryRun is decide's answer to a dry run: roll back once
// everything was done and checked (the store returns its report with it).
var errLegacyDryRun = errors.New("dry run")

// MigrateLegacyLeads moves a legacy per-client leads table into the
// workspace's leads, for super admins; every attempt is audited with the
// table, the workspace and the counts (never a lead's values).
func MigrateLegacyLeads(ctx context.Context, store LegacyLeadsStore, actor Actor, req LegacyLeadsMigration) (LegacyLeadsReport, error) {
	state := map[string]any{"table": req.Table, "workspace": req.Workspace, "dry_run": req.DryRun, "skip_invalid": req.SkipInvalid}
	var rep LegacyLeadsReport
	finish := func(err error) (LegacyLeadsReport, error) {
		outcome := OutcomeOK
		if err != nil {
			outcome = OutcomeFailed
		}
		e := actor.auditEntry(AuditLeadsMigrateLegacy, outcome, err)
		e.Before = jsonObject(state)
		if rep.Rows > 0 || rep.Already {
			e.After = jsonObject(map[string]any{"rows": rep.Rows, "leads": rep.Leads, "created": rep.Created,
				"merged": rep.Merged, "duplicates": rep.Duplicates, "invalid": rep.Invalid, "verified": rep.Verified,
				"renamed_to": rep.RenamedTo, "already_migrated": rep.Already, "dry_run": rep.DryRun})
		}
		if ws := rep.WorkspaceID; ws != 0 {
			e.WorkspaceID = &ws
		}
		if _, aerr := store.AppendAudit(context.WithoutCancel(ctx), e); aerr != nil {
			return rep, errors.Join(err, fmt.Errorf("the attempt was not recorded in the audit trail: %w", aerr))
		}
		return rep, err
	}
	if err := Authorize(actor, ActionMigrateLegacyLeads, 0); err != nil {
		return finish(err)
	}
	if err := LegacyTableProblem(req.Table); err != nil {
		return finish(err)
	}
	if req.Workspace == "" {
		return finish(fmt.Errorf("%w: --workspace: say which workspace the leads go to", ErrInvalid))
	}
	if req.Precondition != nil {
		if err := req.Precondition(ctx); err != nil {
			return finish(err)
		}
	}
	ws, err := store.WorkspaceBySlug(ctx, req.Workspace)
	if err != nil {
		return finish(fmt.Errorf("--workspace %q: %w", req.Workspace, err))
	}
	rep.WorkspaceID = ws.ID
	if ws.Status == WorkspaceArchived {
		return finish(fmt.Errorf("%w: workspace %s is archived: restore it before moving leads into it", ErrInvalid, ws.Slug))
	}
	rep, err = store.MigrateLegacyLeads(ctx, req.Table, ws, func(r LegacyLeadsReport) error {
		if r.Invalid > 0 && !req.SkipInvalid && !req.DryRun {
			return fmt.Errorf("%w: table %s: %d rows have no usable email (%s): nothing was migrated; "+
				"fix them, or add --skip-invalid to migrate the rest and leave those in %s%s",
				ErrInvalid, req.Table, r.Invalid, describeInvalid(r.InvalidRows, r.Invalid), req.Table, LegacyMigratedSuffix)
		}
		if req.DryRun {
			return errLegacyDryRun
		}
		return nil
	})
	rep.WorkspaceID = ws.ID
	if errors.Is(err, errLegacyDryRun) {
		rep.DryRun = true
		err = nil
	}
	return finish(err)
}

// LegacyTableProblem says why name cannot be a legacy table's (nil when it
// can): checked before it reaches SQL, where it is quoted anyway.
func LegacyTableProblem(name string) error {
	switch {
	case name == "":
		return fmt.Errorf("%w: --table: say which legacy table to migrate (e.g. leads_ohio)", ErrInvalid)
	case !legacyTableName.MatchString(name):
		return fmt.Errorf("%w: --table %q: not a plain table name (a lowercase letter or _, then lowercase letters, digits and _, at most 54 so that %s fits)",
			ErrInvalid, name, LegacyMigratedSuffix)
	case godmodeTables[name]:
		return fmt.Errorf("%w: --table %q is godmode's own table, not a legacy one", ErrInvalid, name)
	case strings.HasSuffix(name, LegacyMigratedSuffix):
		return fmt.Errorf("%w: --table %q: give the legacy table's own name (without %s); a migrated table is re-verified by that name",
			ErrInvalid, name, LegacyMigratedSuffix)
	}
	return nil
}

func describeInvalid(rows []LegacyInvalidRow, n int) string {
	var b strings.Builder
	for i, r := range rows {
		if i == 5 {
			break
		}
		if i > 0 {
			b.WriteString("; ")
		}
		fmt.Fprintf(&b, "id %s: %s", r.ID, r.Why)
	}
	if n > 5 {
		fmt.Fprintf(&b, "; and %d more", n-5)
	}
	return b.String()
}
