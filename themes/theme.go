package themes

import "charm.land/lipgloss/v2"

// Theme is every style the console draws with. Views take styles from here
// and never build a colour themselves.
type Theme struct {
	Name    string
	Chroma  string // chroma style name for the JSON inspector
	NoColor bool   // NO_COLOR: attributes (bold, reverse) only

	Text, Muted, Accent, Bold lipgloss.Style

	// Semantic foregrounds: statuses, health dots, outcomes.
	OK, Warn, Error, Info lipgloss.Style

	Header      lipgloss.Style // the top bar
	HeaderStale lipgloss.Style // "stale 2m" when the last poll failed

	Pane, PaneFocused           lipgloss.Style // bordered boxes
	PaneTitle, PaneTitleFocused lipgloss.Style

	ColumnHeader lipgloss.Style
	Row          lipgloss.Style
	RowSelected  lipgloss.Style // cursor row in the focused pane
	RowCursor    lipgloss.Style // cursor row in an unfocused pane
	RowMarked    lipgloss.Style

	SwitchOn, SwitchOff, SwitchPending lipgloss.Style

	// InstanceDown and InstanceSlow mark what lives on an n8n instance that
	// refused its last call or did not answer it in time; StatusWarn is the
	// status line naming them.
	InstanceDown, InstanceSlow, StatusWarn lipgloss.Style

	StatusInfo, StatusOK, StatusError lipgloss.Style // the status line

	Dialog      lipgloss.Style
	DialogTitle lipgloss.Style

	HelpKey, HelpDesc, HelpSep lipgloss.Style
	Prompt                     lipgloss.Style // ":" and "/" prompts

	Forensics Forensics // the forensics screen: timeline, inspector, code
	Pulse     Pulse     // the :pulse screen
}

func build(name, chroma string, p Palette) *Theme {
	s := lipgloss.NewStyle
	t := &Theme{Name: name, Chroma: chroma}
	t.Text = s().Foreground(c(p.Fg))
	t.Muted = s().Foreground(c(p.Muted))
	t.Accent = s().Foreground(c(p.Accent))
	t.Bold = s().Bold(true).Foreground(c(p.Fg))
	t.OK = s().Foreground(c(p.OK))
	t.Warn = s().Foreground(c(p.Warn))
	t.Error = s().Foreground(c(p.Error))
	t.Info = s().Foreground(c(p.Info))
	t.Header = s().Foreground(c(p.HeaderFg)).Background(c(p.HeaderBg))
	t.HeaderStale = s().Foreground(c(p.Error)).Background(c(p.HeaderBg)).Bold(true)
	t.Pane = s().Border(lipgloss.RoundedBorder()).BorderForeground(c(p.Border))
	t.PaneFocused = s().Border(lipgloss.ThickBorder()).BorderForeground(c(p.BorderFocused))
	t.PaneTitle = s().Foreground(c(p.Muted)).Bold(true)
	t.PaneTitleFocused = s().Foreground(c(p.Accent)).Bold(true)
	t.ColumnHeader = s().Foreground(c(p.Muted)).Bold(true)
	t.Row = s().Foreground(c(p.Fg))
	t.RowSelected = s().Foreground(c(p.SelectedFg)).Background(c(p.SelectedBg)).Bold(true)
	t.RowCursor = s().Foreground(c(p.Fg)).Underline(true)
	t.RowMarked = s().Foreground(c(p.MarkedFg)).Bold(true)
	t.SwitchOn = s().Foreground(c(p.OK)).Bold(true)
	t.SwitchOff = s().Foreground(c(p.Muted))
	t.SwitchPending = s().Foreground(c(p.Warn)).Bold(true)
	t.InstanceDown = s().Foreground(c(p.Error)).Bold(true)
	t.InstanceSlow = s().Foreground(c(p.Warn)).Bold(true)
	t.StatusWarn = s().Foreground(c(p.Warn))
	t.StatusInfo = s().Foreground(c(p.Info))
	t.StatusOK = s().Foreground(c(p.OK))
	t.StatusError = s().Foreground(c(p.Error)).Bold(true)
	t.Dialog = s().Border(lipgloss.DoubleBorder()).BorderForeground(c(p.Warn)).Padding(0, 1)
	t.DialogTitle = s().Foreground(c(p.Warn)).Bold(true)
	t.HelpKey = s().Foreground(c(p.Accent)).Bold(true)
	t.HelpDesc = s().Foreground(c(p.Muted))
	t.HelpSep = s().Foreground(c(p.Border))
	t.Prompt = s().Foreground(c(p.Accent)).Bold(true)
	t.Forensics = forensicsStyles(p, chroma)
	t.Pulse = pulseStyles(p)
	return t
}

// noColour is the NO_COLOR theme: the same shapes, with selection and
// emphasis carried by bold, reverse and underline instead of colour.
func noColour(name, chroma string) *Theme {
	s := lipgloss.NewStyle
	t := &Theme{Name: name, Chroma: chroma, NoColor: true}
	t.Text, t.Muted, t.Accent = s(), s().Faint(true), s().Bold(true)
	t.Bold = s().Bold(true)
	t.OK, t.Info = s(), s()
	t.Warn, t.Error = s().Bold(true), s().Bold(true)
	t.Header = s().Reverse(true)
	t.HeaderStale = s().Reverse(true).Bold(true)
	t.Pane = s().Border(lipgloss.RoundedBorder())
	t.PaneFocused = s().Border(lipgloss.ThickBorder())
	t.PaneTitle = s()
	t.PaneTitleFocused = s().Bold(true)
	t.ColumnHeader = s().Bold(true)
	t.Row = s()
	t.RowSelected = s().Reverse(true)
	t.RowCursor = s().Underline(true)
	t.RowMarked = s().Bold(true)
	t.SwitchOn = s().Bold(true)
	t.SwitchOff = s()
	t.SwitchPending = s().Bold(true)
	t.InstanceDown, t.InstanceSlow = s().Bold(true), s().Bold(true)
	t.StatusWarn = s()
	t.StatusInfo, t.StatusOK = s(), s()
	t.StatusError = s().Bold(true)
	t.Dialog = s().Border(lipgloss.DoubleBorder()).Padding(0, 1)
	t.DialogTitle = s().Bold(true)
	t.HelpKey = s().Bold(true)
	t.HelpDesc, t.HelpSep = s(), s()
	t.Prompt = s().Bold(true)
	t.Forensics = forensicsNoColour()
	t.Pulse = pulseNoColour()
	return t
}
