package db_test

import (
	"testing"

	"github.com/godmode-console/godmode/db"
	"github.com/godmode-console/godmode/model"
)

// The fleet's reads carry each workspace's and campaign's lead count from
// lead_counts, and a change of the counts is announced (00019), so every
// console's counts follow an import made elsewhere.
func TestFleetReadsCarryLeadCountsAndTheirChangesAreAnnounced(t *testing.T) {
	s, ctx := newStore(t)
	got := newChanges()
	run(t, db.NewListener(s.Pool(), got.add, db.ListenOptions{OnState: got.state}))
	got.next(t, "resync on connecting", isResync)
	ohio, texas := twoWorkspaces(t, s, ctx)
	c := got.next(t, "lead_counts notification", func(c model.Change) bool {
		return c.Table == model.TableLeadCounts && c.WorkspaceID != nil && *c.WorkspaceID == texas.ID
	})
	if c.Op != "insert" || c.ID != 0 {
		t.Errorf("texas' first leads announced as %+v, want an insert of campaign 0 (none)", c)
	}
	camp, err := s.CreateCampaign(ctx, db.NewCampaign{WorkspaceID: ohio.ID, Name: "Spring", N8nWorkflowID: "wf1"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.UpsertLeads(ctx, ohio.ID, []model.Lead{{Email: "c@ohio.example", CampaignID: &camp.ID}, {Email: "d@ohio.example", CampaignID: &camp.ID}}); err != nil {
		t.Fatal(err)
	}
	got.next(t, "the campaign's count", func(c model.Change) bool {
		return c.Table == model.TableLeadCounts && c.ID == camp.ID && c.WorkspaceID != nil && *c.WorkspaceID == ohio.ID
	})
	wss, err := s.WorkspaceSummaries(ctx)
	if err != nil {
		t.Fatal(err)
	}
	leads := map[string]int64{}
	for _, w := range wss {
		leads[w.Slug] = w.Leads
	}
	if leads["ohio"] != 4 || leads["texas"] != 1 {
		t.Errorf("workspace lead counts %v, want ohio 4 and texas 1", leads)
	}
	camps, err := s.Campaigns(ctx, ohio.ID)
	if err != nil || len(camps) != 1 || camps[0].Leads != 2 {
		t.Errorf("ohio's campaigns %+v (%v), want Spring with 2 leads", camps, err)
	}
}
