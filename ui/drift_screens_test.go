package ui

import (
	"encoding/json"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/godmode-console/godmode/db/demofleet"
	"github.com/godmode-console/godmode/n8n"
	"github.com/godmode-console/godmode/ui/uitest"
)

// driftFixture is the screen tests' fleet with what a sync found in it
// besides the demo's own findings (the campaigns whose workflow is gone,
// texas' and ohio's unmanaged copies): florida's Email 2 paused inside
// n8n (corrected), and an untagged "My test flow" on the legacy n8n.
func driftFixture(t testing.TB) *uitest.Fleet {
	t.Helper()
	opt := fleetOptions
	opt.NoSync = true
	f := uitest.New(t, opt)
	f.Seed.TakeDown(demofleet.DownInstance)
	if err := f.N8n("florida").SetActive(f.Campaign("florida", "Email 2").N8nWorkflowID, false); err != nil {
		t.Fatal(err)
	}
	tpl := demofleet.Templates[0]
	if _, err := f.N8n("ohio").AddWorkflow(n8n.Workflow{Name: "My test flow", Nodes: tpl.Nodes("my-test-flow"), Connections: json.RawMessage(tpl.Connections)}); err != nil {
		t.Fatal(err)
	}
	f.Sync()
	f.DownSince(demofleet.DownInstance, 35*time.Second)
	return f
}

func enterCommand(tm *teatest.TestModel, cmd string) {
	tm.Type(":" + cmd)
	tm.Send(tea.KeyPressMsg{Code: tea.KeyEnter})
}

func TestScreenDrift(t *testing.T) {
	t.Parallel()
	out := screen(t, driftFixture(t).AsSuper(), 160, 45, func(tm *teatest.TestModel) { enterCommand(tm, "drift") }, "My test flow (")
	screen := plain(string(out))
	mustContain(t, screen, "Drift [6] · 3 need you", "drift 6", "t cycle kind")
	for _, row := range []struct {
		has  string
		want []string
	}{
		{" Email 2 ", []string{"2m ago", "corrected", "on/off", "n8n-florida", "florida", "inactive in n8n, was active"}},
		{" Reply Tracker ", []string{"2m ago", "corrected", "wf gone", "legacy-shar", "ohio", "no longer exists in n8n"}},
		{"texas · Copy of Email 1 (test)", []string{"2m ago", "needs you", "unmanaged", "n8n-texas", "texas"}},
		{"My test flow", []string{"2m ago", "needs you", "unmanaged", "legacy-shar", " - "}},
	} {
		mustContain(t, line(screen, row.has), row.want...)
	}
	teatest.RequireEqualOutput(t, out)
}

func TestScreenUnmanaged(t *testing.T) {
	t.Parallel()
	f := driftFixture(t)
	out := screen(t, f.AsSuper(), 160, 45, func(tm *teatest.TestModel) { enterCommand(tm, "unmanaged") }, " My test flow")
	s := plain(string(out))
	mustContain(t, line(s, "texas · Copy of Email 1 (test)"), "n8n-texas", "texas", "2m ago")
	mustContain(t, line(s, "My test flow"), "legacy-shar", " - ", "2m ago")
	teatest.RequireEqualOutput(t, out)
}

func TestScreenDriftAt80x24(t *testing.T) {
	t.Parallel()
	out := screen(t, driftFixture(t).AsSuper(), 80, 24, func(tm *teatest.TestModel) {
		enterCommand(tm, "drift")
	}, "needs you")
	mustContain(t, plain(string(out)), "Drift [6] · 3 need you", "corrected", "needs you")
	teatest.RequireEqualOutput(t, out)
}

// TestScreenCorrectionArrives: sync corrects a campaign somewhere (Email 3
// was paused inside florida's n8n); this console says so on its status
// line and counts it in the header, with no key pressed and long before
// its next poll.
func TestScreenCorrectionArrives(t *testing.T) {
	t.Parallel()
	f := driftFixture(t)
	f.Listen()
	out := screen(t, f.AsSuper(), 160, 45, func(tm *teatest.TestModel) {
		f.N8n("florida").SetActive(f.Campaign("florida", "Email 3").N8nWorkflowID, false)
		f.Sync()
	}, "sync corrected")
	mustContain(t, plain(string(out)), "sync corrected florida/Email 3: ", "drift 7")
	teatest.RequireEqualOutput(t, out)
}
