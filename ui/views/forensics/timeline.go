package forensics

import (
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"

	fx "github.com/godmode-console/godmode/forensics"
	"github.com/godmode-console/godmode/ui/common"
)

// runLabel names a run; runs of a node in a loop are numbered from 1.
func runLabel(r fx.Run) string {
	name := printable(r.Node)
	if r.RunCount > 1 {
		return fmt.Sprintf("%s #%d", name, r.RunIndex+1)
	}
	return name
}

func glyph(status string) string {
	switch status {
	case "success":
		return "✓"
	case "error", "crashed":
		return "✗"
	case "waiting":
		return "◷"
	case "running", "new":
		return "…"
	}
	return "·"
}

// eighths draws a bar of f (0..1) of w cells in eighth-cell steps, so
// short runs stay visible beside long ones.
func eighths(f float64, w int) string {
	if w <= 0 {
		return ""
	}
	n := int(f*float64(w*8) + 0.5)
	if f > 0 && n == 0 {
		n = 1
	}
	full, part := n/8, n%8
	s := strings.Repeat("█", full)
	if part > 0 {
		s += string([]rune("▏▎▍▌▋▊▉")[part-1])
	}
	return s
}

// timelineRows draws h rows of the timeline from tlTop, w cells wide: a
// glyph, the run's name, its start offset, a duration bar scaled to the
// longest run, the duration and items in → out.
func (m *Model) timelineRows(w, h int) []string {
	th := m.theme
	fs := &th.Forensics
	if len(m.runs) == 0 {
		return wrap("No node runs: n8n kept no run data for this execution (saved without data, or still queued).", w)
	}
	const offW, durW = 7, 6
	itemsW := 0
	for _, r := range m.runs[m.tlTop:min(len(m.runs), m.tlTop+h)] {
		itemsW = max(itemsW, ansi.StringWidth(items(r)))
	}
	barW := max(4, min(24, w/5))
	nameW := w - 2 - offW - 1 - barW - 1 - durW - 1 - itemsW - 1
	if nameW < 10 {
		// Narrow: drop the bar before the names.
		barW = 0
		nameW = w - 2 - offW - 1 - durW - 1 - itemsW - 1
	}
	out := make([]string, 0, h)
	for i := m.tlTop; i < len(m.runs) && len(out) < h; i++ {
		r := m.runs[i]
		mk := m.markOf(i)
		// A node that threw and went on keeps its error on the run: it is
		// a swallowed error, not the failure.
		failed := (r.Error != nil || r.Status == "error") && mk.soft == nil
		g := runGlyph(r, mk)
		label, tags := runLabel(r), runTags(mk)
		if tags != "" {
			label = cut(label, max(4, nameW-ansi.StringWidth(tags)-1))
		}
		name := cut(label, nameW)
		tagText := ""
		if tags != "" && ansi.StringWidth(name)+1+ansi.StringWidth(tags) <= nameW {
			tagText = " " + tags
		}
		fill := strings.Repeat(" ", max(0, nameW-ansi.StringWidth(name)-ansi.StringWidth(tagText)))
		off := fmt.Sprintf("%*s", offW, "+"+common.Dur(r.Start.Sub(m.origin)))
		switch {
		case mk.flags.Reused:
			// Its start time is the original execution's: an offset from
			// this one's start would say it ran before it began.
			off = fmt.Sprintf("%*s", offW, "reused")
		case r.Start.IsZero():
			off = fmt.Sprintf("%*s", offW, "-")
		}
		frac := 0.0
		if m.longest > 0 {
			frac = float64(r.Duration) / float64(m.longest)
		}
		bar := eighths(frac, barW)
		bar += strings.Repeat(" ", max(0, barW-ansi.StringWidth(bar)))
		dur := fmt.Sprintf("%*s", durW, durText(r.Duration))
		it := fmt.Sprintf("%*s", itemsW, items(r))
		if i == m.sel {
			row := g + " " + name + tagText + fill + " " + off + " "
			if barW > 0 {
				row += bar + " "
			}
			row += dur + " " + it
			st := th.RowCursor
			if m.focus == timelinePane {
				st = th.RowSelected
			}
			out = append(out, st.Render(fitLine(row, w)))
			continue
		}
		nameSt, barSt, gl := th.Text, fs.BarOK, th.OK
		switch {
		case mk.soft != nil:
			nameSt, barSt, gl = fs.RunSoft, fs.BarSoft, fs.RunSoft
		case failed:
			nameSt, barSt, gl = fs.RunFailed, fs.BarFailed, th.Error
		case r.Status == "waiting":
			barSt, gl = fs.BarWaiting, th.Warn
		case mk.flags.Disabled:
			nameSt, gl = th.Muted, th.Muted
		}
		nameCell := nameSt.Render(name + fill)
		if tagText != "" {
			nameCell = nameSt.Render(name) + fs.RunFlag.Render(tagText+fill)
		}
		row := gl.Render(g) + " " + nameCell + " " + th.Muted.Render(off) + " "
		if barW > 0 {
			row += barSt.Render(bar) + " "
		}
		row += th.Text.Render(dur) + " " + th.Muted.Render(it)
		out = append(out, fitLine(row, w))
	}
	return out
}

func (m *Model) markOf(i int) runMarks {
	if i < 0 || i >= len(m.marks) {
		return runMarks{}
	}
	return m.marks[i]
}

// runGlyph is the run's mark in the timeline: a failure, an error the
// node swallowed (its own glyph: n8n called the run a success), a wait,
// a node n8n skipped as disabled, or the status.
func runGlyph(r fx.Run, mk runMarks) string {
	switch {
	case mk.soft != nil:
		return "⚠"
	case r.Error != nil || r.Status == "error":
		return glyph("error")
	case r.Status == "waiting":
		return glyph("waiting")
	case mk.flags.Disabled:
		return "⊘"
	}
	return glyph(r.Status)
}

// runTags says what the run is beside its status, after its name.
func runTags(mk runMarks) string {
	var t []string
	if mk.flags.Disabled {
		t = append(t, "disabled")
	}
	if mk.flags.Pinned {
		t = append(t, "pinned")
	}
	if mk.sub != nil {
		t = append(t, "→ #"+printable(mk.sub.ExecutionID))
	}
	if len(t) == 0 {
		return ""
	}
	return "(" + strings.Join(t, ", ") + ")"
}

func pad(s string, w int) string { return s + strings.Repeat(" ", max(0, w-ansi.StringWidth(s))) }

func items(r fx.Run) string { return fmt.Sprintf("%d→%d", r.ItemsIn, r.ItemsOut) }

func durText(d time.Duration) string {
	if d < time.Second {
		return fmt.Sprintf("%dms", d.Milliseconds())
	}
	if d < time.Minute {
		return fmt.Sprintf("%.1fs", d.Seconds())
	}
	return common.Dur(d)
}

// scrollTimeline keeps the selected run on screen.
func (m *Model) scrollTimeline() {
	h := m.timelineHeight()
	if h <= 0 {
		return
	}
	if m.sel < m.tlTop {
		m.tlTop = m.sel
	}
	if m.sel >= m.tlTop+h {
		m.tlTop = m.sel - h + 1
	}
	m.tlTop = max(0, min(m.tlTop, len(m.runs)-h))
}
