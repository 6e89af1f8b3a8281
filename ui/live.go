package ui

import (
	"context"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/godmode-console/godmode/model"
	"github.com/godmode-console/godmode/ui/common"
	"github.com/godmode-console/godmode/ui/views/drift"
)

// Live updates: the backend's change feed (Postgres NOTIFY, gathered into
// sets) makes every console show a change made anywhere within a second,
// where the poll alone would take its interval. The poll stays, as the
// fallback and the judge of staleness.

// changesMsg is one set from the feed; feed is waited on again after it.
type changesMsg struct {
	set  model.ChangeSet
	feed <-chan model.ChangeSet
}

// newsMsg carries the findings a set announced as new.
type newsMsg struct {
	findings []model.Finding
	more     int
	err      error
}

// healthMsg is the header's health re-read on its own, when only findings
// changed.
type healthMsg struct{ health model.Health }

// subscribe starts waiting on the backend's feed, if it has one.
func (r *Root) subscribe() tea.Cmd { return waitChanges(r.backend.Changes()) }

// waitChanges is the Bubble Tea subscription: one receive per command,
// re-issued after each message.
func waitChanges(feed <-chan model.ChangeSet) tea.Cmd {
	if feed == nil {
		return nil
	}
	return func() tea.Msg {
		s, ok := <-feed
		if !ok {
			return nil
		}
		return changesMsg{set: s, feed: feed}
	}
}

// updateLive handles the live-update messages; handled is false for any
// other message.
func (r *Root) updateLive(msg tea.Msg) (cmd tea.Cmd, handled bool) {
	switch msg := msg.(type) {
	case changesMsg:
		return r.changed(msg), true
	case newsMsg:
		if msg.err != nil {
			return nil, true // the drift view and the header still show them
		}
		if s, ok := drift.Announce(msg.findings, msg.more); ok {
			return r.setStatus(s), true
		}
		return nil, true
	case healthMsg:
		if r.poll.polled {
			r.poll.health = msg.health
		}
		return nil, true
	}
	return nil, false
}

// changed refreshes what a set concerns, and nothing else: the fleet and
// the header by a poll when the fleet's tables changed, the header's
// health alone when only what it counts did (findings, instances), each
// other screen on the stack that the set concerns by its own reload, and
// the status line when sync recorded something new.
func (r *Root) changed(msg changesMsg) tea.Cmd {
	s := msg.set
	cmds := []tea.Cmd{waitChanges(msg.feed)}
	switch {
	case r.stack[0].s.Concerns(s):
		cmds = append(cmds, r.refreshFor(s))
	case s.Has(model.TableSyncFindings) || s.Has(model.TableInstances):
		cmds = append(cmds, r.refreshHealth())
	}
	for _, f := range r.stack[1:] {
		if f.s.Concerns(s) {
			cmds = append(cmds, r.reload(f))
		}
	}
	if len(s.NewFindings) > 0 || s.MoreFindings > 0 {
		cmds = append(cmds, r.news(s.NewFindings, s.MoreFindings))
	}
	return tea.Batch(cmds...)
}

func (r *Root) refreshHealth() tea.Cmd {
	b := r.backend
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), PollTimeout)
		defer cancel()
		return healthMsg{health: b.Health(ctx)}
	}
}

func (r *Root) news(ids []int64, more int) tea.Cmd {
	b := r.backend
	ids = append([]int64(nil), ids...)
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		fs, err := b.Findings(ctx, model.FindingFilter{IDs: ids, Limit: len(ids)})
		return newsMsg{findings: fs, more: more, err: err}
	}
}

// reloadDrift reloads the drift screens on the stack.
func (r *Root) reloadDrift() tea.Cmd {
	var cmds []tea.Cmd
	for _, f := range r.stack {
		if _, ok := f.s.(driftScreen); ok {
			cmds = append(cmds, r.reload(f))
		}
	}
	return tea.Batch(cmds...)
}

// showDrift opens ":drift" or ":unmanaged".
func showDrift(id string, mode drift.Mode) func(*Root, []string) tea.Cmd {
	return func(r *Root, args []string) tea.Cmd {
		if len(args) > 0 {
			return statusCmd(common.Problem(":" + mode.String() + " takes no arguments: filter with / and sort with s once it is open"))
		}
		return r.Show(id)
	}
}
