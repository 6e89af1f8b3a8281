package model_test

import (
	"testing"

	"github.com/godmode-console/godmode/model"
)

// BenchmarkToggleRoundTrip is one toggle as a person makes it: authorise,
// lock, read n8n, record the wish, activate or deactivate, settle, audit,
// against the fake n8n over loopback HTTP and a real Postgres.
func BenchmarkToggleRoundTrip(b *testing.B) {
	w := newWorld(b)
	c := w.campaign("Email 1", false)
	want := []model.CampaignStatus{model.CampaignActive, model.CampaignPaused}
	for i := 0; b.Loop(); i++ {
		res := w.console.Toggle(w.ctx, w.member, c.ID, want[i%2])
		if res.Outcome != model.OutcomeOK {
			b.Fatalf("toggle %d: %+v", i, res)
		}
	}
}
