package ui

import (
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/godmode-console/godmode/ui/common"
)

func TestPollIntervalHasAFloor(t *testing.T) {
	t.Parallel()
	r := newRoot(fleetBackend(t), Options{PollInterval: 100 * time.Millisecond})
	if r.poll.interval != MinPoll {
		t.Errorf("interval %s, want the 1s minimum", r.poll.interval)
	}
}

func TestPollNeverOverlaps(t *testing.T) {
	t.Parallel()
	b := fleetBackend(t)
	r := newRoot(b, Options{})
	sized(r, 160, 45)
	first := r.Init() // a poll is now in flight
	// A due tick and a refresh arrive while it runs: neither starts a poll.
	if _, cmd := r.Update(pollTickMsg{seq: r.poll.seq}); cmd != nil {
		t.Error("a tick started a second poll while one was running")
	}
	if _, cmd := r.Update(errorsRefresh()); cmd != nil {
		t.Error("a refresh started a second poll while one was running")
	}
	deliver(r, first)
	// The refresh asked for during the first poll ran after it: two polls,
	// one after the other, never three.
	if n := b.Calls("Health"); n != 2 {
		t.Errorf("polls run = %d, want 2", n)
	}
}

func TestPollBacksOffAndShowsStaleData(t *testing.T) {
	t.Parallel()
	f := fleetFixture(t)
	r := newRoot(f.AsSuper(), Options{PollInterval: 2 * time.Second})
	sized(r, 160, 45)
	deliver(r, r.Init())
	mustContain(t, plain(r.Render()), "sync 4s ago", "Email Preparation")

	f.CutPostgres()
	for i, want := range []time.Duration{4 * time.Second, 8 * time.Second, 16 * time.Second} {
		deliver(r, r.refreshNow())
		if got := r.poll.delay(); got != want {
			t.Errorf("after %d failures the next poll waits %s, want %s", i+1, got, want)
		}
	}
	screen := plain(r.Render())
	mustContain(t, screen, "stale now", "Email Preparation", "florida", "poll failed", "database unreachable")
	if strings.Contains(screen, "sync 4s ago") {
		t.Error("header still claims fresh data")
	}
	for range 10 {
		deliver(r, r.refreshNow())
	}
	if got := r.poll.delay(); got != MaxBackoff {
		t.Errorf("backoff not capped: %s", got)
	}

	f.RestorePostgres()
	deliver(r, r.refreshNow())
	if got := r.poll.delay(); got != 2*time.Second {
		t.Errorf("after recovery the interval is %s, want 2s", got)
	}
	mustContain(t, plain(r.Render()), "sync 4s ago")
}

// A down n8n instance is not a failed poll: the data of the others is
// fresh, the header counts the instances, and the status line names only
// the one down (on e26f193 the whole console went stale and backed off).
func TestADownInstanceIsNotAFailedPoll(t *testing.T) {
	t.Parallel()
	b := fleetBackend(t) // n8n-georgia dropped the sync's connections
	r := newRoot(b, Options{})
	sized(r, 160, 45)
	deliver(r, r.Init())
	if r.poll.failures != 0 || r.poll.lastErr != nil {
		t.Errorf("one instance down counted as a failed poll: %d failures, %v", r.poll.failures, r.poll.lastErr)
	}
	s := plain(r.Render())
	mustContain(t, s, "sync 4s ago", "Email Preparation", "n8n-georgia down")
	if strings.Contains(s, "stale") || strings.Contains(s, "poll failed") {
		t.Errorf("one instance down made the console stale:\n%s", s)
	}
}

func TestSelectionAndScrollSurvivePolls(t *testing.T) {
	t.Parallel()
	f := fleetFixture(t)
	f.AddCampaigns("florida", 200)
	r := newRoot(f.AsSuper(), Options{})
	sized(r, 160, 45)
	deliver(r, r.Init())
	keys(r, "tab")
	for range 60 {
		keys(r, "j")
	}
	before, _ := r.Fleet().SelectedCampaign()
	screenBefore := plain(r.Render())
	deliver(r, r.refreshNow())
	after, _ := r.Fleet().SelectedCampaign()
	if after.ID != before.ID {
		t.Errorf("selection moved from %d to %d", before.ID, after.ID)
	}
	if plain(r.Render()) != screenBefore {
		t.Error("a poll with unchanged data changed the screen (scroll position lost?)")
	}
}

func errorsRefresh() tea.Msg { return common.RefreshMsg{} }
