package drift

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/godmode-console/godmode/forensics/safetext"
	"github.com/godmode-console/godmode/model"
	"github.com/godmode-console/godmode/ui/common"
	"github.com/godmode-console/godmode/ui/components/prompt"
)

// AdoptTimeout bounds one adoption: a read of each workflow and of its
// recent executions, then one write each.
const AdoptTimeout = 60 * time.Second

// slugPattern is the schema's rule for a workspace slug.
var slugPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,62}$`)

// AdoptedMsg is the end of an adoption asked from this view.
type AdoptedMsg struct {
	Slug    string
	Tagged  bool
	Results []model.AdoptResult
	Err     error
}

// mayAdopt says whether the adoption keys are shown: the unmanaged view,
// a super admin, a session that may change things.
func (m *Model) mayAdopt() bool {
	return m.mode == Unmanaged && !m.readOnly && model.Authorize(m.actor, model.ActionAdopt, 0) == nil
}

func (m *Model) markKey() tea.Cmd {
	f, ok := m.table.Selected()
	if !ok {
		return nil
	}
	if m.marks[f.ID] {
		delete(m.marks, f.ID)
	} else {
		m.marks[f.ID] = true
	}
	m.table, _ = m.table.Update(tea.KeyPressMsg{Code: tea.KeyDown})
	return nil
}

// targets are the marked workflows, or the one under the cursor.
func (m *Model) targets() []model.Finding {
	var out []model.Finding
	for _, f := range m.table.Rows() {
		if m.marks[f.ID] {
			out = append(out, f)
		}
	}
	if len(out) == 0 {
		if f, ok := m.table.Selected(); ok {
			out = append(out, f)
		}
	}
	return out
}

// proposed is the workspace the workflows' tags name, when they all name
// the same one.
func proposed(fs []model.Finding) string {
	slug := ""
	for i, f := range fs {
		if i > 0 && f.WorkspaceSlug != slug {
			return ""
		}
		slug = f.WorkspaceSlug
	}
	return slug
}

func checkSlug(v string) string {
	if !slugPattern.MatchString(v) {
		return "a workspace slug: lowercase letters, digits and dashes"
	}
	return ""
}

func (m *Model) adoptKey() tea.Cmd {
	fs := m.targets()
	if len(fs) == 0 {
		return status(common.Note("no workflow selected"))
	}
	var ids, names []string
	for _, f := range fs {
		ids, names = append(ids, f.WorkflowID), append(names, f.WorkflowName)
	}
	slug := proposed(fs)
	body := fmt.Sprintf("%d workflow(s) become campaigns, with their recent runs read from n8n: %s.", len(fs), strings.Join(names, ", "))
	if slug != "" {
		body += "\nTheir tag names workspace " + slug + "."
	}
	m.dialog = prompt.New(m.theme, fmt.Sprintf("Adopt %d workflow(s)?", len(fs)), body,
		prompt.Field{Label: "Workspace to adopt into (slug)", Value: slug, Check: checkSlug})
	m.onConfirm = func(v []string) tea.Cmd { return m.adopt(v[0], ids) }
	return nil
}

func (m *Model) adoptTaggedKey() tea.Cmd {
	slug := ""
	if f, ok := m.table.Selected(); ok {
		slug = f.WorkspaceSlug
	}
	m.dialog = prompt.New(m.theme, "Adopt every workflow tagged for a workspace?",
		"Every unmanaged workflow on the workspace's n8n tagged ws:SLUG becomes one of its campaigns.",
		prompt.Field{Label: "Workspace (slug)", Value: slug, Check: checkSlug})
	m.onConfirm = func(v []string) tea.Cmd { return m.adopt(v[0], nil) }
	return nil
}

// adopt asks the model; an empty ids adopts the tagged.
func (m *Model) adopt(slug string, ids []string) tea.Cmd {
	b, actor := m.backend, m.actor
	clear(m.marks)
	return tea.Batch(status(common.Note("adopting into "+slug+"…")), func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), AdoptTimeout)
		defer cancel()
		var res []model.AdoptResult
		var err error
		if ids == nil {
			res, err = b.AdoptTagged(ctx, actor, slug)
		} else {
			res, err = b.Adopt(ctx, actor, slug, ids)
		}
		return AdoptedMsg{Slug: slug, Tagged: ids == nil, Results: res, Err: err}
	})
}

// adopted says in the status line how an adoption went, and reloads.
func (m *Model) adopted(msg AdoptedMsg) tea.Cmd {
	reload := tea.Batch(m.Load(), func() tea.Msg { return common.RefreshMsg{} })
	if msg.Err != nil {
		return tea.Batch(status(common.Problem("adoption refused: "+safetext.Line(msg.Err.Error()))), reload)
	}
	if len(msg.Results) == 0 {
		return status(common.Note("no unmanaged workflow is tagged for workspace " + msg.Slug))
	}
	var done, failed []string
	for _, r := range msg.Results {
		if r.Err != nil {
			failed = append(failed, fmt.Sprintf("%s: %s", r.WorkflowID, r.Err))
			continue
		}
		c := r.Campaign
		last := "never run"
		if c.LastExecAt != nil {
			last = fmt.Sprintf("last run %s %s", c.LastExecStatus, common.Ago(m.now(), *c.LastExecAt))
		}
		done = append(done, fmt.Sprintf("%s (%s, %d failed in 24h)", c.Name, last, c.Failures24h))
	}
	text := fmt.Sprintf("adopted into %s: %s", msg.Slug, strings.Join(done, "; "))
	if len(failed) > 0 {
		text = fmt.Sprintf("adopted %d of %d into %s; failed %s", len(done), len(msg.Results), msg.Slug, strings.Join(failed, "; "))
		if len(done) > 0 {
			text += "; adopted " + strings.Join(done, "; ")
		}
		return tea.Batch(status(common.Problem(safetext.Line(text))), reload)
	}
	return tea.Batch(status(common.Done(safetext.Line(text))), reload)
}

func (m *Model) updateDialog(msg tea.KeyPressMsg) tea.Cmd {
	res, cmd := m.dialog.Update(msg)
	switch res {
	case prompt.Cancelled:
		m.dialog, m.onConfirm = nil, nil
		return status(common.Note("cancelled: nothing was adopted"))
	case prompt.Confirmed:
		vals, f := m.dialog.Values(), m.onConfirm
		m.dialog, m.onConfirm = nil, nil
		return f(vals)
	}
	return cmd
}

// pruneMarks forgets marks on workflows no longer listed.
func (m *Model) pruneMarks() {
	ids := make([]int64, 0, m.table.Len())
	for _, f := range m.table.Rows() {
		ids = append(ids, f.ID)
	}
	for id := range m.marks {
		if !slices.Contains(ids, id) {
			delete(m.marks, id)
		}
	}
}

func status(s common.StatusMsg) tea.Cmd { return func() tea.Msg { return s } }
