package db

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/godmode-console/godmode/model"
)

// Store is the repositories over one pool. Keys may be nil for callers that
// never touch n8n API keys.
type Store struct {
	pool *pgxpool.Pool
	keys *Keyring

	// locks holds the connections that hold advisory locks. They come from a
	// pool of their own: a holder also runs queries, and if holders and
	// waiters drew from the query pool they could take every connection and
	// wait on each other forever.
	locksOnce sync.Once
	locks     *pgxpool.Pool
	locksErr  error

	// overrides are API keys given to this process (from its environment),
	// used instead of the stored ones and never written.
	overrideMu sync.Mutex
	overrides  map[int64]string
}

// NewStore returns the repositories over pool.
func NewStore(pool *pgxpool.Pool, keys *Keyring) *Store { return &Store{pool: pool, keys: keys} }

// lockPool returns the pool of lock connections, made on first use.
func (s *Store) lockPool() (*pgxpool.Pool, error) {
	s.locksOnce.Do(func() {
		cfg := s.pool.Config()
		cfg.MaxConns = 16
		cfg.MinConns = 0
		s.locks, s.locksErr = pgxpool.NewWithConfig(context.Background(), cfg)
	})
	return s.locks, s.locksErr
}

// Close releases the lock connections (the query pool is the caller's).
func (s *Store) Close() {
	s.locksOnce.Do(func() {})
	if s.locks != nil {
		s.locks.Close()
	}
}

// Pool is the underlying pool, for LISTEN and for tests.
func (s *Store) Pool() *pgxpool.Pool { return s.pool }

// querier is what both the pool and a transaction offer.
type querier interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// inTx runs fn in a transaction, committed when fn returns nil.
func (s *Store) inTx(ctx context.Context, fn func(tx pgx.Tx) error) error {
	return pgx.BeginFunc(ctx, s.pool, fn)
}

// dbErr turns Postgres refusals into the model's errors. A broken rule of
// the schema is said in words naming the field (ConstraintError keeps
// Postgres's own text for errors.As); other Postgres errors keep theirs.
func dbErr(what string, err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("%s: %w", what, model.ErrNotFound)
	}
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		if ce := constraintError(pg); ce != nil {
			return fmt.Errorf("%s: %w", what, ce)
		}
		if pg.Code == "22P02" { // invalid text, e.g. an enum value
			return fmt.Errorf("%s: %w: %s", what, model.ErrInvalid, pg.Message)
		}
		return fmt.Errorf("%s: %s", what, pg.Message)
	}
	return fmt.Errorf("%s: %w", what, err)
}

func collect[T any](what string, rows pgx.Rows, err error) ([]T, error) {
	if err != nil {
		return nil, dbErr(what, err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowToStructByNameLax[T])
	return out, dbErr(what, err)
}

func one[T any](what string, rows pgx.Rows, err error) (T, error) {
	if err != nil {
		var zero T
		return zero, dbErr(what, err)
	}
	out, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByNameLax[T])
	return out, dbErr(what, err)
}
