package ui

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/godmode-console/godmode/model"
	"github.com/godmode-console/godmode/themes"
)

// Screen is what the root asks of every screen on its stack. The root
// draws the header, status line and footer around it, and routes to it only
// the keys it does not take itself and the answers addressed to it.
type Screen interface {
	// Init is the first load when the screen is opened or brought back.
	Init() tea.Cmd
	Update(tea.Msg) tea.Cmd
	View() string
	SetSize(w, h int)
	SetTheme(*themes.Theme)
	// ShortHelp and FullHelp are the screen's key map: the footer and "?"
	// are generated from them, with the root's "esc back to …" and global
	// keys added.
	ShortHelp() []key.Binding
	FullHelp() [][]key.Binding
	// Capturing: a dialog or an input has the keyboard, so the root's keys
	// (":", "?", "q", esc) go to the screen.
	Capturing() bool
	// Concerns says whether a set of changes made elsewhere touches what
	// the screen shows; Reload then re-reads it (nil: nothing to re-read).
	// The poll also calls Reload on the screen in front.
	Concerns(model.ChangeSet) bool
	Reload() tea.Cmd
}

// opener is a screen opened on something (an execution, an audit entry):
// Open replaces Init when the screen is pushed with an argument.
type opener interface {
	Open(arg any) tea.Cmd
}

// busy is a screen whose work must not outlive the console (an import):
// while Busy, ctrl+c goes to it, to stop that work, instead of quitting,
// which in an SSH session would leave it running on the server.
type busy interface {
	Busy() bool
}

// escOwner is a screen whose esc is, for now, a step back of its own (the
// forensics screen's path through linked executions): while OwnsEsc, esc
// goes to it rather than closing it.
type escOwner interface {
	OwnsEsc() bool
}

func ownsEsc(s Screen) bool {
	o, ok := s.(escOwner)
	return ok && o.OwnsEsc()
}

// closer is a screen that stops work of its own (following a retry) when
// it leaves the stack.
type closer interface {
	Close()
}

// ScreenSpec registers a screen: its id, the title "esc back to …" names,
// the commands that open it, and how to build it. A screen is added to the
// console by adding its spec to builtinScreens (or Options.Screens), and
// nowhere else: the palette, its completion and the help come from here.
type ScreenSpec struct {
	ID    string
	Title string
	// Commands open the screen. A command without Run opens it and refuses
	// arguments; one with Run does its own parsing and calls Root.Show.
	Commands []Command
	// New builds the screen once per console, the first time it is shown;
	// it keeps its state (filters, cursor) between showings.
	New func(Env) Screen
}

// Env is what a screen is built with.
type Env struct {
	Backend Backend
	Options Options
}

// addressedMsg is the answer of work a screen started: it goes to that
// screen alone, if it is still on the stack (inst names one showing of
// it), and is dropped when a newer load was asked since (req; 0 for work
// that is not a load: toggles, spinner frames).
type addressedMsg struct {
	inst, req uint64
	msg       tea.Msg
}

// frame is one screen on the stack.
type frame struct {
	id    string
	title string
	s     Screen
	inst  uint64 // this showing of the screen; answers to an older one are dropped
	req   uint64 // the newest load asked of it
}
