package sshd

import (
	"fmt"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/ssh"
	"charm.land/wish/v2/bubbletea"
)

// counter is a console for the tests: it counts keys, panics on "p" (in
// Update), "v" (in View) and "b" (in a command of a batch),
// quits on "q" and, with tick set, redraws every tick without any input
// (as the console does on a refresh).
type counter struct {
	keys      int
	ticks     int
	tick      time.Duration
	viewPanic bool
}

type tickMsg struct{}

func (c *counter) next() tea.Cmd {
	if c.tick == 0 {
		return nil
	}
	return tea.Tick(c.tick, func(time.Time) tea.Msg { return tickMsg{} })
}

func (c *counter) Init() tea.Cmd { return c.next() }

func (c *counter) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.KeyPressMsg:
		switch msg.String() {
		case "p":
			panic("the counter broke")
		case "v": // the next View panics
			c.viewPanic = true
		case "b": // a command in a batch panics
			return c, tea.Batch(func() tea.Msg { return nil }, func() tea.Msg { panic("the batch broke") })
		case "q":
			return c, tea.Quit
		}
		c.keys++
	case tickMsg:
		c.ticks++
		return c, c.next()
	}
	return c, nil
}

func (c *counter) View() tea.View {
	if c.viewPanic {
		panic("the view broke")
	}
	return tea.NewView(fmt.Sprintf("keys=%s ticks=%d", spelled(c.keys), c.ticks))
}

// spelled spells n so that a new count differs from the old in every
// cell: the renderer sends only the cells that changed, and a test reads
// the raw stream, not a screen.
func spelled(n int) string {
	words := []string{"zero", "one", "two", "three", "four", "five"}
	if n < len(words) {
		return words[n]
	}
	return fmt.Sprint(n)
}

// counterConsole is the Bubble Tea handler serving a counter per session.
func counterConsole(tick time.Duration) bubbletea.Handler {
	return func(ssh.Session) (tea.Model, []tea.ProgramOption) {
		return &counter{tick: tick}, nil
	}
}
