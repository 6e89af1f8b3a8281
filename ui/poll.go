package ui

import (
	"context"
	"errors"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/godmode-console/godmode/model"
	"github.com/godmode-console/godmode/ui/views/fleet"
)

// PollTimeout bounds one poll, so a hung n8n cannot hold the loop.
var PollTimeout = 15 * time.Second

// pollTickMsg says a poll is due; ticks of an older schedule are ignored.
type pollTickMsg struct{ seq int }

// pollDoneMsg is one poll's answers.
type pollDoneMsg struct {
	health model.Health
	fleet  fleet.SnapshotMsg
	err    error
}

// poll state: at most one poll runs; the next is scheduled only when it
// ends, so polls never overlap however slow the backend is.
type poller struct {
	interval time.Duration
	running  bool
	again    bool // a refresh was asked for while running
	seq      int  // schedule generation
	failures int
	lastOK   time.Time
	lastErr  error
	health   model.Health
	polled   bool
	// keepExecs says the next poll need not ask n8n (refreshFor).
	keepExecs bool
}

// delay is the wait before the next poll: the interval, doubled for each
// consecutive failure, capped at MaxBackoff.
func (p *poller) delay() time.Duration {
	d := p.interval
	for range p.failures {
		d *= 2
		if d >= MaxBackoff {
			return max(MaxBackoff, p.interval)
		}
	}
	return d
}

func (r *Root) startPoll() tea.Cmd {
	if r.poll.running {
		r.poll.again = true
		return nil
	}
	r.poll.running = true
	b := r.backend
	ff := r.fleet.Fetch()
	if r.poll.keepExecs {
		ff = r.fleet.FetchKeepingExecutions()
	}
	r.poll.keepExecs = false
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), PollTimeout)
		defer cancel()
		// The fleet first, health after: a read of n8n that ran out of time
		// in this poll is then already in the header it draws.
		d := pollDoneMsg{fleet: ff(ctx)}
		d.health = b.Health(ctx)
		// Only Postgres makes the data stale: a down n8n instance marks its
		// own workspaces (fleet.SnapshotMsg.ExecErr), never the others'.
		d.err = d.fleet.Err
		if !d.health.DBOK {
			// The failed reads above are this one's consequences.
			d.err = errors.New("postgres: " + orUnknown(d.health.DBError))
		}
		return d
	}
}

func orUnknown(s string) string {
	if s == "" {
		return "not answering"
	}
	return s
}

// pollDone applies a poll and schedules the next one.
func (r *Root) pollDone(d pollDoneMsg) tea.Cmd {
	p := &r.poll
	p.running, p.polled = false, true
	p.health = d.health
	p.lastErr = d.err
	if d.err == nil {
		p.failures = 0
		p.lastOK = r.now()
	} else {
		p.failures++
	}
	cmds := []tea.Cmd{r.updateScreen(r.stack[0], d.fleet)}
	for _, s := range r.built {
		if w, ok := s.(workspaceAware); ok {
			w.SetWorkspaces(r.fleet.Workspaces())
		}
	}
	if p.again {
		p.again = false
		cmds = append(cmds, r.startPoll())
	} else {
		cmds = append(cmds, r.schedule())
	}
	return tea.Batch(cmds...)
}

func (r *Root) schedule() tea.Cmd {
	r.poll.seq++
	seq := r.poll.seq
	return tea.Tick(r.poll.delay(), func(time.Time) tea.Msg { return pollTickMsg{seq: seq} })
}

// refreshAll polls at once and reloads the screen in front ("r").
func (r *Root) refreshAll() tea.Cmd { return tea.Batch(r.refreshNow(), r.reloadTop()) }

// refreshFor polls at once for a change set: the executions pane is asked
// of n8n again only when the set changed its campaign (or is a resync), so
// a toggle watched by many sessions costs n8n what it costs with one.
func (r *Root) refreshFor(s model.ChangeSet) tea.Cmd {
	r.poll.keepExecs = !r.poll.running && !s.HasCampaign(r.fleet.ShownCampaign())
	return r.refreshNow()
}

// refreshNow polls at once, dropping the tick already scheduled.
func (r *Root) refreshNow() tea.Cmd {
	r.poll.seq++
	return r.startPoll()
}
