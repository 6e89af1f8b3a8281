package uitest

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/godmode-console/godmode/db"
	"github.com/godmode-console/godmode/db/dbtest"
	"github.com/godmode-console/godmode/db/demofleet"
	"github.com/godmode-console/godmode/model"
	"github.com/godmode-console/godmode/n8n"
	"github.com/godmode-console/godmode/n8n/n8ntest"
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

// As is the backend a session of actor uses: console.As(actor), with the
// calls it receives counted.
func (f *Fleet) As(actor model.Actor) *Backend {
	return &Backend{ActorConsole: f.Console.As(actor), calls: f.calls, fleet: f}
}

// Super is the super admin as a session sees them.
func (f *Fleet) Super() model.Actor { return f.actor(f.Seed.Super) }

// Member is the user holding role in the workspace slug
// (ROLE.SLUG@SLUG.example.com).
func (f *Fleet) Member(slug string, role model.Role) model.Actor {
	f.t.Helper()
	u, ok := f.Seed.Members[slug][role]
	if !ok {
		f.t.Fatalf("no %s of %s in the fleet", role, slug)
	}
	return f.actor(u)
}

func (f *Fleet) actor(u model.User) model.Actor {
	f.t.Helper()
	a, err := f.Store.Actor(context.Background(), u, "")
	if err != nil {
		f.t.Fatal(err)
	}
	return a
}

// Workspace is the workspace slug as Postgres holds it now.
func (f *Fleet) Workspace(slug string) model.Workspace {
	f.t.Helper()
	ws, err := f.Store.WorkspaceBySlug(context.Background(), slug)
	if err != nil {
		f.t.Fatalf("workspace %s: %v", slug, err)
	}
	return ws
}

// Campaign is the campaign name of workspace slug as Postgres holds it now.
func (f *Fleet) Campaign(slug, name string) model.Campaign {
	f.t.Helper()
	cs, err := f.Store.Campaigns(context.Background(), f.Workspace(slug).ID)
	if err != nil {
		f.t.Fatal(err)
	}
	for _, c := range cs {
		if c.Name == name {
			return c
		}
	}
	f.t.Fatalf("no campaign %q in %s", name, slug)
	return model.Campaign{}
}

// CampaignByID is the campaign as Postgres holds it now.
func (f *Fleet) CampaignByID(id int64) model.Campaign {
	f.t.Helper()
	c, err := f.Store.Campaign(context.Background(), id)
	if err != nil {
		f.t.Fatal(err)
	}
	return c
}

// N8n is the fake n8n the workspace slug runs on.
func (f *Fleet) N8n(slug string) *n8ntest.Server {
	f.t.Helper()
	for _, w := range demofleet.Workspaces {
		if w.Slug == slug && f.Seed.Servers[w.Instance] != nil {
			return f.Seed.Servers[w.Instance]
		}
	}
	f.t.Fatalf("workspace %s is on no n8n of the fleet", slug)
	return nil
}

// Audit is the whole audit trail, oldest first.
func (f *Fleet) Audit() []model.AuditEntry {
	f.t.Helper()
	es, err := f.Store.Audit(context.Background(), model.AuditFilter{Limit: 10000})
	if err != nil {
		f.t.Fatal(err)
	}
	for i, j := 0, len(es)-1; i < j; i, j = i+1, j-1 {
		es[i], es[j] = es[j], es[i]
	}
	return es
}

// Listen feeds the console from Postgres' NOTIFYs through the real
// listener, as cmd/godmode wires it, until the test ends. It returns once
// the listener is connected and its first resync is handed on (drained:
// it is not a change the test made).
func (f *Fleet) Listen() {
	f.t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	up := make(chan struct{}, 1)
	l := db.NewListener(f.Store.Pool(), f.Console.Publish, db.ListenOptions{OnState: func(s db.ListenState) {
		if s.Connected {
			select {
			case up <- struct{}{}:
			default:
			}
		}
	}})
	done := make(chan struct{})
	go func() { defer close(done); l.Run(ctx) }()
	f.t.Cleanup(func() { cancel(); <-done })
	select {
	case <-up:
	case <-time.After(5 * time.Second):
		f.t.Fatal("the change listener did not connect within 5s")
	}
	select {
	case <-f.Console.Changes():
	case <-time.After(time.Second):
	}
}

// AsSuper is As(Super()), the backend most screen tests use.
func (f *Fleet) AsSuper() *Backend { return f.As(f.Super()) }

// AddCampaigns gives workspace slug n more campaigns ("Campaign 001" …),
// each an active workflow in its n8n, recorded as production records an
// adopted workflow.
func (f *Fleet) AddCampaigns(slug string, n int) {
	f.t.Helper()
	ctx := context.Background()
	srv, ws := f.N8n(slug), f.Workspace(slug)
	tpl := demofleet.Templates[0]
	for i := range n {
		name := fmt.Sprintf("Campaign %03d", i+1)
		path := slug + "-" + demofleet.Slugify(name)
		wf, err := srv.AddWorkflow(n8n.Workflow{Name: slug + " · " + name, Nodes: tpl.Nodes(path), Connections: json.RawMessage(tpl.Connections), Active: true})
		if err != nil {
			f.t.Fatal(err)
		}
		if _, err := f.Store.CreateCampaign(ctx, db.NewCampaign{WorkspaceID: ws.ID, Name: name, N8nWorkflowID: wf.ID,
			Status: model.CampaignActive, WebhookURL: srv.URL + "/webhook/" + path}); err != nil {
			f.t.Fatal(err)
		}
	}
}
