package forensics

import (
	"time"

	"charm.land/bubbles/v2/spinner"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	fx "github.com/godmode-console/godmode/forensics"
	"github.com/godmode-console/godmode/model"
	"github.com/godmode-console/godmode/themes"
	"github.com/godmode-console/godmode/ui/common"
)

// Options are what the screen needs from the session.
type Options struct {
	Actor    model.Actor
	ReadOnly bool
	Theme    *themes.Theme
	Now      common.Clock
	// SaveDir is where x saves executions ("" : the working directory).
	SaveDir string
	// NoSave, when set, refuses x with this reason: over SSH the server's
	// disk is not the user's, so saving needs a folder the operator chose.
	NoSave string
}

// Source says where the shown execution came from, for the header and
// for retrying it.
type Source struct {
	CampaignID int64  // 0 when it came from a file or no campaign owns it
	Campaign   string // campaign name, for the header
	Workspace  string // workspace slug
	// WorkspaceID is the campaign's workspace, for the retry right.
	WorkspaceID int64
	// InstanceID is the n8n instance the execution is on: its links (a
	// sub-execution, the parent) are opened there. 0 for a file.
	InstanceID int64
	File       string // the file it was read from, if any
}

type pane int

const (
	timelinePane pane = iota
	inspectorPane
)

type inputMode int

const (
	noInput inputMode = iota
	findInput
	queryInput
)

// Model is the forensics screen. Use it through a pointer.
type Model struct {
	backend  Backend // nil: no n8n to ask (a file), so no retry
	actor    model.Actor
	readOnly bool
	theme    *themes.Theme
	now      common.Clock
	keys     KeyMap
	saveDir  string
	noSave   string

	req       int    // id of the latest open; answers to older ones are dropped
	loading   bool   // an open is in flight
	loadingID string // what is being opened, shown beside the spinner
	spin      spinner.Model
	problem   *problem // a whole-screen explanation instead of the panes
	src       Source

	exec    *fx.Execution
	runs    []fx.Run
	failure *fx.Failure
	wait    *fx.Wait
	soft    []fx.SoftFailure
	parent  *fx.ExecutionLink
	marks   []runMarks // per run: flags, swallowed error, sub-execution
	origin  time.Time
	longest time.Duration
	sel     int // selected run
	tlTop   int // first timeline row on screen

	tab   tab
	docs  map[docKey]*docView
	focus pane
	zWait bool // z was pressed; a digit picks the level

	input     textinput.Model
	inputMode inputMode

	dialog *retryDialog
	follow *follow

	// trail is the path of linked executions walked to the shown one,
	// oldest first; esc steps back along it. linking is a link being
	// opened.
	trail   []crumb
	linking *fx.ExecutionLink

	// landing is where the open in flight lands (OpenAt); pendingAt is
	// the rest of it, done once the document being indexed arrives.
	landing   *Landing
	pendingAt *Landing

	width, height int
}

// New builds the screen; it shows nothing until Open or OpenBytes.
func New(b Backend, o Options) *Model {
	if o.Now == nil {
		o.Now = time.Now
	}
	m := &Model{backend: b, actor: o.Actor, readOnly: o.ReadOnly, theme: o.Theme, now: o.Now, keys: defaultKeys(), saveDir: o.SaveDir, noSave: o.NoSave}
	m.spin = spinner.New(spinner.WithSpinner(spinner.MiniDot))
	m.SetTheme(o.Theme)
	return m
}

// SetTheme restyles the screen.
func (m *Model) SetTheme(th *themes.Theme) {
	m.theme = th
	m.spin.Style = th.SwitchPending
	m.input = common.NewInput(th, "/")
}

// Init does nothing: Open starts the work.
func (m *Model) Init() tea.Cmd { return nil }

// Execution is the execution shown, or nil.
func (m *Model) Execution() *fx.Execution { return m.exec }

// Loading reports whether an open is in flight.
func (m *Model) Loading() bool { return m.loading }

// Selected is the selected run, if any.
func (m *Model) Selected() (fx.Run, bool) {
	if m.sel < 0 || m.sel >= len(m.runs) {
		return fx.Run{}, false
	}
	return m.runs[m.sel], true
}

// Tab names the inspector tab shown.
func (m *Model) Tab() string { return m.tab.String() }

// Capturing reports whether keys must reach this view untouched: a
// dialog, the find or query line, or a pending z.
func (m *Model) Capturing() bool {
	return m.dialog != nil || m.inputMode != noInput || m.zWait
}

// Close stops following a retry and drops answers still on their way,
// when the user leaves the screen.
func (m *Model) Close() {
	m.req++
	m.loading = false
	m.follow = nil
	m.dialog = nil
	m.inputMode = noInput
	m.zWait = false
	m.linking = nil
}

func status(s common.StatusMsg) tea.Cmd { return func() tea.Msg { return s } }
