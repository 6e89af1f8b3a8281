package ui

import (
	"context"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/godmode-console/godmode/model"
	"github.com/godmode-console/godmode/n8n"
	"github.com/godmode-console/godmode/ui/uitest"
	"github.com/godmode-console/godmode/ui/views/pulse"
)

// pulseOf answers the pulse's reads with a group of one real execution
// (florida's, in its fake n8n) and everything else from the model: the
// path from a group to forensics is the screens' own, whatever fills the
// pulse.
type pulseOf struct {
	*uitest.Backend
	pulse model.Pulse
	execs []model.PulseExecution
}

func (p pulseOf) Pulse(context.Context, model.Actor) (model.Pulse, error) { return p.pulse, nil }

func (p pulseOf) FailureGroupExecutions(_ context.Context, _ model.Actor, key string) ([]model.PulseExecution, error) {
	if key != p.pulse.Groups[0].Key {
		return nil, nil
	}
	return p.execs, nil
}

// :pulse, enter on a failure group, enter on its execution: forensics
// opens on that execution, and esc walks back the same way.
func TestPulseGroupOpensItsExecutionsAndForensics(t *testing.T) {
	t.Parallel()
	f, id := forensicsFleet(t, "execution-error-http-429-with-binary.json", n8n.StatusError)
	c := f.Campaign("florida", "Email 1")
	b := f.As(f.Super())
	at := uitest.Epoch.Add(-20 * time.Second)
	row := model.PulseRow{WorkspaceID: c.WorkspaceID, Workspace: "florida", Day: model.PulseCounts{Error: 1}, Hour: model.PulseCounts{Error: 1},
		Failures: make([]int, 24), Runs: make([]int, 24)}
	row.Failures[23], row.Runs[23] = 1, 1
	p := pulseOf{Backend: b,
		pulse: model.Pulse{At: uitest.Epoch, Fleet: row, Workspaces: []model.PulseRow{row},
			Groups: []model.FailureGroup{{Key: "http-429", NodeType: "n8n-nodes-base.httpRequest", Class: "HTTP 429",
				Message: "The service is receiving too many requests from you", Executions: 1, Workspaces: 1, Latest: at}}},
		execs: []model.PulseExecution{{Execution: model.Execution{ID: id, CampaignID: c.ID, Status: "error", StartedAt: at},
			Workspace: "florida", Campaign: "Email 1", Node: "OpenAI Agent", Message: "The service is receiving too many requests from you"}}}
	p.pulse.Fleet.WorkspaceID, p.pulse.Fleet.Workspace = 0, ""

	r := newRootOn(p, b.Actor(), Options{})
	sized(r, 160, 45)
	deliver(r, r.Init())
	keys(r, ":pulse", "enter")
	if r.topID() != pulse.Screen {
		t.Fatalf(":pulse shows %s", r.topID())
	}
	mustContain(t, plain(r.Render()), "Pulse of the fleet [1 workspace]", "HTTP 429 in httpRequest: 1 execution in 1 workspace")
	keys(r, "enter")
	if r.topID() != pulse.GroupScreen {
		t.Fatalf("enter on the group shows %s", r.topID())
	}
	mustContain(t, plain(r.Render()), "message: The service is receiving too many requests from you", id, "Email 1", "OpenAI Agent")
	keys(r, "enter")
	if r.topID() != screenForensics {
		t.Fatalf("enter on the group's execution shows %s", r.topID())
	}
	mustContain(t, plain(r.Render()), "Execution "+id+" · ✗ failed", "Email 1 (florida)", "✗ failed at OpenAI Agent: 429")
	keys(r, "esc")
	if r.topID() != pulse.GroupScreen {
		t.Fatalf("esc from forensics went to %s, not back to the group", r.topID())
	}
	keys(r, "esc", "esc")
	if r.topID() != screenFleet {
		t.Fatalf("esc twice more went to %s, not the fleet", r.topID())
	}
}

// P on the fleet opens the pulse, from any pane.
func TestPOnTheFleetOpensThePulse(t *testing.T) {
	t.Parallel()
	r := newRoot(fleetBackend(t), Options{})
	sized(r, 160, 45)
	deliver(r, r.Init())
	keys(r, "tab", "P")
	if r.topID() != pulse.Screen {
		t.Fatalf("P on the campaigns pane shows %s", r.topID())
	}
}

// openPulse types :pulse once the fleet is drawn.
func openPulse(tm *teatest.TestModel) {
	tm.Type(":pulse")
	tm.Send(tea.KeyPressMsg{Code: tea.KeyEnter})
}

// Must-show 2: :pulse on the demo fleet (its first six workspaces after
// a sync, georgia's n8n down), at the screen tests' size: the fleet's row
// and each workspace's, both windows, the sparklines, the failures
// grouped across workspaces and the summariser's budget and backlog.
func TestScreenPulse(t *testing.T) {
	t.Parallel()
	out := screen(t, fleetBackend(t), 160, 45, openPulse, "Top failures, last 24 hours [", "per instance per cycle")
	s := plain(string(out))
	mustContain(t, s, "Pulse of the fleet [6 workspaces]", "last hour", "last 24 hours", "FAILURES PER HOUR", "RUNS PER HOUR",
		"│fleet ", "│florida ", "budget ")
	teatest.RequireEqualOutput(t, out)
}

// The same at 80×24: the last hour narrows to ok and errors, the runs'
// sparkline goes, and everything fits.
func TestScreenPulseAt80x24(t *testing.T) {
	t.Parallel()
	out := screen(t, fleetBackend(t), 80, 24, openPulse, "Top failures, last 24 hours [", "per instance per cycle")
	s := plain(string(out))
	mustContain(t, s, "Pulse of the fleet [6 workspaces]", "last hour", "last 24 hours", "FAILURES PER HOUR", "│fleet ")
	if strings.Contains(s, "RUNS PER HOUR") {
		t.Error("the runs' sparkline should give way at 80 columns")
	}
	teatest.RequireEqualOutput(t, out)
}

// On the demo fleet as synced: :pulse, enter on the top failure group
// lists its executions (each of that group's node), and enter on the
// first opens forensics on it, failed at that node.
func TestPulseOnTheDemoFleetGoesFromAGroupToForensics(t *testing.T) {
	t.Parallel()
	b := fleetBackend(t)
	p, err := b.Pulse(context.Background(), b.Actor())
	if err != nil || len(p.Groups) == 0 {
		t.Fatalf("the demo fleet's pulse has no failure group (err %v)", err)
	}
	top := p.Groups[0]
	r := newRoot(b, Options{})
	sized(r, 160, 45)
	deliver(r, r.Init())
	keys(r, ":pulse", "enter")
	mustContain(t, plain(r.Render()), pulse.Headline(top))
	keys(r, "enter")
	if r.topID() != pulse.GroupScreen {
		t.Fatalf("enter on the top group shows %s", r.topID())
	}
	s, _ := r.screen(pulse.GroupScreen)
	execs := s.(*pulse.Group).Executions()
	if len(execs) != min(top.Executions, model.MaxGroupExecutions) {
		t.Fatalf("the group of %d executions lists %d", top.Executions, len(execs))
	}
	first := execs[0]
	mustContain(t, plain(r.Render()), "message: "+top.Message, first.ID, first.Campaign, first.Workspace)
	keys(r, "enter")
	if r.topID() != screenForensics {
		t.Fatalf("enter on the group's first execution shows %s", r.topID())
	}
	mustContain(t, plain(r.Render()), "Execution "+first.ID+" · ✗ failed", first.Campaign+" ("+first.Workspace+")", "✗ failed at "+first.Node)
}
