package pulse

import (
	"context"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/godmode-console/godmode/model"
)

// Backend is what the pulse screens read: model.Console implements it
// (the read authorises the actor and narrows the pulse to the workspaces
// it may see).
type Backend interface {
	Pulse(ctx context.Context, actor model.Actor) (model.Pulse, error)
	FailureGroupExecutions(ctx context.Context, actor model.Actor, key string) ([]model.PulseExecution, error)
}

// readTimeout bounds each read: the pulse is a few aggregate queries,
// a group's executions one capped list.
const readTimeout = 15 * time.Second

// loadedMsg is one read of the pulse; seq drops answers to older reads.
type loadedMsg struct {
	seq   uint64
	pulse model.Pulse
	err   error
}

func load(b Backend, actor model.Actor, seq uint64) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), readTimeout)
		defer cancel()
		p, err := b.Pulse(ctx, actor)
		return loadedMsg{seq: seq, pulse: p, err: err}
	}
}

// executionsMsg is one read of a failure group's executions.
type executionsMsg struct {
	seq   uint64
	execs []model.PulseExecution
	err   error
}

func loadExecutions(b Backend, actor model.Actor, key string, seq uint64) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), readTimeout)
		defer cancel()
		es, err := b.FailureGroupExecutions(ctx, actor, key)
		return executionsMsg{seq: seq, execs: es, err: err}
	}
}
