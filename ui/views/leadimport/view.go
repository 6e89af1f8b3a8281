package leadimport

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/godmode-console/godmode/forensics/safetext"
	"github.com/godmode-console/godmode/ui/common"
)

// rejectsShown is how many of the first rejects the result page lists.
const rejectsShown = 8

// View draws the screen: a dialog of at most 80 columns.
func (m *Model) View() string {
	th := m.theme
	title := "Import leads into " + m.slug
	var body []string
	if m.problem != "" {
		body = append(body, th.StatusError.Render(m.problem), "")
	}
	switch m.phase {
	case loading:
		body = append(body, th.Muted.Render("reading "+m.slug+"'s campaigns…"))
	case refused:
	case overSSH:
		body = append(body, m.sshLines()...)
	case filling:
		body = append(body, m.form.View())
	case running, cancelling:
		body = append(body, m.progressLines()...)
	case finished:
		body = append(body, m.resultLines()...)
	}
	out := th.DialogTitle.Render(title) + "\n\n" + strings.Join(body, "\n")
	d := th.Dialog.Width(min(m.w, 80))
	if m.h > 0 {
		d = d.MaxHeight(m.h)
	}
	return d.Render(out)
}

func (m *Model) inner() int { return max(20, min(m.w, 80)-4) }

// wrap breaks a line of data to the dialog's width.
func (m *Model) wrap(s string) string { return ansi.Wrap(s, m.inner(), " /,") }

func (m *Model) sshLines() []string {
	th := m.theme
	cmd := "ssh HOST leads import --workspace " + m.slug + " - < FILE.csv"
	return []string{
		m.wrap(th.Text.Render("This console runs over SSH: a path typed here would be read on the server, not on your machine.")),
		"",
		th.Bold.Render("Import from your machine instead:"),
		th.Accent.Render("  " + cmd),
		"",
		m.wrap(th.Muted.Render("add --campaign NAME to assign a campaign, --skip-invalid to land the valid rows, --as-text to keep every value a string")),
	}
}

func (m *Model) progressLines() []string {
	th := m.theme
	p := m.progress
	lines := []string{th.Text.Render(fmt.Sprintf("%s → %s%s", safetext.Line(m.req.Name), m.slug, m.campaignNote()))}
	frac := 0.0
	if p.Size > 0 {
		frac = min(1, float64(p.Bytes)/float64(p.Size))
	}
	if p.Phase == "merging" {
		frac = 1
	}
	lines = append(lines, "", m.bar.ViewAs(frac))
	facts := []string{common.Count(p.Rows) + " rows"}
	if p.Size > 0 && p.Phase != "merging" {
		facts = append(facts, fmt.Sprintf("%d%%", int(frac*100)))
	}
	if r := p.RowsPerSecond(); r > 0 {
		facts = append(facts, common.Count(int64(r))+" rows/s")
	}
	if eta := p.ETA(); eta > 0 && p.Phase != "merging" {
		facts = append(facts, "ETA "+common.Dur(eta.Round(time.Second)))
	}
	if p.Rejected > 0 {
		facts = append(facts, common.Count(p.Rejected)+" rejected")
	}
	lines = append(lines, th.Text.Render(strings.Join(facts, " · ")))
	switch {
	case m.phase == cancelling:
		lines = append(lines, "", m.spin.View()+" "+th.Warn.Render("cancelling: rolling back, nothing will land…"))
	case p.Phase == "merging":
		lines = append(lines, "", m.spin.View()+" "+th.Text.Render("merging into "+m.slug+"'s leads in one statement…"))
	default:
		lines = append(lines, "", th.Muted.Render("reading the file into staging"))
	}
	lines = append(lines, "", th.Muted.Render("esc or ctrl+c cancels: nothing lands"))
	return lines
}

func (m *Model) campaignNote() string {
	if m.req.Campaign == "" {
		return " (no campaign)"
	}
	return ", campaign " + safetext.Line(m.req.Campaign)
}

func (m *Model) resultLines() []string {
	th := m.theme
	d, r := m.done, m.done.Result
	var lines []string
	switch {
	case d.Err != nil:
		head := "import failed: nothing landed"
		if strings.Contains(d.Err.Error(), "context canceled") {
			head = "interrupted: nothing landed"
		}
		lines = append(lines, th.StatusError.Render(head))
		if head != "interrupted: nothing landed" {
			lines = append(lines, m.wrap(th.Error.Render(safetext.Line(d.Err.Error()))))
		}
	case !r.Landed:
		lines = append(lines, th.StatusError.Render(fmt.Sprintf("nothing landed: %d row(s) failed, and the import is all or nothing", r.Rejected)),
			th.Muted.Render("fix them, or import again with \"skip invalid rows\""))
	default:
		lines = append(lines, th.StatusOK.Render(fmt.Sprintf("landed in %s%s", m.slug, m.campaignNote())))
	}
	if d.Err == nil || r.Rows > 0 {
		lines = append(lines, "")
		if r.Format != "" {
			lines = append(lines, m.wrap(th.Text.Render("read as "+safetext.Line(r.Format))))
		}
		lines = append(lines, th.Text.Render(fmt.Sprintf("%s rows read in %s", common.Count(r.Rows), common.Dur(r.Elapsed))),
			m.wrap(th.Text.Render(fmt.Sprintf("%s new · %s updated · %s merged within the file · %s skipped · %s rejected",
				common.Count(r.Inserted), common.Count(r.Updated), common.Count(r.Merged), common.Count(r.Skipped), common.Count(r.Rejected)))))
		if len(r.Typed) > 0 {
			var typed []string
			for _, k := range slices.Sorted(maps.Keys(r.Typed)) {
				typed = append(typed, safetext.Line(k)+" ("+r.Typed[k]+")")
			}
			lines = append(lines, m.wrap(th.Text.Render("typed keys: "+strings.Join(typed, ", "))))
		} else if r.Rows > 0 {
			lines = append(lines, th.Muted.Render("typed keys: none (every value kept as text)"))
		}
	}
	if len(r.Rejects) > 0 {
		lines = append(lines, "", th.Warn.Render("first rejects:"))
		for _, rj := range r.Rejects[:min(len(r.Rejects), rejectsShown)] {
			lines = append(lines, common.Fit(th.Warn.Render(fmt.Sprintf("  line %d: %s", rj.Line, safetext.Line(rj.Reason))), m.inner()))
		}
		if more := r.Rejected - min(len(r.Rejects), rejectsShown); more > 0 {
			lines = append(lines, th.Muted.Render(fmt.Sprintf("  … and %d more", more)))
		}
	}
	if d.Rejects != "" {
		lines = append(lines, "", m.wrap(th.Text.Render("rejects written to "+safetext.Line(d.Rejects))))
	}
	return lines
}
