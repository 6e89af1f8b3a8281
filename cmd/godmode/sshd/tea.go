package sshd

import (
	"runtime/debug"
	"sync/atomic"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/ssh"
	"charm.land/wish/v2"
	"charm.land/wish/v2/bubbletea"
)

// TeaMiddleware is wish's Bubble Tea middleware with the console's model
// guarded: a panic in its Init, Update or View, or in a command it returns
// (directly or in a tea.Batch), ends this session with a message and is
// logged with the user and stack, instead of Bubble Tea's own catch, which
// prints the stack on the server's stderr without saying whose it was and
// leaves the client with a session that just stops. Each View is timed
// into the frame time metric. Use it where the wish bubbletea.Middleware
// would go, inside the Guard's Middleware, with no middleware between them
// that hands on a session of its own (the message and the idle close need
// the Guard's).
//
// A session without a terminal is passed on to the next handler (the
// commands) without asking h: wish's middleware would refuse it.
//
// Commands inside a tea.Sequence run where no wrapper reaches: a panic
// there is still caught by Bubble Tea (the server and the other sessions
// keep working) but is not logged here.
func (g *Guard) TeaMiddleware(h bubbletea.Handler) wish.Middleware {
	return bubbletea.MiddlewareWithProgramHandler(func(s ssh.Session) *tea.Program {
		if _, _, ok := s.Pty(); !ok {
			return nil // wish's middleware then calls the next handler
		}
		m, opts := h(s)
		if m == nil {
			return nil
		}
		gm := &guardedModel{inner: m, g: g, s: stateOf(s)}
		p := tea.NewProgram(gm, append(opts, bubbletea.MakeOptions(s)...)...)
		gm.program = p
		if gm.s != nil {
			gm.s.setProgram(p)
		}
		return p
	})
}

// guardedModel wraps the console's root model. Once it has panicked it
// shows nothing and quits: the model's state is not to be trusted.
type guardedModel struct {
	inner   tea.Model
	g       *Guard
	s       *session
	program *tea.Program
	dead    atomic.Bool
}

func (m *guardedModel) caught(r any) {
	stack := debug.Stack()
	m.dead.Store(true)
	if m.s != nil {
		m.s.panicked(r, stack)
		return
	}
	m.g.metrics.refused(ReasonPanic)
	m.g.log.Error("ssh session panicked", "panic", r, "stack", string(stack))
}

func (m *guardedModel) Init() (cmd tea.Cmd) {
	defer func() {
		if r := recover(); r != nil {
			m.caught(r)
			cmd = tea.Quit
		}
	}()
	return m.wrap(m.inner.Init())
}

func (m *guardedModel) Update(msg tea.Msg) (out tea.Model, cmd tea.Cmd) {
	if m.dead.Load() {
		return m, tea.Quit
	}
	defer func() {
		if r := recover(); r != nil {
			m.caught(r)
			out, cmd = m, tea.Quit
		}
	}()
	next, c := m.inner.Update(msg)
	m.inner = next
	return m, m.wrap(c)
}

func (m *guardedModel) View() (v tea.View) {
	if m.dead.Load() {
		return tea.View{}
	}
	start := time.Now()
	defer func() {
		if r := recover(); r != nil {
			m.caught(r)
			v = tea.View{}
			// View runs on the program's event loop, which Quit would
			// wait on: ask from elsewhere.
			go m.program.Quit()
			return
		}
		m.g.ObserveFrame(time.Since(start))
	}()
	return m.inner.View()
}

// wrap guards a command the model returned; a batch's commands are
// guarded one by one, as Bubble Tea runs each on its own goroutine.
func (m *guardedModel) wrap(c tea.Cmd) tea.Cmd {
	if c == nil {
		return nil
	}
	return func() (msg tea.Msg) {
		defer func() {
			if r := recover(); r != nil {
				m.caught(r)
				msg = tea.QuitMsg{}
			}
		}()
		msg = c()
		if b, ok := msg.(tea.BatchMsg); ok {
			out := make(tea.BatchMsg, len(b))
			for i, bc := range b {
				out[i] = m.wrap(bc)
			}
			return out
		}
		return msg
	}
}
