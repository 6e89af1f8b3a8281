package model_test

import (
	"errors"
	"testing"

	"github.com/godmode-console/godmode/model"
)

// Lead counts ride on the fleet's reads and are authorised like them: a
// member sees the counts of their workspace and its campaigns, and nothing
// of another tenant's, whose campaign list (and so its counts) is refused.
func TestLeadCountsAreShownToWhoMayViewTheWorkspace(t *testing.T) {
	tt := newTwoTenants(t)
	w := tt.world
	if _, err := w.store.UpsertLeads(w.ctx, w.ws.ID, []model.Lead{{Email: "a@ohio.example", CampaignID: &tt.ohioCamp.ID}, {Email: "b@ohio.example"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.store.UpsertLeads(w.ctx, tt.texas.ID, []model.Lead{{Email: "t@texas.example"}, {Email: "u@texas.example"}, {Email: "v@texas.example"}}); err != nil {
		t.Fatal(err)
	}
	member := w.console.As(w.member)
	wss, err := member.Workspaces(w.ctx)
	if err != nil || len(wss) != 1 || wss[0].Slug != "ohio" || wss[0].Leads != 2 {
		t.Fatalf("the member's workspaces %+v (%v), want ohio with 2 leads only", wss, err)
	}
	camps, err := member.Campaigns(w.ctx, w.ws.ID)
	if err != nil || len(camps) != 1 || camps[0].Leads != 1 {
		t.Errorf("the member's campaigns of ohio %+v (%v), want Ohio-Email-1 with 1 lead", camps, err)
	}
	if camps, err := member.Campaigns(w.ctx, tt.texas.ID); !errors.Is(err, model.ErrForbidden) || len(camps) != 0 {
		t.Errorf("the member's campaigns of texas: %d (%v), want a refusal", len(camps), err)
	}
	all, err := w.console.As(w.super).Workspaces(w.ctx)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int64{}
	for _, ws := range all {
		got[ws.Slug] = ws.Leads
	}
	if got["ohio"] != 2 || got["texas"] != 3 {
		t.Errorf("the super admin's lead counts %v, want ohio 2 and texas 3", got)
	}
}
