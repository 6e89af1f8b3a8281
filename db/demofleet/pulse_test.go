package demofleet_test

import (
	"context"
	"testing"
	"time"

	"github.com/godmode-console/godmode/db"
	"github.com/godmode-console/godmode/db/dbtest"
	"github.com/godmode-console/godmode/db/demofleet"
	"github.com/godmode-console/godmode/model"
	"github.com/godmode-console/godmode/n8n"
)

// The demo's sync summarises its failures, so :pulse on the demo shows
// the same failure grouped across workspaces, each with its executions.
func TestDemoPulseGroupsFailuresAcrossWorkspaces(t *testing.T) {
	ctx := context.Background()
	kr, err := db.NewKeyring([]byte("0123456789abcdef0123456789abcdef"))
	if err != nil {
		t.Fatal(err)
	}
	store := db.NewStore(dbtest.New(t), kr)
	now := time.Date(2026, 3, 14, 9, 30, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	f, err := demofleet.Seed(ctx, store, demofleet.Options{Now: now, SuperEmail: "root@example.com", Workspaces: 6, NoLarge: true})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	dial := func(base, key string) model.N8n { return n8n.New(base, key) }
	s := model.NewSyncer(store, dial, model.SyncOptions{Name: "test", Now: clock, ExecutionRetention: -1, FindingRetention: -1})
	defer s.Close()
	if _, err := s.CycleAll(ctx); err != nil {
		t.Fatal(err)
	}
	c := model.NewConsole(store, dial, model.ConsoleOptions{Now: clock})
	actor, err := store.Actor(ctx, f.Super, "")
	if err != nil {
		t.Fatal(err)
	}
	p, err := c.Pulse(ctx, actor)
	if err != nil {
		t.Fatal(err)
	}
	if p.Backlog.Pending != 0 || p.Backlog.Budget != model.DefaultFailureSummaries {
		t.Errorf("backlog %+v: want every failure summarised in the first cycle, the default budget", p.Backlog)
	}
	across := 0
	for _, g := range p.Groups {
		if g.Workspaces > 1 {
			across++
		}
	}
	if len(p.Groups) < 2 || across == 0 {
		t.Fatalf("groups %+v: want several, some across workspaces", p.Groups)
	}
	top := p.Groups[0]
	list, err := c.FailureGroupExecutions(ctx, actor, top.Key)
	if err != nil || len(list) != top.Executions {
		t.Fatalf("group %q lists %d executions (%v), want %d", top.Message, len(list), err, top.Executions)
	}
	wss := map[string]bool{}
	for _, e := range list {
		wss[e.Workspace] = true
	}
	if len(wss) != top.Workspaces {
		t.Errorf("group %q: its executions are in %d workspaces, it says %d", top.Message, len(wss), top.Workspaces)
	}
	if p.Fleet.Day.Error == 0 || len(p.Workspaces) < 5 {
		t.Errorf("fleet %+v over %d workspaces", p.Fleet.Day, len(p.Workspaces))
	}
	for _, g := range p.Groups {
		t.Logf("%s %s %s: %d executions in %d workspaces", g.NodeType, g.Class, g.Message, g.Executions, g.Workspaces)
	}
}
