package fleet

import (
	"context"
	"fmt"
	"strings"
	"testing"
)

// BenchmarkCampaignsPane times one frame of the campaigns pane at 160×45
// with all campaigns in one workspace, cursor in the middle of the list.
// The pane renders only visible rows, so 10,000 should cost what 100 do.
// The rows are florida's real ones (read through the model) repeated: the
// benchmark measures drawing, not seeding 10,000 workflows.
func BenchmarkCampaignsPane(b *testing.B) {
	for _, n := range []int{100, 10000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			f, be := newFixture(b, small)
			m := newFleet(b, f, be, Options{Actor: be.Actor()})
			snap := m.Fetch()(context.Background())
			real := snap.Campaigns
			snap.Campaigns = nil
			for i := range n {
				c := real[i%len(real)]
				c.ID = int64(100000 + i)
				c.Name = fmt.Sprintf("%s #%d", c.Name, i)
				snap.Campaigns = append(snap.Campaigns, c)
			}
			deliver(m, m.Update(snap))
			if m.camps.Total() != n {
				b.Fatalf("loaded %d campaigns, want %d", m.camps.Total(), n)
			}
			for range n / 2 {
				m.Update(press("down"))
			}
			if !strings.Contains(m.CampaignsPane(), "Campaigns of florida") {
				b.Fatal("pane not rendered")
			}
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				_ = m.CampaignsPane()
			}
		})
	}
}
