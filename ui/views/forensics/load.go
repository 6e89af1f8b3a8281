package forensics

import (
	"context"
	"errors"
	"fmt"
	"time"

	tea "charm.land/bubbletea/v2"

	fx "github.com/godmode-console/godmode/forensics"
	"github.com/godmode-console/godmode/model"
)

// OpenTimeout bounds fetching one execution: a 40 MB body over a slow link
// takes a while, but not forever.
var OpenTimeout = 2 * time.Minute

// OpenedMsg ends an open: the execution ready to draw, or why not. Req is
// the request it answers; answers to older requests are dropped.
type OpenedMsg struct {
	Req  int
	ID   string
	Src  Source
	View *Opened
	Err  error
	Took time.Duration
}

// Opened is an execution with everything its first frame needs, prepared
// off the UI goroutine.
type Opened struct {
	Exec    *fx.Execution
	Runs    []fx.Run
	Failure *fx.Failure
	Wait    *fx.Wait
	Soft    []fx.SoftFailure
	Parent  *fx.ExecutionLink
	marks   []runMarks // per run of Runs
	sel     int
	tab     tab
	doc     *docView
}

// problem is a whole-screen explanation: what happened and what to do.
type problem struct {
	title, body, todo string
}

// Open fetches the execution id of a campaign and opens it, in a tea.Cmd;
// the screen shows a spinner and the id meanwhile.
func (m *Model) Open(src Source, id string) tea.Cmd {
	m.begin(src, id)
	b, actor, req := m.backend, m.actor, m.req
	return tea.Batch(m.spin.Tick, func() tea.Msg {
		start := time.Now()
		ctx, cancel := context.WithTimeout(context.Background(), OpenTimeout)
		defer cancel()
		raw, err := b.ExecutionData(ctx, actor, src.CampaignID, id)
		if err != nil {
			return OpenedMsg{Req: req, ID: id, Src: src, Err: err, Took: time.Since(start)}
		}
		v, err := Prepare(raw)
		return OpenedMsg{Req: req, ID: id, Src: src, View: v, Err: err, Took: time.Since(start)}
	})
}

// OpenBytes opens an execution already read (a file, or fetched by the
// CLI), in a tea.Cmd.
func (m *Model) OpenBytes(src Source, id string, raw []byte) tea.Cmd {
	m.begin(src, id)
	req := m.req
	return tea.Batch(m.spin.Tick, func() tea.Msg {
		start := time.Now()
		v, err := Prepare(raw)
		return OpenedMsg{Req: req, ID: id, Src: src, View: v, Err: err, Took: time.Since(start)}
	})
}

// Show installs an execution prepared by Prepare, at once (tests and
// benchmarks; the CLI's file mode).
func (m *Model) Show(src Source, v *Opened) {
	m.begin(src, v.Exec.ID)
	m.install(OpenedMsg{Req: m.req, ID: v.Exec.ID, Src: src, View: v})
}

func (m *Model) begin(src Source, id string) {
	m.req++
	m.loading, m.loadingID = true, id
	m.problem = nil
	m.src = src
	m.follow = nil
	m.dialog = nil
	m.inputMode = noInput
	m.trail = nil // a fresh open starts a fresh path
	m.linking = nil
	m.landing, m.pendingAt = nil, nil
}

// Prepare opens raw and works out the first frame: the timeline, the
// first failure, the run to select and its document. It is the slow part
// of opening and runs off the UI goroutine.
func Prepare(raw []byte) (*Opened, error) {
	e, err := fx.Open(raw)
	if err != nil {
		return nil, err
	}
	return PrepareExecution(e), nil
}

// PrepareExecution is Prepare for an execution already open.
func PrepareExecution(e *fx.Execution) *Opened {
	v := &Opened{Exec: e, Runs: e.Timeline(), Failure: e.FirstFailure(), Wait: e.Waiting(), Soft: e.SoftFailures(), Parent: e.Parent()}
	v.marks = markRuns(e, v.Runs, v.Soft)
	v.sel, v.tab = len(v.Runs)-1, tabOutput
	switch {
	case v.Failure != nil && v.Failure.Ran:
		v.sel, v.tab = v.Failure.Run, tabError
	case v.Failure != nil:
		v.tab = tabError
	case len(v.Soft) > 0 && v.Soft[0].Run >= 0 && v.Soft[0].Run < len(v.Runs):
		// No hard failure: the error hunter lands on the first error a
		// node swallowed.
		v.sel, v.tab = v.Soft[0].Run, tabError
	}
	v.doc = buildDoc(e, v.Runs, v.Failure, v.marks, docKey{run: v.sel, tab: v.tab})
	return v
}

func (m *Model) opened(msg OpenedMsg) tea.Cmd {
	if msg.Req != m.req {
		return nil
	}
	m.install(msg)
	return m.land()
}

func (m *Model) install(msg OpenedMsg) {
	m.loading = false
	m.src = msg.Src
	if msg.Err != nil {
		m.exec, m.runs, m.failure, m.wait = nil, nil, nil, nil
		m.soft, m.parent, m.marks = nil, nil, nil
		m.problem = explain(msg.ID, m.src, msg.Err)
		return
	}
	v := msg.View
	m.problem = nil
	m.exec, m.runs, m.failure, m.wait = v.Exec, v.Runs, v.Failure, v.Wait
	m.soft, m.parent, m.marks = v.Soft, v.Parent, v.marks
	m.sel, m.tab, m.focus = v.sel, v.tab, timelinePane
	m.docs = map[docKey]*docView{}
	if v.doc != nil {
		m.docs[docKey{run: v.sel, tab: v.tab}] = v.doc
	}
	m.origin, m.longest = v.Exec.StartedAt, 0
	for i, r := range m.runs {
		m.longest = max(m.longest, r.Duration)
		// A reused run was copied from the original execution with its
		// older start time: it must not move this execution's origin.
		if !m.marks[i].flags.Reused && (m.origin.IsZero() || r.Start.Before(m.origin)) {
			m.origin = r.Start
		}
	}
	m.tlTop = 0
	m.scrollTimeline()
}

// explain turns an open's failure into what the person reads and does.
func explain(id string, src Source, err error) *problem {
	what := "execution " + id
	if src.File != "" {
		what = src.File
	}
	var syn *fx.SyntaxError
	switch {
	case errors.Is(err, model.ErrGone):
		return &problem{title: fmt.Sprintf("Execution %s no longer exists", id), body: err.Error(),
			todo: "n8n deleted it, or pruned it under its execution retention. esc goes back to the executions list."}
	case errors.Is(err, model.ErrForbidden), errors.Is(err, model.ErrWrongCampaign):
		return &problem{title: fmt.Sprintf("You may not open execution %s", id), body: err.Error(),
			todo: "Only super admins and members of the campaign's workspace open its executions. esc goes back."}
	case errors.As(err, &syn):
		return &problem{title: fmt.Sprintf("%s is not valid JSON", capital(what)), body: err.Error(),
			todo: "Nothing can be shown from broken JSON. If it came from a file, check the file was saved whole; if from n8n, open it again."}
	case errors.Is(err, context.DeadlineExceeded):
		return &problem{title: fmt.Sprintf("Fetching execution %s took too long", id), body: err.Error(),
			todo: fmt.Sprintf("n8n did not send it within %s. esc goes back; enter on the execution tries again.", OpenTimeout)}
	}
	return &problem{title: fmt.Sprintf("Could not open %s", what), body: err.Error(),
		todo: "esc goes back; enter on the execution tries again once the cause is fixed."}
}

func capital(s string) string {
	if s == "" {
		return s
	}
	if c := s[0]; c >= 'a' && c <= 'z' {
		return string(c-32) + s[1:]
	}
	return s
}
