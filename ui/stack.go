package ui

import (
	"reflect"

	tea "charm.land/bubbletea/v2"

	"github.com/godmode-console/godmode/ui/common"
	"github.com/godmode-console/godmode/ui/views/fleet"
)

// The stack of screens: commands push, esc pops back to the screen shown
// before, the fleet is the bottom and is never popped. Opening a screen
// that is already on the stack brings it back (the screens above it are
// closed) rather than stacking a second copy: the stack then stays a path
// back, never a loop, and a screen is never shown twice with two states.

// screen builds (once) or returns the screen registered as id.
func (r *Root) screen(id string) (Screen, bool) {
	if s, ok := r.built[id]; ok {
		return s, true
	}
	spec, ok := r.specs[id]
	if !ok {
		return nil, false
	}
	s := spec.New(Env{Backend: r.backend, Options: r.opts})
	s.SetTheme(r.theme)
	if r.width > 0 {
		s.SetSize(r.width, r.bodyHeight())
	}
	r.built[id] = s
	return s, true
}

// replace installs a screen built elsewhere for id (tests give forensics
// a folder to save into).
func (r *Root) replace(id string, s Screen) { r.built[id] = s }

func (r *Root) top() *frame { return r.stack[len(r.stack)-1] }

func (r *Root) current() Screen { return r.top().s }

// topID is the id of the screen in front.
func (r *Root) topID() string { return r.top().id }

// Show opens the screen registered as id: pushed on the stack, or brought
// back if it is on it already, then loaded.
func (r *Root) Show(id string) tea.Cmd { return r.open(id, nil, false) }

func (r *Root) open(id string, arg any, hasArg bool) tea.Cmd {
	s, ok := r.screen(id)
	if !ok {
		return statusCmd(common.Problem("no screen " + id + " is registered"))
	}
	f := r.bringBack(id)
	if f == nil {
		r.seq++
		f = &frame{id: id, title: r.specs[id].Title, s: s, inst: r.seq}
		r.stack = append(r.stack, f)
	}
	if o, ok := s.(opener); ok && hasArg {
		return r.load(f, o.Open(arg))
	}
	return r.load(f, s.Init())
}

// bringBack closes the screens above id, if id is on the stack.
func (r *Root) bringBack(id string) *frame {
	for i, f := range r.stack {
		if f.id == id {
			for len(r.stack) > i+1 {
				r.pop()
			}
			return f
		}
	}
	return nil
}

// pop closes the screen in front; the bottom stays.
func (r *Root) pop() {
	if len(r.stack) == 1 {
		return
	}
	f := r.top()
	r.stack = r.stack[:len(r.stack)-1]
	if c, ok := f.s.(closer); ok {
		c.Close()
	}
}

// previous is the screen esc goes back to.
func (r *Root) previous() *frame {
	if len(r.stack) < 2 {
		return nil
	}
	return r.stack[len(r.stack)-2]
}

func (r *Root) frameOf(inst uint64) *frame {
	for _, f := range r.stack {
		if f.inst == inst {
			return f
		}
	}
	return nil
}

func (r *Root) frameByID(id string) *frame {
	for _, f := range r.stack {
		if f.id == id {
			return f
		}
	}
	return nil
}

// load runs a load of f as its newest request: answers to older ones are
// dropped when they arrive.
func (r *Root) load(f *frame, cmd tea.Cmd) tea.Cmd {
	if cmd == nil {
		return nil
	}
	f.req++
	return address(f.inst, f.req, cmd)
}

// reload re-reads f, if it has anything to re-read.
func (r *Root) reload(f *frame) tea.Cmd { return r.load(f, f.s.Reload()) }

// reloadTop re-reads the screen in front, unless it is the fleet (the
// poll reads the fleet).
func (r *Root) reloadTop() tea.Cmd {
	if len(r.stack) == 1 {
		return nil
	}
	return r.reload(r.top())
}

// updateScreen gives msg to f's screen; what it starts answers to f.
func (r *Root) updateScreen(f *frame, msg tea.Msg) tea.Cmd {
	return address(f.inst, 0, f.s.Update(msg))
}

// routeAddressed delivers an answer to the screen that asked, if it is
// still on the stack and no newer load was asked of it since.
func (r *Root) routeAddressed(m addressedMsg) tea.Cmd {
	f := r.frameOf(m.inst)
	if f == nil || (m.req != 0 && m.req < f.req) {
		return nil
	}
	if _, ok := m.msg.(common.BackMsg); ok {
		if f == r.top() {
			r.pop()
		}
		return nil
	}
	return r.updateScreen(f, m.msg)
}

// address wraps cmd so that its answer comes back for screen inst. What is
// meant for the root (status, refresh, opening a screen) or for Bubble Tea
// itself (quit, clipboard, batches of further commands) passes unwrapped.
func address(inst, req uint64, cmd tea.Cmd) tea.Cmd {
	if cmd == nil {
		return nil
	}
	return func() tea.Msg {
		msg := cmd()
		switch m := msg.(type) {
		case nil:
			return nil
		case tea.BatchMsg:
			out := make(tea.BatchMsg, len(m))
			for i, c := range m {
				out[i] = address(inst, req, c)
			}
			return out
		}
		if forRoot(msg) {
			return msg
		}
		return addressedMsg{inst: inst, req: req, msg: msg}
	}
}

var teaPkg = reflect.TypeOf(tea.QuitMsg{}).PkgPath()

// forRoot lists the messages screens send to the root rather than to
// themselves.
func forRoot(msg tea.Msg) bool {
	switch msg.(type) {
	case common.StatusMsg, common.RefreshMsg, common.OpenMsg, fleet.OpenExecutionMsg, fleet.SearchExecutionsMsg:
		return true
	}
	t := reflect.TypeOf(msg)
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t.PkgPath() == teaPkg
}

// unaddressed is the message inside an answer addressed to a screen.
func unaddressed(msg tea.Msg) tea.Msg {
	if m, ok := msg.(addressedMsg); ok {
		return m.msg
	}
	return msg
}
