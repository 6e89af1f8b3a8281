package uitest

import (
	"context"
	"crypto/rand"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/godmode-console/godmode/db"
	"github.com/godmode-console/godmode/db/dbtest"
	"github.com/godmode-console/godmode/db/demofleet"
	"github.com/godmode-console/godmode/model"
	"github.com/godmode-console/godmode/n8n"
)

// Main runs a package's tests on one throwaway Postgres, stopped at the
// end: func TestMain(m *testing.M) { uitest.Main(m) }.
func Main(m *testing.M) { dbtest.Main(m) }

// SuperEmail is the fleet's super admin.
const SuperEmail = "alice@platform.io"

// Options choose the fleet a test gets.
type Options struct {
	// Workspaces seeds the first N of demofleet.Workspaces (0: all 14).
	Workspaces int
	// Large seeds texas' 5000-item execution (slow to simulate).
	Large bool
	// NoSync leaves the fleet as seeded: no sync cycle has run, so no
	// instance health, findings or last sync are known.
	NoSync bool
	// N8nMajor is the n8n the fakes behave like (2: 2.x; 1.x otherwise).
	N8nMajor int
	// Majors overrides N8nMajor for the instances it names.
	Majors map[string]int
	// ToggleTimeout bounds a toggle's n8n calls (0: the model's default).
	ToggleTimeout time.Duration
	// ReadTimeout bounds the console's reads of n8n (0: the model's
	// default).
	ReadTimeout time.Duration
	// ReadOnly makes the console refuse every change.
	ReadOnly bool
}

// Epoch is the fleet's fixed now: the fake n8n's clock, the console's and
// the screens'. Times Postgres stamps are moved onto it (PinTimes).
var Epoch = time.Date(2026, 3, 14, 9, 30, 0, 0, time.UTC)

// FixedClock always answers Epoch.
func FixedClock() time.Time { return Epoch }

// Fleet is one test's domain: its database, its fake n8n servers and the
// console over them. Everything is closed when the test ends.
type Fleet struct {
	t       testing.TB
	Store   *db.Store
	Console *model.Console
	Seed    *demofleet.Fleet
	owner   *pgxpool.Pool
	dbName  string
	// Now is the fixed clock of the fleet: the fake n8n's, the console's,
	// and the one screens should be given (Clock).
	Now   time.Time
	calls *calls
	pins  int // PinTimes calls so far
}

// New seeds a fresh database with the demo fleet and returns the console
// over it, after one sync cycle unless opt.NoSync.
func New(t testing.TB, opt Options) *Fleet {
	t.Helper()
	ctx := context.Background()
	pool := dbtest.New(t)
	key := make([]byte, 32)
	_, _ = rand.Read(key)
	kr, err := db.NewKeyring(key)
	if err != nil {
		t.Fatal(err)
	}
	store := db.NewStore(pool, kr)
	now := Epoch
	seed, err := demofleet.Seed(ctx, store, demofleet.Options{Now: now, SuperEmail: SuperEmail,
		N8nMajor: opt.N8nMajor, Majors: opt.Majors, Workspaces: opt.Workspaces, NoLarge: !opt.Large})
	if err != nil {
		t.Fatalf("seeding the demo fleet: %v", err)
	}
	t.Cleanup(seed.Close)
	f := &Fleet{t: t, Store: store, Seed: seed, owner: dbtest.Owner(t, pool), dbName: pool.Config().ConnConfig.Database, Now: now, calls: newCalls()}
	f.Console = model.NewConsole(store, Dial, model.ConsoleOptions{Context: "demo", ReadOnly: opt.ReadOnly,
		ToggleTimeout: opt.ToggleTimeout, ReadTimeout: opt.ReadTimeout, Now: f.Clock})
	if !opt.NoSync {
		f.Sync()
	}
	return f
}

// Dial is how the fixture's console reaches the fake n8n: the real client
// with one attempt per call, so a fault a test injects is the answer the
// model gets, not one the client's retries wait out.
func Dial(base, key string) model.N8n {
	return n8n.New(base, key, n8n.WithRetryPolicy(n8n.RetryPolicy{MaxAttempts: 1}))
}

// Clock is the fleet's fixed now.
func (f *Fleet) Clock() time.Time { return f.Now }

// Sync runs one real sync cycle over every instance, as the console's sync
// loop would, then pins the times Postgres stamped (PinTimes).
func (f *Fleet) Sync() {
	f.t.Helper()
	// Retention is off: the fleet's executions ran before Epoch, months
	// before Postgres' own clock.
	s := model.NewSyncer(f.Store, Dial, model.SyncOptions{Name: "uitest", Now: f.Clock, InstanceTimeout: time.Second,
		ExecutionRetention: -1, FindingRetention: -1})
	defer s.Close()
	if _, err := s.CycleAll(context.Background()); err != nil {
		f.t.Fatalf("sync: %v", err)
	}
	f.PinTimes()
}
