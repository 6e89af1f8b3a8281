package uitest

import (
	"context"

	"github.com/godmode-console/godmode/db/demofleet"
	"github.com/godmode-console/godmode/model"
	"github.com/godmode-console/godmode/n8n/n8ntest"
)

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

// AsSuper is As(Super()), the backend most screen tests use.
func (f *Fleet) AsSuper() *Backend { return f.As(f.Super()) }

// Executions are the campaign's executions as n8n lists them, newest
// first.
func (f *Fleet) Executions(slug, name string) []model.Execution {
	f.t.Helper()
	es, err := f.Console.Executions(context.Background(), f.Campaign(slug, name).ID, "")
	if err != nil {
		f.t.Fatal(err)
	}
	return es
}
