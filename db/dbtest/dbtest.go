// Package dbtest gives tests a real Postgres: one throwaway server per test
// binary (started from the machine's binaries, also as root), a template
// database migrated once, and a fresh database cloned from it for each test.
package dbtest

import (
	"context"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/godmode-console/godmode/db"
)

const template = "godmode_template"

var (
	once    sync.Once
	server  *db.Throwaway
	initErr error
	seq     atomic.Int64
)

// Main runs the tests of a package and stops the server afterwards. Call it
// from TestMain: func TestMain(m *testing.M) { dbtest.Main(m) }.
func Main(m *testing.M) {
	code := m.Run()
	if server != nil {
		server.Close()
	}
	os.Exit(code)
}

// Server returns the shared throwaway server, starting it on first use.
func Server(t testing.TB) *db.Throwaway {
	t.Helper()
	once.Do(func() {
		ctx := context.Background()
		server, initErr = db.StartThrowaway(ctx, db.ThrowawayOptions{})
		if initErr != nil {
			return
		}
		initErr = prepareTemplate(ctx, server)
	})
	if initErr != nil {
		t.Fatalf("test Postgres: %v", initErr)
	}
	return server
}

func prepareTemplate(ctx context.Context, s *db.Throwaway) error {
	c, err := pgx.Connect(ctx, s.URL())
	if err != nil {
		return err
	}
	defer c.Close(ctx)
	if _, err := c.Exec(ctx, "CREATE DATABASE "+template); err != nil {
		return err
	}
	pool, err := db.Connect(ctx, s.DatabaseURL(template))
	if err != nil {
		return err
	}
	defer pool.Close()
	return db.Migrate(ctx, pool)
}

// NewDatabase creates an empty database (no migrations) and returns its URL.
func NewDatabase(t testing.TB) string {
	return newDatabase(t, "")
}

// New returns a pool on a fresh, fully migrated database that is dropped
// when the test ends.
func New(t testing.TB) *pgxpool.Pool {
	t.Helper()
	url := newDatabase(t, template)
	pool, err := db.Connect(context.Background(), url)
	if err != nil {
		t.Fatalf("test Postgres: %v", err)
	}
	t.Cleanup(pool.Close)
	return pool
}

// URL returns the URL of a fresh, fully migrated database.
func URL(t testing.TB) string { return newDatabase(t, template) }

func newDatabase(t testing.TB, from string) string {
	t.Helper()
	s := Server(t)
	ctx := context.Background()
	name := fmt.Sprintf("t_%d_%d", os.Getpid(), seq.Add(1))
	c, err := pgx.Connect(ctx, s.URL())
	if err != nil {
		t.Fatalf("test Postgres: %v", err)
	}
	defer c.Close(ctx)
	stmt := "CREATE DATABASE " + name
	if from != "" {
		stmt += " TEMPLATE " + from
	}
	if _, err := c.Exec(ctx, stmt); err != nil {
		t.Fatalf("test Postgres: %v", err)
	}
	t.Cleanup(func() {
		c, err := pgx.Connect(ctx, s.URL())
		if err != nil {
			return
		}
		defer c.Close(ctx)
		c.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
	})
	return s.DatabaseURL(name)
}
