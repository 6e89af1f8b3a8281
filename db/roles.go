package db

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5/pgxpool"
)

// RuntimeGroup is the group role migration 00004 grants what sessions need;
// the login role of every session is a member of it (README, "Database
// roles").
const RuntimeGroup = "godmode_runtime"

// ErrPrivilegedSession is wrapped when a session connects as a role that
// could rewrite the audit trail; ErrSchemaNotCurrent when migrations are
// pending. Both say in their text what to do.
var (
	ErrPrivilegedSession = errors.New("a session must not run as a privileged role")
	ErrSchemaNotCurrent  = errors.New("the schema is not current")
)

// Role is what the connected role may do, as far as godmode cares.
type Role struct {
	Name      string
	Super     bool // superuser: nothing binds it
	BypassRLS bool
	Runtime   bool // member of godmode_runtime
	// Owner: may act as the owner of the schema (goose's table), so may
	// alter, disable or drop anything in it.
	Owner bool
	// SchemaOwner names the role owning the schema, "" before the first
	// migration.
	SchemaOwner string
}

// CurrentRole reads what the pool's role may do.
func CurrentRole(ctx context.Context, pool *pgxpool.Pool) (Role, error) {
	var r Role
	err := pool.QueryRow(ctx, `SELECT current_user, r.rolsuper, r.rolbypassrls,
			coalesce(pg_has_role(current_user, (SELECT oid FROM pg_roles WHERE rolname = $1), 'USAGE'), false),
			coalesce((SELECT pg_has_role(current_user, c.relowner, 'USAGE') FROM pg_class c WHERE c.oid = to_regclass('goose_db_version')), false),
			coalesce((SELECT pg_get_userbyid(c.relowner)::text FROM pg_class c WHERE c.oid = to_regclass('goose_db_version')), '')
		FROM pg_roles r WHERE r.rolname = current_user`, RuntimeGroup).
		Scan(&r.Name, &r.Super, &r.BypassRLS, &r.Runtime, &r.Owner, &r.SchemaOwner)
	if err != nil {
		return Role{}, dbErr("database role", err)
	}
	return r, nil
}

// CheckSession is what every session (console, sync, inspect, instances…)
// does after connecting instead of migrating: it refuses a role the audit
// trail cannot hold to account, and a schema with pending migrations.
// ownerHint says where the owner's URL is configured, for the messages.
func CheckSession(ctx context.Context, pool *pgxpool.Pool, ownerHint string) error {
	r, err := CurrentRole(ctx, pool)
	if err != nil {
		return err
	}
	fix := fmt.Sprintf(`connect sessions as a login role that is a member of %s and owns nothing (README, "Database roles")`, RuntimeGroup)
	switch {
	case r.Super:
		return fmt.Errorf("%w: connected as %s, a superuser, which could rewrite the audit trail; %s", ErrPrivilegedSession, r.Name, fix)
	case r.BypassRLS:
		return fmt.Errorf("%w: connected as %s, which has BYPASSRLS; %s", ErrPrivilegedSession, r.Name, fix)
	}
	if err := SchemaCurrent(ctx, pool, ownerHint); err != nil {
		return err
	}
	switch {
	case r.Owner:
		return fmt.Errorf("%w: connected as %s, which owns the schema (owner %s) and could rewrite the audit trail; the owner's URL is for godmode migrate only: %s",
			ErrPrivilegedSession, r.Name, r.SchemaOwner, fix)
	case !r.Runtime:
		return fmt.Errorf("database role %s is not a member of %s, so it may not read or write godmode's tables: GRANT %s TO %s (as the owner)",
			r.Name, RuntimeGroup, RuntimeGroup, r.Name)
	}
	return nil
}

// SchemaCurrent fails, saying how to fix it, unless every embedded
// migration is applied. It only reads goose's table, which the runtime
// role may.
func SchemaCurrent(ctx context.Context, pool *pgxpool.Pool, ownerHint string) error {
	known, err := migrationVersions()
	if err != nil {
		return err
	}
	fix := "run `godmode migrate up` with the owner's URL (" + ownerHint + ")"
	var exists bool
	if err := pool.QueryRow(ctx, `SELECT to_regclass('goose_db_version') IS NOT NULL`).Scan(&exists); err != nil {
		return dbErr("schema version", err)
	}
	if !exists {
		return fmt.Errorf("%w: the database has no godmode schema yet: %s", ErrSchemaNotCurrent, fix)
	}
	rows, err := pool.Query(ctx, `SELECT DISTINCT version_id FROM goose_db_version WHERE version_id > 0`)
	if err != nil {
		return dbErr("schema version", err)
	}
	applied := map[int64]bool{}
	var newest int64
	for rows.Next() {
		var v int64
		if err := rows.Scan(&v); err != nil {
			rows.Close()
			return dbErr("schema version", err)
		}
		applied[v] = true
		newest = max(newest, v)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return dbErr("schema version", err)
	}
	var pending []string
	for _, v := range known {
		if !applied[v] {
			pending = append(pending, fmt.Sprintf("%05d", v))
		}
	}
	if len(pending) > 0 {
		return fmt.Errorf("%w: %d migration(s) pending (%s): %s", ErrSchemaNotCurrent, len(pending), strings.Join(pending, ", "), fix)
	}
	if latest := known[len(known)-1]; newest > latest {
		return fmt.Errorf("%w: the database is at schema version %d, newer than this godmode knows (%d): use a newer godmode", ErrSchemaNotCurrent, newest, latest)
	}
	return nil
}

// migrationVersions lists the embedded migrations' versions, oldest first.
func migrationVersions() ([]int64, error) {
	names, err := fs.Glob(migrationFiles, "migrations/*.sql")
	if err != nil {
		return nil, err
	}
	var out []int64
	for _, n := range names {
		base := n[strings.LastIndex(n, "/")+1:]
		num, _, _ := strings.Cut(base, "_")
		v, err := strconv.ParseInt(num, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("migration %s: no version number in its name", base)
		}
		out = append(out, v)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out, nil
}
