package db

import (
	"context"
	"database/sql"
	"embed"
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
// concurrent start-ups (several consoles, a daemon) take turns.
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

// DownTo rolls back to version (0: everything).
func (m *Migrator) DownTo(ctx context.Context, version int64) ([]*MigrationResult, error) {
	return m.provider.DownTo(ctx, version)
}

// Status lists every known migration with its state.
func (m *Migrator) Status(ctx context.Context) ([]*MigrationStatus, error) {
	return m.provider.Status(ctx)
}

// Migrate applies pending migrations on pool; the console and the daemon call
// it at start-up.
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
