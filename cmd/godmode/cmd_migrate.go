package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/charmbracelet/x/term"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/godmode-console/godmode/db"
	"github.com/godmode-console/godmode/model"
)

func runMigrate(ctx context.Context, g *globals, args []string) error {
	fs := g.flags("migrate")
	destroy := fs.Bool("yes-destroy-data", false, "down-to: confirm that rolling back destroys the data of the migrations undone")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	// Everything that can be checked without the database is checked first.
	var target int64
	switch {
	case len(pos) == 0:
		fs.Usage()
		return errUsage
	case pos[0] == "up" || pos[0] == "status":
		if len(pos) != 1 {
			return fmt.Errorf("%s takes no arguments (got %q)", pos[0], strings.Join(pos[1:], " "))
		}
	case pos[0] == "down-to":
		if len(pos) != 2 {
			return fmt.Errorf("down-to needs one version (0 removes the whole schema)")
		}
		target, err = strconv.ParseInt(pos[1], 10, 64)
		if err != nil || target < 0 {
			return fmt.Errorf("down-to: %q is not a migration version", pos[1])
		}
		if !*destroy && !isTerminal(g.stdin) {
			return errors.New("down-to destroys data and standard input is not a terminal to confirm on: add --yes-destroy-data")
		}
	default:
		return fmt.Errorf("unknown action %q (want up, status or down-to)", pos[0])
	}
	cfg, err := loadConfig(g.configPath, g.contextName)
	if err != nil {
		return err
	}
	url := cfg.OwnerDatabaseURL
	if url == "" {
		switch {
		case pos[0] == "status":
		case cfg.OwnerDatabaseURLEnv != "":
			return fmt.Errorf("migrate %s runs as the schema owner: context %q takes the owner's URL from %s, which is not set", pos[0], cfg.Name, cfg.OwnerDatabaseURLEnv)
		default:
			return fmt.Errorf("migrate %s runs as the schema owner: set %s", pos[0], ownerURLHint)
		}
		url = cfg.DatabaseURL // reading the state needs no owner
	}
	pool, err := db.Connect(ctx, url)
	if err != nil {
		return err
	}
	defer pool.Close()
	m, err := db.NewMigrator(pool)
	if err != nil {
		return err
	}
	defer m.Close()
	if pos[0] == "status" {
		return migrateStatus(ctx, g, m)
	}
	store := db.NewStore(pool, nil)
	defer store.Close()
	actor, err := localActor(ctx, store)
	if err != nil {
		return err
	}
	trail := &schemaTrail{store: store}
	before, _ := json.Marshal(map[string]any{"action": pos[0], "version": target})
	if pos[0] == "up" {
		before, _ = json.Marshal(map[string]any{"action": "up"})
	}
	err = model.RunAudited(ctx, trail, actor, model.ActionMigrate, before, func(ctx context.Context) (json.RawMessage, error) {
		if err := ownerOnly(ctx, pool, pos[0]); err != nil {
			return nil, err
		}
		var res []*db.MigrationResult
		var err error
		if pos[0] == "up" {
			res, err = m.Up(ctx)
		} else {
			if !*destroy {
				if err := confirmDestroy(ctx, g, pool, target); err != nil {
					return nil, err
				}
			}
			res, err = m.DownTo(ctx, target)
		}
		var done []int64
		for _, r := range res {
			if pos[0] == "up" {
				fmt.Fprintf(g.stdout, "applied  %05d  %s  (%s)\n", r.Source.Version, shortPath(r.Source.Path), r.Duration.Round(1000))
			} else {
				fmt.Fprintf(g.stdout, "rolled back  %05d  %s\n", r.Source.Version, shortPath(r.Source.Path))
			}
			done = append(done, r.Source.Version)
		}
		if err == nil && len(res) == 0 && pos[0] == "up" {
			fmt.Fprintln(g.stdout, "nothing to apply: the schema is up to date")
		}
		after, _ := json.Marshal(map[string]any{"versions": done})
		return after, err
	})
	if trail.gone {
		fmt.Fprintln(g.stderr, "godmode migrate: there is no audit trail (the schema has no audit_log), so this attempt is not recorded")
	}
	return err
}

func migrateStatus(ctx context.Context, g *globals, m *db.Migrator) error {
	st, err := m.Status(ctx)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(g.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "VERSION\tMIGRATION\tSTATE\tAPPLIED AT")
	for _, s := range st {
		at := "-"
		if !s.AppliedAt.IsZero() {
			at = s.AppliedAt.UTC().Format("2006-01-02 15:04:05Z")
		}
		fmt.Fprintf(tw, "%05d\t%s\t%s\t%s\n", s.Source.Version, shortPath(s.Source.Path), s.State, at)
	}
	return tw.Flush()
}

// ownerOnly refuses to change the schema as anything but its owner: a
// session's runtime role must never be able to, and a role that merely can
// would leave tables the runtime is not granted.
func ownerOnly(ctx context.Context, pool *pgxpool.Pool, action string) error {
	r, err := db.CurrentRole(ctx, pool)
	if err != nil {
		return err
	}
	switch {
	case r.Runtime && !r.Super:
		return fmt.Errorf("migrate %s: %s is a runtime role (a member of %s); migrations run as the schema owner: set %s", action, r.Name, db.RuntimeGroup, ownerURLHint)
	case r.SchemaOwner != "" && !r.Owner:
		return fmt.Errorf("migrate %s: %s does not own the schema (%s does); connect as the owner: set %s", action, r.Name, r.SchemaOwner, ownerURLHint)
	}
	return nil
}

// confirmDestroy asks for the database's name on the terminal.
func confirmDestroy(ctx context.Context, g *globals, pool *pgxpool.Pool, target int64) error {
	var name string
	if err := pool.QueryRow(ctx, `SELECT current_database()`).Scan(&name); err != nil {
		return err
	}
	fmt.Fprintf(g.stderr, "Rolling back to version %d destroys the data of every migration undone, in database %s.\nType the database's name to go on: ", target, name)
	line, err := bufio.NewReader(io.LimitReader(g.stdin, 1024)).ReadString('\n')
	if strings.TrimSpace(line) != name {
		if err != nil && !errors.Is(err, io.EOF) {
			return fmt.Errorf("down-to: no confirmation: %w", err)
		}
		return errors.New("down-to: not confirmed; nothing was rolled back")
	}
	return nil
}

func isTerminal(r io.Reader) bool {
	f, ok := r.(*os.File)
	return ok && term.IsTerminal(f.Fd())
}

// schemaTrail appends audit rows while the schema has an audit_log: before
// the first migration and after the last is rolled back there is no trail
// to write to, and gone says so.
type schemaTrail struct {
	store *db.Store
	gone  bool
}

func (s *schemaTrail) AppendAudit(ctx context.Context, e model.AuditEntry) (model.AuditEntry, error) {
	var missing bool
	if err := s.store.Pool().QueryRow(ctx, `SELECT to_regclass('audit_log') IS NULL`).Scan(&missing); err != nil {
		return e, err
	}
	if missing {
		s.gone = true
		return e, nil
	}
	return s.store.AppendAudit(ctx, e)
}

func shortPath(p string) string {
	for i := len(p) - 1; i >= 0; i-- {
		if p[i] == '/' {
			return p[i+1:]
		}
	}
	return p
}
