package db

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// Migrator applies the embedded migrations. A Postgres session lock makes
// concurrent `godmode migrate up` runs take turns.
type Migrator struct {
	sqlDB    *sql.DB
	provider *goose.Provider
}

// NewMigrator wraps pool for goose, which speaks database/sql.
func NewMigrator(pool *pgxpool.Pool) (*Migrator, error) {
	sub, err := fs.Sub(migrationFiles, "migrations")
	if err != nil {
		return nil, err
	}
	locker, err := lock.NewPostgresSessionLocker()
	if err != nil {
		return nil, err
	}
	sqlDB := stdlib.OpenDBFromPool(pool)
	p, err := goose.NewProvider(goose.DialectPostgres, sqlDB, sub, goose.WithSessionLocker(locker))
	if err != nil {
		sqlDB.Close()
		return nil, fmt.Errorf("migrations: %w", err)
	}
	return &Migrator{sqlDB: sqlDB, provider: p}, nil
}

// Close releases the database/sql handle (not the pool).
func (m *Migrator) Close() error { return m.sqlDB.Close() }

// MigrationResult is one migration applied or rolled back.
type MigrationResult = goose.MigrationResult

// MigrationStatus is one migration and whether it is applied.
type MigrationStatus = goose.MigrationStatus

// Up applies every pending migration.
func (m *Migrator) Up(ctx context.Context) ([]*MigrationResult, error) {
	return m.provider.Up(ctx)
}

// auditLogVersion is the migration that creates audit_log: rolling back
// past it drops the trail.
const auditLogVersion = 1

// ErrAuditNotEmpty is wrapped when a rollback would drop an audit trail
// that holds rows.
var ErrAuditNotEmpty = errors.New("refusing to drop a non-empty audit_log or its hash chain")

// auditChainVersion is the migration that hash-chains audit_log: rolling
// back past it drops the chain, and applying it again would chain the rows
// as they are then, edits included, so an edited trail would verify.
const auditChainVersion = 4

// DownTo rolls back to version (0: everything). It refuses to drop
// audit_log, or its hash chain, while it holds rows; migration 00001's Down
// refuses the first too, this says it before anything is rolled back.
func (m *Migrator) DownTo(ctx context.Context, version int64) ([]*MigrationResult, error) {
	if version < auditChainVersion {
		var rows bool
		err := m.sqlDB.QueryRowContext(ctx, `SELECT to_regclass('audit_log') IS NOT NULL AND EXISTS (SELECT 1 FROM audit_log)`).Scan(&rows)
		if err != nil {
			return nil, fmt.Errorf("down-to %d: reading audit_log: %w", version, err)
		}
		switch {
		case rows && version < auditLogVersion:
			return nil, fmt.Errorf("down-to %d: %w: the audit trail outlives the schema (export it and empty it as the owner first, if it must go); nothing was rolled back", version, ErrAuditNotEmpty)
		case rows:
			return nil, fmt.Errorf("down-to %d: %w: below %05d the trail's hash chain is dropped, and applying it again would chain edited rows as if they were true (roll back to %d at the lowest); nothing was rolled back", version, ErrAuditNotEmpty, auditChainVersion, auditChainVersion)
		}
	}
	return m.provider.DownTo(ctx, version)
}

// Status lists every known migration with its state.
func (m *Migrator) Status(ctx context.Context) ([]*MigrationStatus, error) {
	return m.provider.Status(ctx)
}

// Migrate applies pending migrations on pool, which must be the schema
// owner's: `godmode migrate up`, the demo and the tests' template call it;
// sessions only check the schema is current (CheckSession).
func Migrate(ctx context.Context, pool *pgxpool.Pool) error {
	m, err := NewMigrator(pool)
	if err != nil {
		return err
	}
	defer m.Close()
	if _, err := m.Up(ctx); err != nil {
		return fmt.Errorf("applying migrations: %w", err)
	}
	return nil
}
