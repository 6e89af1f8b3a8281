package ui

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/godmode-console/godmode/model"
	"github.com/godmode-console/godmode/ui/uitest"
)

// With only Postgres down, the header says so and no more: db ✗, n8n
// health unknown (it is read from Postgres), drift unknown, the data kept
// and marked stale (on e26f193: "n8n ✗" and "drift 0").
func TestPostgresDownIsShownAsPostgresDown(t *testing.T) {
	b := fleetBackend()
	r := newRoot(b, Options{})
	sized(r, 160, 45)
	deliver(r, r.Init())

	down := errors.New("dial tcp 10.0.0.5:5432: connect: connection refused")
	b.HealthValue.DBOK, b.HealthValue.DBError = false, down.Error()
	// What the model answered on e26f193 with Postgres down.
	b.HealthValue.N8nOK, b.HealthValue.N8nError, b.HealthValue.DriftCount = false, "unknown while the database is down", 0
	b.FailWorkspaces, b.FailCampaigns = down, down
	deliver(r, r.refreshNow())

	head := plain(r.header())
	mustContain(t, head, "db ✗", "n8n ?", "drift ?", "stale")
	for _, lie := range []string{"n8n ✗", "n8n ●", "drift 0", "drift 2"} {
		if strings.Contains(head, lie) {
			t.Errorf("header says %q with only Postgres down: %q", lie, head)
		}
	}
	mustContain(t, plain(r.Render()), "Ohio Email 1 #1", "showing the last data")
}

// slowExecutions is a backend whose n8n for instance 1 hangs: a read of
// its executions runs out of time, and the model records the instance as
// not answering, as model.Console does.
type slowExecutions struct{ *uitest.Backend }

func (s slowExecutions) Executions(ctx context.Context, campaignID int64, status string) ([]model.Execution, error) {
	c, _ := s.Campaign(campaignID)
	if c.InstanceID != 1 {
		return s.Backend.Executions(ctx, campaignID, status)
	}
	time.Sleep(20 * time.Millisecond) // the read bound, shortened
	s.SetInstanceHealth(1, false, uitest.Epoch.Add(-12*time.Second), "did not answer in 4s: context deadline exceeded")
	return nil, errors.New("n8n did not answer in 4s: context deadline exceeded")
}

// A hung instance turns "not answering" by the poll after the read that
// ran out of time — header, status line, its workspaces and its executions
// pane — and the other instances' workspaces stay live.
func TestHungInstanceTurnsNotAnsweringWithinAPoll(t *testing.T) {
	b := fleetBackend()
	b.SetInstanceHealth(3, true, time.Time{}, "")
	r := newRoot(slowExecutions{b}, Options{})
	sized(r, 160, 45)
	deliver(r, r.Init())       // the executions read runs out of time
	r.status.Text = ""         // its own failure message, read by now
	deliver(r, r.refreshNow()) // the next poll

	s := plain(r.Render())
	mustContain(t, s, "n8n ▲ 2/3 up", "sync 4s ago", "1 of 3 n8n instances down: n8n-eu-1 not answering 12s",
		"Executions of Ohio Email 1 #1 [0] · ◔ n8n-eu-1 not answering since 09:29 (12s) · last data",
		"Campaigns of acme [7] · ◔ n8n-eu-1 not answering")
	if strings.Contains(s, "stale") || strings.Contains(s, "n8n ●") {
		t.Errorf("a hung instance made the console stale or stayed healthy:\n%s", s)
	}
	if l := line(s, "globex"); strings.Contains(l, "◔") || strings.Contains(l, "✗") {
		t.Errorf("globex (n8n-us-1, up) is marked: %q", l)
	}
	if l := line(s, "acme"); !strings.Contains(l, "◔") {
		t.Errorf("acme (n8n-eu-1, hung) is not marked: %q", l)
	}
}

// ":instances" says which instances are down, since when and why, with
// the error cleaned of terminal escapes.
func TestInstancesSaysWhichAreDownAndWhy(t *testing.T) {
	b := fiveInstancesTwoDown()
	b.SetInstanceHealth(5, false, uitest.Epoch.Add(-7*time.Minute), "dial tcp 10.4.0.12:443: connect: connection refused\x1b]52;c;cGF3bmVk\x07\x1b[2J")
	r := newRoot(b, Options{})
	sized(r, 200, 45)
	deliver(r, r.Init())
	keys(r, ":instances", "enter")
	deliver(r, r.refreshNow())
	raw := r.Render()
	s := plain(raw)
	mustContain(t, s, "n8n instances [5] · 2 down (1 not answering)")
	mustContain(t, line(s, "n8n-us-2"), "✗ down", "7m", "connect: connection refused")
	mustContain(t, line(s, "n8n-ap-1"), "◔ no answer", "35s", "context deadline exceeded")
	mustContain(t, line(s, "n8n-eu-2"), "● up")
	if strings.Contains(raw, "\x1b]52") || strings.Contains(raw, "\x07") || strings.Contains(raw, "\x1b[2J") {
		t.Error("an instance's error wrote terminal escapes to the screen")
	}
}
