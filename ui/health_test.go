package ui

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/godmode-console/godmode/db/demofleet"
)

// With only Postgres down, the header says so and no more: db ✗, n8n
// health unknown (it is read from Postgres), drift unknown, the data kept
// and marked stale (on e26f193: "n8n ✗" and "drift 0").
func TestPostgresDownIsShownAsPostgresDown(t *testing.T) {
	t.Parallel()
	f := fleetFixture(t)
	r := newRoot(f.As(f.Super()), Options{})
	sized(r, 160, 45)
	deliver(r, r.Init())

	f.CutPostgres()
	defer f.RestorePostgres()
	deliver(r, r.refreshNow())

	head := plain(r.header())
	mustContain(t, head, "db ✗", "n8n ?", "drift ?", "stale")
	for _, lie := range []string{"n8n ✗", "n8n ●", "n8n ▲", "drift 0", "drift 3"} {
		if strings.Contains(head, lie) {
			t.Errorf("header says %q with only Postgres down: %q", lie, head)
		}
	}
	// The rows stay; the status line says why they are stale (the words
	// after Postgres' error, "showing the last data", are cut off at 160
	// columns by the socket path in it).
	mustContain(t, plain(r.Render()), "Email Preparation", "poll failed (postgres: database unreachable")
}

// A hung instance turns "not answering" by the poll after the read that
// ran out of time — header, status line, its workspaces and its executions
// pane — and the other instances' workspaces stay live.
func TestHungInstanceTurnsNotAnsweringWithinAPoll(t *testing.T) {
	t.Parallel()
	opt := fleetOptions
	opt.ReadTimeout = 100 * time.Millisecond // the read bound, shortened
	f := downFixture(t, opt, map[string]time.Duration{demofleet.DownInstance: 35 * time.Second})
	f.N8n("florida").HangNext(1000)
	r := newRoot(f.As(f.Super()), Options{})
	sized(r, 160, 45)
	deliver(r, r.Init()) // the executions read runs out of time
	f.DownSince("n8n-florida", 12*time.Second)
	r.status.Text = ""         // its own failure message, read by now
	deliver(r, r.refreshNow()) // the next poll

	s := plain(r.Render())
	mustContain(t, s, "n8n ▲ 2/4 up", "sync 4s ago", "2 of 4 n8n instances down: n8n-georgia down 35s, n8n-florida not answering 12s",
		"Executions of Email 1 [0] · ◔ n8n-florida not answering since 09:29 (12s) · last data",
		"Campaigns of florida [8] · ◔ n8n-florida not answering")
	if strings.Contains(s, "stale") || strings.Contains(s, "n8n ●") {
		t.Errorf("a hung instance made the console stale or stayed healthy:\n%s", s)
	}
	if l := line(s, "texas"); strings.Contains(l, "◔") || strings.Contains(l, "✗") {
		t.Errorf("texas (n8n-texas, up) is marked: %q", l)
	}
	if l := line(s, "florida "); !strings.Contains(l, "◔") {
		t.Errorf("florida (n8n-florida, hung) is not marked: %q", l)
	}
}

// ":instances" says which instances are down, since when and why, with
// the error cleaned of terminal escapes.
func TestInstancesSaysWhichAreDownAndWhy(t *testing.T) {
	t.Parallel()
	b := fiveDown(t)
	f := b.Fleet()
	ctx := context.Background()
	id := f.Seed.Instances["n8n-georgia"]
	if err := f.Store.RecordInstanceHealth(ctx, id, false, 3*time.Millisecond,
		"dial tcp 10.4.0.12:443: connect: connection refused\x1b]52;c;cGF3bmVk\x07\x1b[2J"); err != nil {
		t.Fatal(err)
	}
	f.DownSince("n8n-georgia", 7*time.Minute)
	r := newRoot(b, Options{})
	sized(r, 200, 45)
	deliver(r, r.Init())
	keys(r, ":instances", "enter")
	deliver(r, r.refreshNow())
	raw := r.Render()
	s := plain(raw)
	mustContain(t, s, "n8n instances [11] · 2 down (1 not answering)")
	mustContain(t, line(s, "n8n-georgia"), "✗ down", "7m", "connect: connection refused")
	mustContain(t, line(s, "n8n-maine"), "◔ no answer", "35s")
	mustContain(t, line(s, "n8n-texas"), "● up")
	if strings.Contains(raw, "\x1b]52") || strings.Contains(raw, "\x07") || strings.Contains(raw, "\x1b[2J") {
		t.Error("an instance's error wrote terminal escapes to the screen")
	}
}
