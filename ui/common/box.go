package common

import (
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/godmode-console/godmode/forensics/safetext"
)

// Fit pads or truncates a (possibly styled) line to exactly w cells.
func Fit(s string, w int) string {
	if w <= 0 {
		return ""
	}
	sw := ansi.StringWidth(s)
	switch {
	case sw > w:
		return ansi.Truncate(s, w, "…")
	case sw < w:
		return s + strings.Repeat(" ", w-sw)
	}
	return s
}

// Box draws content inside the border of st (a theme pane style) with the
// title set into the top edge, like k9s. w and h include the border.
// Drawing the edges by hand keeps the cost to two styled strings per line.
func Box(st, titleStyle lipgloss.Style, title, content string, w, h int) string {
	return box(st, titleStyle, title, content, w, h, false)
}

// ExactBox is Box for content whose non-empty lines are already exactly
// w-2 cells wide (tables guarantee it), skipping the measuring of every
// line.
func ExactBox(st, titleStyle lipgloss.Style, title, content string, w, h int) string {
	return box(st, titleStyle, title, content, w, h, true)
}

func box(st, titleStyle lipgloss.Style, title, content string, w, h int, exact bool) string {
	if w < 2 || h < 2 {
		return ""
	}
	b := st.GetBorderStyle()
	edge := lipgloss.NewStyle().Foreground(st.GetBorderTopForeground())
	inner := w - 2
	var sb strings.Builder
	sb.Grow((w + 24) * h)

	t := ansi.Truncate(" "+safetext.Line(title)+" ", max(0, inner-1), "…") // titles name campaigns
	tw := ansi.StringWidth(t)
	sb.WriteString(edge.Render(b.TopLeft + b.Top))
	sb.WriteString(titleStyle.Render(t))
	sb.WriteString(edge.Render(strings.Repeat(b.Top, max(0, inner-1-tw)) + b.TopRight))

	left, right := edge.Render(b.Left), edge.Render(b.Right)
	rest := content
	for range h - 2 {
		sb.WriteByte('\n')
		sb.WriteString(left)
		line, after, _ := strings.Cut(rest, "\n")
		rest = after
		if exact && line != "" {
			sb.WriteString(line)
		} else {
			sb.WriteString(Fit(line, inner))
		}
		sb.WriteString(right)
	}
	sb.WriteByte('\n')
	sb.WriteString(edge.Render(b.BottomLeft + strings.Repeat(b.Bottom, inner) + b.BottomRight))
	return sb.String()
}

// Overlay draws top over base, centred, as a dialog over the screen.
func Overlay(base, top string, w, h int) string {
	tw, th := lipgloss.Width(top), lipgloss.Height(top)
	x, y := max(0, (w-tw)/2), max(0, (h-th)/2)
	c := lipgloss.NewCanvas(w, h)
	c.Compose(lipgloss.NewCompositor(lipgloss.NewLayer(base), lipgloss.NewLayer(top).X(x).Y(y).Z(1)))
	return c.Render()
}
