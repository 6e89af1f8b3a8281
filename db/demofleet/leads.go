package demofleet

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"

	"github.com/godmode-console/godmode/db"
	"github.com/godmode-console/godmode/model"
)

// LeadsOf is how many leads a seeded workspace with campaigns holds (by its
// place in Workspaces), so the fleet's lead columns show numbers that
// differ; ohio, the oldest client, has the most.
func LeadsOf(wi int) int {
	n := 40 + (wi*389)%700
	if wi == 0 {
		n += 1200
	}
	return n
}

// leadCampaigns is how many of a workspace's first campaigns get leads; the
// rest of the leads (every fifth) belong to no campaign.
const leadCampaigns = 3

var (
	leadIndustries = []string{"Solar", "Roofing", "HVAC", "Legal", "Dental"}
	leadFirstNames = []string{"Ava", "Ben", "Cleo", "Dan", "Eve", "Finn", "Gus", "Hana"}
)

// seedLeads gives a workspace its leads, spread over its first campaigns
// and none, with the metadata keys the :leads screen lists. Its own random
// source keeps the executions' draws (and so every other golden) as they
// were.
func seedLeads(ctx context.Context, store *db.Store, ws model.Workspace, wi int, camps []model.Campaign) error {
	rng := rand.New(rand.NewPCG(uint64(wi)+1, 14))
	n := LeadsOf(wi)
	leads := make([]model.Lead, n)
	for i := range leads {
		md, _ := json.Marshal(map[string]any{
			"first_name": leadFirstNames[rng.IntN(len(leadFirstNames))],
			"industry":   leadIndustries[rng.IntN(len(leadIndustries))],
			"score":      rng.IntN(100),
		})
		leads[i] = model.Lead{Email: fmt.Sprintf("lead%04d@%s-prospects.example.com", i+1, ws.Slug), Metadata: md}
		if k := i % (leadCampaigns + 2); k < leadCampaigns && k < len(camps) {
			leads[i].CampaignID = &camps[k].ID
		}
	}
	_, err := store.UpsertLeads(ctx, ws.ID, leads)
	return err
}
