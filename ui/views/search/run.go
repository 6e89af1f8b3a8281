package search

import (
	"context"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/godmode-console/godmode/model"
)

// Backend is what the screen asks: model.Console's search, which
// authorises the actor and bounds what it reads.
type Backend interface {
	SearchExecutions(ctx context.Context, actor model.Actor, campaignID int64, q model.SearchQuery, progress func(model.SearchProgress)) (model.ExecutionSearch, error)
}

// Timeout bounds a whole search: each read has the model's own bound, and
// the search as a whole ends by this even on an n8n that answers slowly.
var Timeout = 5 * time.Minute

// progressMsg is how far search seq has come.
type progressMsg struct {
	seq int
	p   model.SearchProgress
}

// doneMsg ends search seq: what it found, and why it stopped early if it
// did.
type doneMsg struct {
	seq int
	res model.ExecutionSearch
	err error
}

// listened is a progress report and the wait for the next one.
type listened struct {
	msg  progressMsg
	next tea.Cmd
}

// start runs the search in its own goroutine; reports come back as
// progressMsg (a slow screen misses one, never the search), then doneMsg.
func start(ctx context.Context, b Backend, actor model.Actor, campaignID int64, q model.SearchQuery, seq int) tea.Cmd {
	events := make(chan model.SearchProgress, 1)
	done := make(chan doneMsg, 1)
	report := func(p model.SearchProgress) {
		select {
		case <-events: // an older report nobody read: the newer one says more
		default:
		}
		select {
		case events <- p:
		default:
		}
	}
	go func() {
		res, err := b.SearchExecutions(ctx, actor, campaignID, q, report)
		done <- doneMsg{seq: seq, res: res, err: err}
	}()
	return listen(seq, events, done)
}

func listen(seq int, events <-chan model.SearchProgress, done <-chan doneMsg) tea.Cmd {
	return func() tea.Msg {
		select {
		case p := <-events:
			return listened{progressMsg{seq: seq, p: p}, listen(seq, events, done)}
		case d := <-done:
			return d
		}
	}
}
