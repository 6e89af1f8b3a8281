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

func TestMain(m *testing.M) { dbtest.Main(m) }

// After the sync's first cycle, every campaign's 24-hour failure count is
// what its n8n holds: the seed numbers executions in start order on each
// instance, as n8n does, so the sync's newest-first read within its
// window misses none (it missed most when each campaign's executions were
// numbered on their own, backdated below the ids of the campaign before).
func TestSyncCountsEveryFailureOfTheDay(t *testing.T) {
	ctx := context.Background()
	kr, err := db.NewKeyring([]byte("0123456789abcdef0123456789abcdef"))
	if err != nil {
		t.Fatal(err)
	}
	store := db.NewStore(dbtest.New(t), kr)
	now := time.Date(2026, 3, 14, 9, 30, 0, 0, time.UTC)
	f, err := demofleet.Seed(ctx, store, demofleet.Options{Now: now, SuperEmail: "root@example.com", Workspaces: 5})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	dial := func(base, key string) model.N8n { return n8n.New(base, key) }
	s := model.NewSyncer(store, dial, model.SyncOptions{Name: "test", Now: func() time.Time { return now }, ExecutionRetention: -1, FindingRetention: -1})
	defer s.Close()
	if _, err := s.CycleAll(ctx); err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, w := range demofleet.Workspaces[:5] {
		ws, err := store.WorkspaceBySlug(ctx, w.Slug)
		if err != nil {
			t.Fatal(err)
		}
		camps, err := store.Campaigns(ctx, ws.ID)
		if err != nil {
			t.Fatal(err)
		}
		srv := f.Servers[w.Instance]
		for _, c := range camps {
			if c.Status == model.CampaignError {
				continue // its workflow, and so its executions, are gone
			}
			want := 0
			for _, e := range srv.Executions() {
				if e.WorkflowID == c.N8nWorkflowID && e.Status == n8n.StatusError && now.Sub(e.StartedAt) < 24*time.Hour {
					want++
				}
			}
			if c.Failures24h != want {
				t.Errorf("%s/%s: FAIL24H %d, n8n holds %d failures of the last 24 h", w.Slug, c.Name, c.Failures24h, want)
			}
			checked += want
		}
	}
	if checked == 0 {
		t.Fatal("no failure in the last 24 h anywhere: the test proves nothing")
	}
}

// The demo's workspaces hold leads, spread over campaigns and none, so the
// fleet's lead columns show numbers; one awaiting setup holds none.
func TestSeededWorkspacesHoldLeads(t *testing.T) {
	ctx := context.Background()
	kr, err := db.NewKeyring([]byte("0123456789abcdef0123456789abcdef"))
	if err != nil {
		t.Fatal(err)
	}
	store := db.NewStore(dbtest.New(t), kr)
	f, err := demofleet.Seed(ctx, store, demofleet.Options{Now: time.Now(), SuperEmail: "root@example.com", NoLarge: true})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	wss, err := store.WorkspaceSummaries(ctx)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]model.WorkspaceSummary{}
	for _, w := range wss {
		got[w.Slug] = w
	}
	for wi, w := range demofleet.Workspaces {
		ws := got[w.Slug]
		want := int64(demofleet.LeadsOf(wi))
		if w.Status == model.WorkspaceAwaitingSetup {
			want = 0
		}
		if ws.Leads != want {
			t.Errorf("%s holds %d leads, want %d", w.Slug, ws.Leads, want)
		}
		camps, err := store.Campaigns(ctx, ws.ID)
		if err != nil {
			t.Fatal(err)
		}
		var inCampaigns, with int64
		for _, c := range camps {
			inCampaigns += c.Leads
			if c.Leads > 0 {
				with++
			}
		}
		if want > 0 && (with != 3 || inCampaigns >= want || inCampaigns < want/2) {
			t.Errorf("%s: %d of %d leads in %d campaigns, want most of them in 3", w.Slug, inCampaigns, want, with)
		}
	}
}
