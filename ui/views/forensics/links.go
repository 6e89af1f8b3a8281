package forensics

import (
	"context"
	"fmt"
	"time"

	tea "charm.land/bubbletea/v2"

	fx "github.com/godmode-console/godmode/forensics"
	"github.com/godmode-console/godmode/model"
	"github.com/godmode-console/godmode/ui/common"
)

// crumb is an execution left for a linked one: everything needed to show
// it again as the reader left it, so esc steps back without asking n8n.
type crumb struct {
	src     Source
	exec    *fx.Execution
	runs    []fx.Run
	failure *fx.Failure
	wait    *fx.Wait
	soft    []fx.SoftFailure
	parent  *fx.ExecutionLink
	marks   []runMarks
	origin  time.Time
	longest time.Duration
	sel     int
	tlTop   int
	tab     tab
	docs    map[docKey]*docView
	focus   pane
}

func (m *Model) here() crumb {
	return crumb{src: m.src, exec: m.exec, runs: m.runs, failure: m.failure, wait: m.wait, soft: m.soft, parent: m.parent,
		marks: m.marks, origin: m.origin, longest: m.longest, sel: m.sel, tlTop: m.tlTop, tab: m.tab, docs: m.docs, focus: m.focus}
}

func (m *Model) restore(c crumb) {
	m.src, m.exec, m.runs, m.failure, m.wait, m.soft, m.parent = c.src, c.exec, c.runs, c.failure, c.wait, c.soft, c.parent
	m.marks, m.origin, m.longest, m.sel, m.tlTop, m.tab, m.docs, m.focus = c.marks, c.origin, c.longest, c.sel, c.tlTop, c.tab, c.docs, c.focus
	m.problem = nil
	m.dropPending()
	m.scrollTimeline()
}

// dropPending forgets documents still being indexed for a request that is
// no longer the newest: their answers will be dropped, so they are made
// again when shown.
func (m *Model) dropPending() {
	for k, v := range m.docs {
		if v.pending {
			delete(m.docs, k)
		}
	}
}

// OwnsEsc says whether esc is the screen's own step back (along the path
// of linked executions, or out of a link being opened) rather than the
// console's way out of the screen.
func (m *Model) OwnsEsc() bool {
	return m.linking != nil || (len(m.trail) > 0 && !m.Capturing())
}

// back is esc on the screen: it stops a link being opened, or shows the
// execution the path came from.
func (m *Model) back() tea.Cmd {
	if l := m.linking; l != nil {
		m.req++ // its answer is dropped
		m.linking, m.loading = nil, false
		m.dropPending()
		return status(common.Note("stopped opening " + linkTarget(l)))
	}
	if len(m.trail) == 0 {
		return nil
	}
	c := m.trail[len(m.trail)-1]
	m.trail = m.trail[:len(m.trail)-1]
	m.req++ // answers for the execution left are not for this one
	m.follow, m.dialog = nil, nil
	m.restore(c)
	return m.ensureDoc()
}

// selectedSub is the sub-execution o opens: the selected run's, or, when
// it called none, the one the failure happened in.
func (m *Model) selectedSub() *fx.ExecutionLink {
	if mk := m.markOf(m.sel); mk.sub != nil {
		return mk.sub
	}
	if m.failure != nil && m.failure.Sub != nil {
		return m.failure.Sub
	}
	return nil
}

// whyNoLink says why l cannot be opened from here, or "".
func (m *Model) whyNoLink(l *fx.ExecutionLink) string {
	switch {
	case l == nil:
		return ""
	case m.backend == nil || m.src.File != "":
		what := m.src.File
		if what == "" {
			what = "a file"
		}
		return fmt.Sprintf("%s is in n8n, and this execution was opened from %s: open it with godmode inspect %s",
			linkTarget(l), printable(what), printable(l.ExecutionID))
	case m.src.InstanceID == 0:
		// Whoever opened the screen did not say which n8n it read from.
		return fmt.Sprintf("the screen does not know which n8n instance this execution is on: open it with godmode inspect %s --instance NAME",
			printable(l.ExecutionID))
	case m.loading:
		return "an execution is being opened already"
	}
	return ""
}

// linkedMsg ends opening a linked execution. Req is the request it
// answers: an answer to an older one (esc pressed, another link followed)
// is dropped.
type linkedMsg struct {
	req    int
	link   fx.ExecutionLink
	target model.ExecutionTarget
	view   *Opened
	err    error
}

// openLink fetches l from n8n through the model (which authorises the
// actor for l's own workspace) in a tea.Cmd, with the spinner meanwhile.
func (m *Model) openLink(l *fx.ExecutionLink) tea.Cmd {
	if l == nil {
		return status(common.Note("this run called no sub-execution"))
	}
	if why := m.whyNoLink(l); why != "" {
		return status(common.Problem("cannot open " + linkTarget(l) + ": " + why))
	}
	m.req++
	m.linking = l
	m.loading, m.loadingID = true, l.ExecutionID
	m.follow, m.dialog = nil, nil
	b, actor, inst, req, link := m.backend, m.actor, m.src.InstanceID, m.req, *l
	return tea.Batch(m.spin.Tick, func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), OpenTimeout)
		defer cancel()
		t, raw, err := b.LinkedExecution(ctx, actor, inst, link.ExecutionID)
		if err != nil {
			return linkedMsg{req: req, link: link, err: err}
		}
		v, err := Prepare(raw)
		return linkedMsg{req: req, link: link, target: t, view: v, err: err}
	})
}

// linked shows the linked execution, the one left becoming a step of the
// path; a refusal or a failure leaves the reader where they were, told why.
func (m *Model) linked(msg linkedMsg) tea.Cmd {
	if msg.req != m.req || m.linking == nil {
		return nil
	}
	m.linking, m.loading = nil, false
	if msg.err != nil {
		m.dropPending()
		p := explain(msg.link.ExecutionID, Source{}, msg.err)
		return status(common.Problem(printable(p.title) + ": " + printable(msg.err.Error())))
	}
	left := m.here()
	t := msg.target
	src := Source{CampaignID: t.CampaignID, Campaign: t.Campaign, Workspace: t.Workspace, WorkspaceID: t.WorkspaceID, InstanceID: t.InstanceID}
	m.install(OpenedMsg{Req: m.req, ID: msg.link.ExecutionID, Src: src, View: msg.view})
	m.trail = append(m.trail, left)
	return nil
}

// upLink is the execution u goes up to: the parent that called this one,
// or the failed execution an Error Trigger reports.
func (m *Model) upLink() *fx.ExecutionLink { return m.parent }

// crumbName is a step of the path: the execution and its workflow.
func crumbName(e *fx.Execution) string {
	s := "#" + printable(e.ID)
	if e.WorkflowName != "" {
		s += " " + printable(e.WorkflowName)
	}
	return s
}
