package fleet

import (
	"fmt"
	"strings"
	"testing"

	"github.com/godmode-console/godmode/ui/uitest"
)

// BenchmarkCampaignsPane times one frame of the campaigns pane at 160×45
// with all campaigns in one workspace, cursor in the middle of the list.
// The pane renders only visible rows, so 10,000 should cost what 100 do.
func BenchmarkCampaignsPane(b *testing.B) {
	for _, n := range []int{100, 10000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			be := uitest.Seeded(uitest.FixedClock, 1, n)
			m := newFleet(b, be, Options{Actor: superAdmin})
			if m.camps.Total() != n {
				b.Fatalf("loaded %d campaigns, want %d", m.camps.Total(), n)
			}
			for range n / 2 {
				m.Update(press("down"))
			}
			if !strings.Contains(m.CampaignsPane(), "Campaigns of acme") {
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
