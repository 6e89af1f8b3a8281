package leadimport

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/progress"
	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"
	"charm.land/huh/v2"

	"github.com/godmode-console/godmode/forensics/safetext"
	"github.com/godmode-console/godmode/model"
	"github.com/godmode-console/godmode/themes"
	"github.com/godmode-console/godmode/ui/common"
	"github.com/godmode-console/godmode/ui/components/form"
)

type phase int

const (
	loading    phase = iota
	refused          // the workspace could not be read, or the session may not import
	overSSH          // a host path makes no sense: the screen says what to run
	filling          // the form
	running          // the import runs
	cancelling       // asked to stop: waiting for the model to say nothing landed
	finished         // the result page
)

var (
	escKey    = key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel"))
	stopKey   = key.NewBinding(key.WithKeys("esc", "ctrl+c"), key.WithHelp("esc/ctrl+c", "cancel the import: nothing lands"))
	backKey   = key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back"))
	nextKey   = key.NewBinding(key.WithKeys("enter", "tab"), key.WithHelp("enter/tab", "next"))
	prevKey   = key.NewBinding(key.WithKeys("shift+tab"), key.WithHelp("S-tab", "previous"))
	chooseKey = key.NewBinding(key.WithKeys("up", "down", "left", "right"), key.WithHelp("↑/↓/←/→", "choose"))
)

// Model is the import screen.
type Model struct {
	backend  Backend
	actor    model.Actor
	readOnly bool
	noHost   string
	theme    *themes.Theme
	open     func(string) (io.ReadCloser, int64, error)
	create   func(string) (io.WriteCloser, error)
	now      func() time.Time

	phase   phase
	seq     int
	slug    string
	target  target
	choice  choices
	form    *huh.Form
	problem string

	// the import under way, then its end
	req      model.LeadImport
	source   string // the absolute path read
	cancel   context.CancelFunc
	progress model.LeadImportProgress
	done     DoneMsg

	spin spinner.Model
	bar  progress.Model
	w, h int
}

// New builds the screen; Open starts it on a workspace.
func New(b Backend, o Options) *Model {
	m := &Model{backend: b, actor: o.Actor, readOnly: o.ReadOnly, noHost: o.NoHostFiles,
		open: o.OpenFile, create: o.CreateFile, now: o.Now}
	if m.open == nil {
		m.open = openFile
	}
	if m.create == nil {
		m.create = createFile
	}
	if m.now == nil {
		m.now = time.Now
	}
	m.spin = spinner.New(spinner.WithSpinner(spinner.MiniDot))
	m.SetTheme(o.Theme)
	return m
}

// Open starts the screen on a Request: the workspace and its campaigns
// are read, then the form shows (or, over SSH, what to run instead).
func (m *Model) Open(arg any) tea.Cmd {
	req, ok := arg.(Request)
	if !ok {
		return nil
	}
	if m.phase == running || m.phase == cancelling {
		return nil // the import under way stays in front until it ends
	}
	m.stop()
	m.seq++
	m.slug, m.phase, m.problem, m.form, m.target = req.Workspace, loading, "", nil, target{}
	m.choice = choices{}
	m.done, m.progress = DoneMsg{}, model.LeadImportProgress{}
	if m.backend == nil {
		m.phase, m.problem = refused, "this console cannot import leads"
		return nil
	}
	if m.readOnly {
		m.phase, m.problem = refused, common.WhyNoImport(m.actor, true, 0)
		return m.refusal()
	}
	return load(m.backend, m.seq, req.Workspace)
}

// refusal puts a refused import on the record: the model refuses it
// again, and audits the attempt.
func (m *Model) refusal() tea.Cmd {
	b, actor, slug := m.backend, m.actor, m.slug
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), ReadTimeout)
		defer cancel()
		_, _ = b.ImportLeads(ctx, actor, model.LeadImport{Workspace: slug, Source: emptySource{}, Name: "(refused in the console)"})
		return nil
	}
}

type emptySource struct{}

func (emptySource) Read([]byte) (int, error) { return 0, io.EOF }

// Init does nothing: Open starts the screen.
func (m *Model) Init() tea.Cmd { return nil }

// Close stops an import still running when the screen leaves the stack
// (its transaction rolls back: nothing lands).
func (m *Model) Close() {
	m.stop()
	if m.phase == running || m.phase == cancelling {
		m.phase = finished
		m.done = DoneMsg{Seq: m.seq, Err: context.Canceled}
	}
	m.seq++
}

func (m *Model) stop() {
	if m.cancel != nil {
		m.cancel()
		m.cancel = nil
	}
}

// Busy says an import runs: ctrl+c then cancels it rather than quitting
// the console, which would leave it running on a server. A second ctrl+c,
// while it stops, quits.
func (m *Model) Busy() bool { return m.phase == running }

// Update runs the screen.
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case loadedMsg:
		if msg.seq != m.seq || m.phase != loading {
			return nil
		}
		if msg.err != nil {
			m.phase, m.problem = refused, "cannot import into "+m.slug+": "+safetext.Line(msg.err.Error())
			return nil
		}
		m.target = msg.t
		if m.noHost != "" {
			m.phase = overSSH
			return nil
		}
		if why := common.WhyNoImport(m.actor, false, msg.t.ws.ID); why != "" {
			m.phase, m.problem = refused, why
			return m.refusal()
		}
		return m.showForm()
	case listened:
		if msg.msg.Seq == m.seq && (m.phase == running || m.phase == cancelling) {
			m.progress = msg.msg.Progress
			return msg.next
		}
		return nil
	case ProgressMsg:
		if msg.Seq == m.seq && (m.phase == running || m.phase == cancelling) {
			m.progress = msg.Progress
		}
		return nil
	case DoneMsg:
		if msg.Seq != m.seq || (m.phase != running && m.phase != cancelling) {
			return nil
		}
		m.stop()
		m.phase, m.done = finished, msg
		return m.announce()
	case spinner.TickMsg:
		if m.phase != running && m.phase != cancelling {
			return nil
		}
		var cmd tea.Cmd
		m.spin, cmd = m.spin.Update(msg)
		return cmd
	case tea.KeyPressMsg:
		switch m.phase {
		case running:
			if key.Matches(msg, stopKey) {
				m.stop()
				m.phase = cancelling
			}
			return nil
		case cancelling:
			return nil
		case filling:
		default:
			if key.Matches(msg, backKey) {
				return func() tea.Msg { return common.BackMsg{} }
			}
			return nil
		}
	}
	if m.phase != filling || m.form == nil {
		return nil
	}
	f, cmd := m.form.Update(msg)
	m.form = f.(*huh.Form)
	switch m.form.State {
	case huh.StateAborted:
		return tea.Batch(func() tea.Msg { return common.BackMsg{} },
			func() tea.Msg { return common.Note("cancelled: nothing was imported") })
	case huh.StateCompleted:
		return m.begin()
	}
	return cmd
}

func (m *Model) showForm() tea.Cmd {
	m.phase = filling
	m.form = m.newForm(m.target)
	m.resize()
	return m.form.Init()
}

// begin opens the file and starts the import the form describes.
func (m *Model) begin() tea.Cmd {
	c := m.choice
	path := expand(c.Path)
	src, size, err := m.open(path)
	if err != nil {
		m.problem = "cannot read " + safetext.Line(c.Path) + ": " + safetext.Line(pathProblem(err))
		return m.showForm()
	}
	camp := c.Campaign
	if camp == noCampaign {
		camp = ""
	}
	m.problem, m.source = "", path
	m.req = model.LeadImport{Workspace: m.slug, Campaign: camp, Name: filepath.Base(path), Size: size,
		AsText: c.AsText, Duplicates: c.Duplicates, SkipInvalid: c.SkipBad}
	req := m.req
	req.Source = src
	m.seq++
	m.phase, m.progress = running, model.LeadImportProgress{Phase: "reading", Size: size}
	ctx, cancel := context.WithTimeout(context.Background(), ImportTimeout)
	m.cancel = cancel
	return tea.Batch(m.spin.Tick, m.start(ctx, req, src, RejectsPath(path)))
}

// announce is the status line's word on a finished import.
func (m *Model) announce() tea.Cmd {
	d := m.done
	var st common.StatusMsg
	switch {
	case errors.Is(d.Err, context.Canceled):
		st = common.Problem("interrupted: nothing landed in " + m.slug)
	case errors.Is(d.Err, context.DeadlineExceeded):
		st = common.Problem(fmt.Sprintf("the import ran past %s and was stopped: nothing landed in %s", ImportTimeout, m.slug))
	case d.Err != nil:
		st = common.Problem("import failed, nothing landed: " + safetext.Line(d.Err.Error()))
	case !d.Result.Landed:
		st = common.Problem(fmt.Sprintf("nothing landed in %s: %d row(s) failed (all or nothing)", m.slug, d.Result.Rejected))
	default:
		st = common.Done(fmt.Sprintf("imported %s into %s: %d new, %d merged", m.req.Name, m.slug, d.Result.Inserted, d.Result.Updated))
	}
	return func() tea.Msg { return st }
}

// SetSize sets the screen's area.
func (m *Model) SetSize(w, h int) {
	m.w, m.h = w, h
	m.resize()
}

func (m *Model) resize() {
	if m.form != nil && m.w > 0 && m.h > 0 {
		m.form = m.form.WithWidth(min(m.w, 80) - 4).WithHeight(max(3, m.h-6))
	}
	m.bar.SetWidth(max(10, min(m.w, 80)-4))
}

// SetTheme restyles the screen; the bar's colours are the theme's.
func (m *Model) SetTheme(th *themes.Theme) {
	if th == nil {
		th, _ = themes.Load(themes.Default, "")
	}
	m.theme = th
	m.spin.Style = th.SwitchPending
	m.bar = progress.New(progress.WithColors(th.Accent.GetForeground()), progress.WithoutPercentage(),
		progress.WithFillCharacters('█', '░'))
	m.bar.EmptyColor = th.Muted.GetForeground()
	m.resize()
	if m.form != nil {
		m.form = m.form.WithTheme(form.Theme(th))
	}
}

// Capturing: the form has the keyboard, and esc/ctrl+c stop an import;
// elsewhere esc goes back as on every screen.
func (m *Model) Capturing() bool {
	return m.phase == filling || m.phase == running || m.phase == cancelling
}

// ShortHelp is the footer.
func (m *Model) ShortHelp() []key.Binding {
	switch m.phase {
	case filling:
		return []key.Binding{nextKey, prevKey, chooseKey, escKey}
	case running:
		return []key.Binding{stopKey}
	case cancelling:
		return nil
	}
	return []key.Binding{backKey}
}

// FullHelp is the "?" help.
func (m *Model) FullHelp() [][]key.Binding { return [][]key.Binding{m.ShortHelp()} }

// Concerns: the screen shows one import.
func (m *Model) Concerns(model.ChangeSet) bool { return false }

// Reload does nothing.
func (m *Model) Reload() tea.Cmd { return nil }
