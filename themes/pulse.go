package themes

import "charm.land/lipgloss/v2"

// Pulse is what the :pulse screen draws with: the fleet's own row, the
// line naming the two windows over their counts, each outcome's count
// when it is not zero, the sparklines, and the summariser's backlog.
type Pulse struct {
	FleetRow lipgloss.Style // the fleet's row, above the workspaces
	Window   lipgloss.Style // "last hour", "last 24 hours" over the columns

	// Counts by outcome; a zero is drawn Muted so the non-zeros stand out.
	OK, Error, Soft, Waiting, Crashed lipgloss.Style

	SparkFailures, SparkRuns lipgloss.Style
	Backlog, BacklogBehind   lipgloss.Style // up to date; behind
}

func pulseStyles(p Palette) Pulse {
	s := lipgloss.NewStyle
	return Pulse{
		FleetRow:      s().Foreground(c(p.Accent)).Bold(true),
		Window:        s().Foreground(c(p.Muted)),
		OK:            s().Foreground(c(p.OK)),
		Error:         s().Foreground(c(p.Error)).Bold(true),
		Soft:          s().Foreground(c(p.Warn)).Bold(true),
		Waiting:       s().Foreground(c(p.Info)),
		Crashed:       s().Foreground(c(p.Error)).Bold(true).Underline(true),
		SparkFailures: s().Foreground(c(p.Error)),
		SparkRuns:     s().Foreground(c(p.Info)),
		Backlog:       s().Foreground(c(p.Muted)),
		BacklogBehind: s().Foreground(c(p.Warn)),
	}
}

func pulseNoColour() Pulse {
	s := lipgloss.NewStyle
	return Pulse{
		FleetRow: s().Bold(true), Window: s().Faint(true),
		OK: s(), Error: s().Bold(true), Soft: s().Bold(true), Waiting: s(), Crashed: s().Bold(true).Underline(true),
		SparkFailures: s().Bold(true), SparkRuns: s(),
		Backlog: s().Faint(true), BacklogBehind: s().Bold(true),
	}
}
