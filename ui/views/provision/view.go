package provision

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/charmbracelet/x/ansi"
	"github.com/godmode-console/godmode/forensics/safetext"
	"github.com/godmode-console/godmode/model"
	"github.com/godmode-console/godmode/themes"
	"github.com/godmode-console/godmode/ui/common"
	"github.com/godmode-console/godmode/ui/components/form"
)

var stepNames = []string{"workspace", "blueprint", "variables", "credentials", "preview", "apply"}

// View draws the step in a pane: its name and place, the last refusal,
// then the form, the preview or the run.
func (w *Wizard) View() string {
	th := w.theme
	inner := max(1, w.w-2)
	rows := max(1, w.h-2)
	title := fmt.Sprintf("provision %s · step %d/%d %s", w.slug, int(w.step)+1, len(stepNames), stepNames[w.step])
	var lines []string
	add := func(l string) { lines = append(lines, common.Fit(l, inner)) }
	wrap := func(st func(...string) string, text string) {
		for _, l := range wrapped(text, inner) {
			add(st(l))
		}
	}
	for _, p := range w.problem {
		wrap(th.Error.Render, p)
	}
	if len(w.problem) > 0 {
		add("")
	}
	switch w.phase {
	case loading:
		add(w.spin.View() + " " + th.Muted.Render(safetext.Line(w.doing)))
	case filling:
		for _, l := range strings.Split(w.form.View(), "\n") {
			add(l)
		}
	case previewing:
		body := w.previewLines(inner)
		room := max(1, rows-len(lines)-1)
		w.top = min(w.top, max(0, len(body)-room))
		end := min(len(body), w.top+room)
		for _, l := range body[w.top:end] {
			add(l)
		}
		more := ""
		if end < len(body) {
			more = fmt.Sprintf(" · %d more line(s) (j/pgdn)", len(body)-end)
		}
		add(th.Muted.Render(fmt.Sprintf("lines %d-%d of %d%s", w.top+1, end, len(body), more)))
	case confirming:
		lines = append(lines, w.confirmLines(inner)...)
	case applying:
		lines = append(lines, w.applyLines(inner)...)
	case applied:
		lines = append(lines, w.appliedLines(inner)...)
	case failed:
		lines = append(lines, w.failedLines(inner)...)
	case blocked:
		add(th.Muted.Render("nothing was applied; esc goes back"))
	}
	if len(lines) > rows {
		lines = lines[:rows]
	}
	return common.Box(th.PaneFocused, th.PaneTitleFocused, safetext.Line(title), strings.Join(lines, "\n"), w.w, w.h)
}

// wrapped breaks text at spaces to lines of at most w cells (ansi.Wrap
// counts cells, so wide characters and escapes are measured right).
func wrapped(text string, w int) []string {
	return strings.Split(ansi.Wrap(text, max(1, w), " "), "\n")
}

// previewLines are the plan: credentials, each workflow's changes from
// the blueprint (secrets as [secret NAME]), and the n8n calls in order.
func (w *Wizard) previewLines(inner int) []string {
	th := w.theme
	pl := w.preview.Plan
	var out []string
	add := func(st func(...string) string, l string) { out = append(out, common.Fit(st(safetext.Line(l)), inner)) }
	act := "no (workflows stay inactive)"
	if w.activate {
		act = "yes (workflows with a trigger)"
	}
	if w.preview.Reapply {
		add(th.Bold.Render, fmt.Sprintf("re-apply of %s@v%d to %s (active): %d workflow(s), %d n8n call(s); activate: %s", pl.Blueprint, pl.Version, pl.Workspace, len(pl.Workflows), len(pl.Steps), act))
		if len(pl.Steps) == 0 {
			add(th.OK.Render, "unchanged: the workspace already holds what this plan makes; nothing to apply")
		}
	} else {
		add(th.Bold.Render, fmt.Sprintf("%s@v%d for %s: %d workflow(s), %d n8n call(s); activate: %s", pl.Blueprint, pl.Version, pl.Workspace, len(pl.Workflows), len(pl.Steps), act))
	}
	add(th.Muted.Render, "tags: "+strings.Join(pl.Tags, ", "))
	if len(pl.Credentials) > 0 {
		add(th.Bold.Render, "credentials")
		for _, c := range pl.Credentials {
			switch {
			case c.New != nil:
				var fs []string
				for _, f := range sortedFields(c.New.Data) {
					fs = append(fs, f)
				}
				add(th.Text.Render, fmt.Sprintf("  %s: create %s %q (fields %s: values masked)", c.Slot, c.Type, c.New.Name, strings.Join(fs, ", ")))
			default:
				add(th.Text.Render, fmt.Sprintf("  %s: existing credential %s (%s)", c.Slot, c.ID, c.From))
			}
		}
	}
	if w.preview.Reapply {
		out = append(out, w.liveLines(inner)...)
	}
	add(th.Bold.Render, "workflows: what rendering changes from the blueprint")
	for _, c := range w.preview.Changes {
		add(th.Accent.Render, fmt.Sprintf("  %s: %q → %q", c.File, c.From, c.To))
		if c.Diff == nil {
			continue
		}
		for _, n := range c.Diff.Nodes {
			for _, p := range n.Paths {
				add(th.Text.Render, fmt.Sprintf("    %s · %s: %s → %s", n.Node, p.Path, p.From, p.To))
			}
		}
		for _, n := range c.Diff.NodesAdded {
			add(th.Text.Render, "    node added: "+n)
		}
	}
	add(th.Bold.Render, "n8n calls, in order")
	for _, s := range pl.Steps {
		add(th.Text.Render, fmt.Sprintf("  %2d. %s %s", s.Seq, s.Kind, s.Ref))
	}
	for _, p := range pl.Warnings {
		add(th.Warn.Render, "warning: "+p.String())
	}
	return out
}

// liveLines are, per workflow of a re-apply, what it does to it and how
// what is live in n8n differs from what would be sent; a workflow edited
// in n8n since the last run is marked so.
func (w *Wizard) liveLines(inner int) []string {
	th := w.theme
	var out []string
	add := func(st func(...string) string, l string) {
		for i, x := range wrapped(safetext.Line(l), inner-6) {
			if i > 0 {
				x = "      " + x // a wrapped line stays under its workflow
			}
			out = append(out, common.Fit(st(x), inner))
		}
	}
	live := map[string]model.LiveWorkflow{}
	for _, l := range w.preview.Live {
		live[l.File] = l
	}
	add(th.Bold.Render, "workflows beside what is live in n8n")
	for _, wf := range w.preview.Plan.Workflows {
		l, seen := live[wf.File]
		state := "created (new in this version)"
		switch {
		case wf.Update != "" && wf.Same && !wf.Retag:
			state = "unchanged"
		case wf.Update != "" && wf.Same:
			state = "unchanged, its tags set again"
		case wf.Update != "":
			state = "updated in place (n8n workflow " + wf.Update + ")"
		}
		name := wf.File
		if seen && l.Campaign != "" {
			name = fmt.Sprintf("%s (campaign %q)", wf.File, l.Campaign)
		}
		add(th.Text.Render, "  "+name+": "+state)
		if seen && l.Edited {
			if wf.Same {
				add(th.Warn.Render, "    EDITED in n8n since the last run: left as it is (this plan does not update it)")
			} else {
				add(th.Warn.Render, "    EDITED in n8n since the last run: applying overwrites it (you are asked first)")
			}
		}
		if !seen || l.Diff == nil || wf.Same {
			continue
		}
		d := l.Diff
		for _, n := range d.NodesAdded {
			add(th.Text.Render, fmt.Sprintf("    only in the plan: node %q", n))
		}
		for _, n := range d.NodesRemoved {
			add(th.Text.Render, fmt.Sprintf("    only in n8n: node %q", n))
		}
		for _, n := range d.Nodes {
			// Paths only: the live side holds secret values.
			var paths []string
			for _, p := range n.Paths {
				paths = append(paths, p.Path)
			}
			add(th.Text.Render, fmt.Sprintf("    node %q differs from n8n at %s", n.Node, strings.Join(paths, ", ")))
		}
		if d.ConnectionsChanged {
			add(th.Text.Render, "    connections differ")
		}
		if d.SettingsChanged {
			add(th.Text.Render, "    settings differ")
		}
	}
	return out
}

// confirmLines ask before a re-apply overwrites edits made in n8n.
func (w *Wizard) confirmLines(inner int) []string {
	th := w.theme
	var out []string
	add := func(st func(...string) string, l string) {
		for _, x := range wrapped(safetext.Line(l), inner) {
			out = append(out, common.Fit(st(x), inner))
		}
	}
	var names []string
	for _, c := range w.edits {
		names = append(names, fmt.Sprintf("%q", c))
	}
	add(th.Warn.Render, fmt.Sprintf("edited in n8n since the last run: campaign(s) %s. Applying replaces those edits with the plan.", strings.Join(names, ", ")))
	add(th.Bold.Render, "Overwrite them? y: overwrite and apply · n or esc: back to the preview, nothing sent")
	return out
}

func sortedFields(m map[string]any) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j] < out[j-1]; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

func (w *Wizard) applyLines(inner int) []string {
	th := w.theme
	k := min(w.done+1, max(1, w.total))
	cur := "starting the run…"
	if w.current.Step.Kind != "" {
		cur = fmt.Sprintf("%s %s", w.current.Step.Kind, w.current.Step.Ref)
	}
	head := fmt.Sprintf("%s step %d/%d: %s", w.spin.View(), k, w.total, th.Text.Render(safetext.Line(cur)))
	out := []string{common.Fit(head, inner)}
	if w.run != 0 {
		out = append(out, common.Fit(th.Muted.Render(fmt.Sprintf("run %d · each step is recorded in Postgres before and after its n8n call", w.run)), inner))
	}
	return out
}

func (w *Wizard) appliedLines(inner int) []string {
	th := w.theme
	r := w.result
	var out []string
	add := func(st func(...string) string, l string) { out = append(out, common.Fit(st(safetext.Line(l)), inner)) }
	if r.Unchanged {
		add(th.OK.Render, "nothing to do: the workspace already holds what the plan makes (no n8n call was made)")
	} else {
		add(th.OK.Render, fmt.Sprintf("run %d done: %d step(s); workspace %s is active", r.Run.ID, len(r.Plan.Steps), w.slug))
	}
	add(th.Muted.Render, "enter or esc: back to the fleet on "+w.slug+" (its campaigns)")
	return out
}

func (w *Wizard) failedLines(inner int) []string {
	th := w.theme
	var out []string
	add := func(st func(...string) string, l string) {
		for _, x := range wrapped(safetext.Line(l), inner) {
			out = append(out, common.Fit(st(x), inner))
		}
	}
	add(th.StatusError.Render, fmt.Sprintf("the run stopped at step %d/%d (%s %s):", min(w.done+1, w.total), w.total, w.current.Step.Kind, w.current.Step.Ref))
	for _, l := range explain(w.applyErr) {
		add(th.Error.Render, l)
	}
	if w.run != 0 {
		add(th.Text.Render, fmt.Sprintf("what to do: godmode provision --resume %d (finish it, values file again), or godmode provision --rollback %d (undo what it made)", w.run, w.run))
	} else {
		add(th.Text.Render, "no run was started: nothing was applied; esc goes back")
	}
	return out
}

// SetSize sets the screen's area.
func (w *Wizard) SetSize(width, height int) {
	w.w, w.h = width, height
	w.resize()
}

func (w *Wizard) resize() {
	if w.form != nil && w.w > 0 && w.h > 0 {
		// Two lines short of the box: huh puts a field's validation
		// error under the group, and a form sized to the box would have
		// it cut off (enter on an empty field then seemed to do nothing).
		w.form = w.form.WithWidth(max(20, w.w-2)).WithHeight(max(3, w.h-2-2*len(w.problem)-2))
	}
}

// SetTheme restyles the wizard.
func (w *Wizard) SetTheme(th *themes.Theme) {
	w.theme = th
	w.spin.Style = th.SwitchPending
	if w.form != nil {
		w.form = w.form.WithTheme(form.Theme(th))
	}
}

// Capturing: the wizard has the keyboard (typed text, its own esc).
func (w *Wizard) Capturing() bool { return true }

// ShortHelp is the footer: the keys of the phase.
func (w *Wizard) ShortHelp() []key.Binding {
	k := w.keys
	switch w.phase {
	case filling:
		if w.step == stepTarget {
			return []key.Binding{k.Next, k.Leave}
		}
		return []key.Binding{k.Next, k.Back} // S-tab and ↑/↓ are in "?": the footer fits 80 columns
	case previewing:
		if w.nothingToDo() {
			return []key.Binding{k.Back, k.Activate, k.PageDown, k.Down, k.Up}
		}
		return []key.Binding{k.Apply, k.Back, k.Activate, k.PageDown, k.Down, k.Up}
	case confirming:
		return []key.Binding{k.Yes, k.No}
	case applied:
		return []key.Binding{k.Finish, k.Leave}
	case applying:
		return nil
	}
	return []key.Binding{k.Leave}
}

// FullHelp is the "?" help.
func (w *Wizard) FullHelp() [][]key.Binding {
	k := w.keys
	return [][]key.Binding{{k.Next, k.Prev, k.Choose, k.Back}, {k.Apply, k.Activate, k.Down, k.Up, k.PageDown, k.PageUp, k.Finish, k.Yes, k.No}}
}

// Concerns: what the wizard shows is read when each step opens.
func (w *Wizard) Concerns(model.ChangeSet) bool { return false }

// Reload does nothing: the steps read what they need.
func (w *Wizard) Reload() tea.Cmd { return nil }
