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
// from TestMain: func TestMain(m *testing.M) { dbtest.Main(m) }. The after
// functions run once the tests are done, before the process exits (which
// skips deferred calls), to remove what the test binary kept for all its
// tests.
func Main(m *testing.M, after ...func()) {
	code := m.Run()
	for _, f := range after {
		f()
	}
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
	if err := s.CreateDatabase(ctx, template, ""); err != nil {
		return err
	}
	// Migrated as the owner, as `godmode migrate up` does.
	pool, err := db.Connect(ctx, s.DatabaseURLAs(db.ThrowawayOwner, template))
	if err != nil {
		return err
	}
	defer pool.Close()
	return db.Migrate(ctx, pool)
}

// Database is one fresh database and how each role reaches it.
type Database struct {
	Name    string
	Runtime string // what sessions use: a member of godmode_runtime
	Owner   string // owns the schema; what migrations use
	Super   string // the server's superuser
}

// NewDatabase creates an empty database owned by the owner role (no
// migrations) and returns the owner's URL, for tests of migrating.
func NewDatabase(t testing.TB) string {
	return newDatabase(t, "").Owner
}

// New returns a pool of the RUNTIME role on a fresh, fully migrated
// database that is dropped when the test ends: every test runs with the
// privileges a real session has. Tests that need more say so with Owner or
// Superuser.
func New(t testing.TB) *pgxpool.Pool {
	t.Helper()
	return connect(t, newDatabase(t, template).Runtime)
}

// URL returns the runtime role's URL of a fresh, fully migrated database.
func URL(t testing.TB) string { return newDatabase(t, template).Runtime }

// Fresh returns a fresh, fully migrated database with every role's URL.
func Fresh(t testing.TB) Database { return newDatabase(t, template) }

// Owner returns a pool of the owner role on the database pool is on.
func Owner(t testing.TB, pool *pgxpool.Pool) *pgxpool.Pool {
	t.Helper()
	return connect(t, Server(t).DatabaseURLAs(db.ThrowawayOwner, pool.Config().ConnConfig.Database))
}

// Superuser returns a pool of the superuser on the database pool is on.
func Superuser(t testing.TB, pool *pgxpool.Pool) *pgxpool.Pool {
	t.Helper()
	return connect(t, Server(t).DatabaseURL(pool.Config().ConnConfig.Database))
}

func connect(t testing.TB, url string) *pgxpool.Pool {
	t.Helper()
	pool, err := db.Connect(context.Background(), url)
	if err != nil {
		t.Fatalf("test Postgres: %v", err)
	}
	t.Cleanup(pool.Close)
	return pool
}

func newDatabase(t testing.TB, from string) Database {
	t.Helper()
	s := Server(t)
	ctx := context.Background()
	name := fmt.Sprintf("t_%d_%d", os.Getpid(), seq.Add(1))
	if err := s.CreateDatabase(ctx, name, from); err != nil {
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
	return Database{Name: name, Runtime: s.DatabaseURLAs(db.ThrowawayRuntime, name),
		Owner: s.DatabaseURLAs(db.ThrowawayOwner, name), Super: s.DatabaseURL(name)}
}
