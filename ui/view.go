package ui

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/godmode-console/godmode/forensics/safetext"
	"github.com/godmode-console/godmode/model"
	"github.com/godmode-console/godmode/ui/common"
)

// View draws the whole screen.
func (r *Root) View() tea.View {
	v := tea.NewView(r.Render())
	v.AltScreen = true
	v.MouseMode = tea.MouseModeCellMotion
	v.WindowTitle = "godmode · " + r.context()
	return v
}

// Render is the screen as text (View's content), for tests and tools.
func (r *Root) Render() string {
	if r.width == 0 || r.height == 0 {
		return ""
	}
	if r.tooSmall() {
		return r.tooSmallView()
	}
	body := r.current().View()
	screen := strings.Join([]string{r.header(), body, r.statusLine(), r.footer()}, "\n")
	if r.showHelp {
		screen = common.Overlay(screen, r.helpView(), r.width, r.height)
	}
	return screen
}

func (r *Root) tooSmallView() string {
	msg := fmt.Sprintf("godmode needs a terminal of at least %d×%d;\nthis one is %d×%d.\n\nEnlarge the window (or shrink the font). q quits.",
		MinWidth, MinHeight, r.width, r.height)
	return lipgloss.Place(r.width, r.height, lipgloss.Center, lipgloss.Center, r.theme.Warn.Render(msg))
}

// header: context, Postgres, the n8n instances counted up and down, sync
// age or staleness, drift, who and role. Each part says "?" when it cannot
// be known (Postgres down hides the instances' health and the drift).
func (r *Root) header() string {
	th := r.theme
	h := r.poll.health
	now := r.now()
	hs := th.Header
	sep := hs.Render("  ")
	parts := []string{
		hs.Bold(true).Render(" godmode"),
		hs.Render("ctx " + r.context()),
		r.dbPart() + sep + r.n8nPart(),
	}
	switch {
	case !r.poll.polled:
		parts = append(parts, hs.Render("loading…"))
	case r.poll.lastErr != nil:
		age := "never loaded"
		if !r.poll.lastOK.IsZero() {
			age = common.Age(now, r.poll.lastOK)
		}
		parts = append(parts, th.HeaderStale.Render("stale "+age))
	default:
		parts = append(parts, hs.Render("sync "+syncAge(now, h)))
	}
	switch {
	case !r.poll.polled:
	case !h.DriftKnown:
		parts = append(parts, th.Muted.Inherit(hs).Render("drift ?"))
	case h.DriftCount > 0:
		parts = append(parts, th.Warn.Inherit(hs).Bold(true).Render(fmt.Sprintf("drift %d", h.DriftCount)))
	default:
		parts = append(parts, hs.Render("drift 0"))
	}
	if r.opts.ReadOnly {
		parts = append(parts, th.HeaderStale.Render("READ-ONLY"))
	}
	left := strings.Join(parts, sep)
	right := hs.Render(r.who() + " ")
	gap := r.width - lipgloss.Width(left) - lipgloss.Width(right)
	if gap < 1 {
		// Narrow: the product name goes first, who you are stays.
		left = hs.Render(" ") + strings.Join(parts[1:], sep)
		gap = r.width - lipgloss.Width(left) - lipgloss.Width(right)
	}
	if gap < 1 {
		return common.Fit(left+sep+right, r.width)
	}
	return left + hs.Render(strings.Repeat(" ", gap)) + right
}

func (r *Root) dbPart() string {
	th, hs := r.theme, r.theme.Header
	switch {
	case !r.poll.polled:
		return hs.Render("db …")
	case r.poll.health.DBOK:
		return hs.Render("db ") + th.OK.Inherit(hs).Render("●")
	}
	return hs.Render("db ") + th.Error.Inherit(hs).Bold(true).Render("✗")
}

// n8nPart counts the instances that answered: "n8n ● 5/5 up" when all
// did, "n8n ▲ 3/5 up" when some did not (the status line names them),
// "n8n ✗ 0/5 up" when none did, "n8n ?" while their health cannot be read.
func (r *Root) n8nPart() string {
	th, hs := r.theme, r.theme.Header
	h := r.poll.health
	switch {
	case !r.poll.polled:
		return hs.Render("n8n …")
	case !h.N8nKnown:
		return hs.Render("n8n ") + th.Muted.Inherit(hs).Bold(true).Render("?")
	case h.Instances == 0:
		return hs.Render("n8n none registered")
	}
	count := hs.Render(fmt.Sprintf(" %d/%d up", h.Up, h.Instances))
	switch {
	case h.Down == 0 && h.Up == h.Instances:
		return hs.Render("n8n ") + th.OK.Inherit(hs).Render("●") + count
	case h.Up == 0 && h.Down > 0:
		return hs.Render("n8n ") + th.Error.Inherit(hs).Bold(true).Render("✗") + count
	case h.Down == 0:
		return hs.Render("n8n ") + th.Muted.Inherit(hs).Bold(true).Render("?") + count
	}
	return hs.Render("n8n ") + th.Warn.Inherit(hs).Bold(true).Render("▲") + count
}

// syncAge is how long ago the sync loop last reconciled with n8n, and how
// many instances it never has.
func syncAge(now time.Time, h model.Health) string {
	if h.LastSync == nil {
		return "never"
	}
	age := common.Ago(now, *h.LastSync)
	if h.NeverSynced > 0 {
		age += fmt.Sprintf(" (%d never)", h.NeverSynced)
	}
	return age
}

// who is the actor and their role where the cursor is.
func (r *Root) who() string {
	a := r.opts.Actor
	name := safetext.Line(a.Name)
	if name == "" {
		name = fmt.Sprintf("user %d", a.UserID)
	}
	if a.SuperAdmin {
		return name + " · super admin"
	}
	if w, ok := r.fleet.SelectedWorkspace(); ok {
		if role, ok := a.Roles[w.ID]; ok {
			return fmt.Sprintf("%s · %s of %s", name, role, w.Slug)
		}
	}
	return name + " · member"
}

func (r *Root) statusLine() string {
	th := r.theme
	if r.commandOn {
		return common.Fit(r.cmdline.View(), r.width)
	}
	if r.status.Text == "" {
		if r.poll.lastErr != nil {
			return common.Fit(th.StatusError.Render(fmt.Sprintf("poll failed (%s); retrying in %s, showing the last data",
				safetext.Line(r.poll.lastErr.Error()), common.Dur(r.poll.delay()))), r.width)
		}
		if line := r.downLine(); line != "" {
			return common.Fit(th.StatusWarn.Render(line), r.width)
		}
		return ""
	}
	st := th.StatusInfo
	switch r.status.Level {
	case common.Success:
		st = th.StatusOK
	case common.Failure:
		st = th.StatusError
	}
	// Status texts quote names and n8n's errors.
	return common.Fit(st.Render(safetext.Line(r.status.Text)), r.width)
}

// downLine names the instances that did not answer, longest down first;
// only their workspaces are affected.
func (r *Root) downLine() string {
	h := r.poll.health
	if !h.N8nKnown || h.Down == 0 {
		return ""
	}
	now := r.now()
	names := make([]string, 0, len(h.DownList))
	for _, d := range h.DownList {
		names = append(names, fmt.Sprintf("%s %s %s", d.Name, d.State(), common.AgePtr(now, d.Since)))
	}
	more := ""
	if n := h.Down - len(h.DownList); n > 0 {
		more = fmt.Sprintf(" and %d more", n)
	}
	why := "; :instances says why"
	if !r.opts.Actor.SuperAdmin {
		why = "" // :instances is not theirs to open
	}
	return fmt.Sprintf("%d of %d n8n instances down: %s%s — only their workspaces are affected%s",
		h.Down, h.Instances, strings.Join(names, ", "), more, why)
}

func (r *Root) globalShort() []key.Binding {
	return []key.Binding{r.keys.Command, r.keys.Help, r.keys.Quit}
}

func (r *Root) footer() string {
	if r.commandOn {
		return r.help.ShortHelpView([]key.Binding{
			key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "complete")),
			key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "run")),
			key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel")),
		})
	}
	own, found := r.withBack(r.current().ShortHelp())
	if back, ok := r.backKey(); ok && !found {
		own = append(own, back)
	}
	return r.help.ShortHelpView(append(own, r.globalShort()...))
}

// backKey is esc on a screen above the fleet, named for the screen it goes
// back to.
func (r *Root) backKey() (key.Binding, bool) {
	p := r.previous()
	if p == nil {
		return key.Binding{}, false
	}
	return key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back to "+p.title)), true
}

// withBack puts the root's esc in place of a screen's own: where esc goes
// depends on the stack, which the screen does not know.
func (r *Root) withBack(bs []key.Binding) ([]key.Binding, bool) {
	back, ok := r.backKey()
	if ownsEsc(r.current()) {
		return bs, true // the screen's own step back, named by it
	}
	if !ok {
		return bs, false
	}
	out := make([]key.Binding, len(bs))
	found := false
	for i, b := range bs {
		if ks := b.Keys(); len(ks) == 1 && ks[0] == "esc" {
			b, found = back, true
		} else if slices.Contains(ks, "esc") {
			found = true // the screen's own esc (a step back), named by it
		}
		out[i] = b
	}
	return out, found
}

// helpView is "?": every binding of the active view and the global ones,
// then the command table, all generated from the key maps and commands.
func (r *Root) helpView() string {
	return r.theme.Dialog.Render(r.helpWindow(r.helpLines()))
}

// helpLines is the whole help: the keys of the view in front, the global
// keys, every command.
func (r *Root) helpLines() []string {
	th := r.theme
	var groups [][]key.Binding
	hasBack := false
	for _, g := range r.current().FullHelp() {
		g, found := r.withBack(g)
		groups, hasBack = append(groups, g), hasBack || found
	}
	global := []key.Binding{r.keys.Command, r.keys.Help, r.keys.Refresh, r.keys.Quit}
	if back, ok := r.backKey(); ok && !hasBack {
		global = append([]key.Binding{back}, global...)
	}
	groups = append(groups, global)
	var b strings.Builder
	b.WriteString(th.DialogTitle.Render("Keys") + "\n")
	full := r.help
	full.ShowAll = true
	b.WriteString(full.FullHelpView(groups))
	b.WriteString("\n\n" + th.DialogTitle.Render("Commands") + "\n")
	for _, c := range r.commands {
		name := ":" + c.Name
		if len(c.Aliases) > 0 {
			name += " (" + strings.Join(c.Aliases, ", ") + ")"
		}
		line := th.HelpKey.Render(fmt.Sprintf("%-24s", name)) + " " + th.HelpDesc.Render(c.Help)
		if c.Args != "" {
			line += th.HelpDesc.Render(" " + c.Args)
		}
		b.WriteString(line + "\n")
	}
	return strings.Split(b.String(), "\n")
}

// helpRows is how many help lines fit, and the most helpTop can be.
func (r *Root) helpRows(total int) (rows, maxTop int) {
	innerH := max(3, r.height-r.theme.Dialog.GetVerticalFrameSize())
	if total+1 <= innerH {
		return total, 0
	}
	return innerH - 1, total - (innerH - 1)
}

// scrollHelp moves the help by n lines, within its length.
func (r *Root) scrollHelp(n int) {
	_, maxTop := r.helpRows(len(r.helpLines()))
	r.helpTop = min(max(r.helpTop+n, 0), maxTop)
}

// helpWindow fits the help to the screen: lines cut at the dialog's inner
// width, and the part that fits in height, from helpTop, with a line that
// says how to see the rest. Nothing is drawn past the screen's edge.
func (r *Root) helpWindow(lines []string) string {
	th := r.theme
	innerW := max(10, r.width-th.Dialog.GetHorizontalFrameSize())
	hint := "? or esc closes this help"
	if rows, maxTop := r.helpRows(len(lines)); maxTop > 0 {
		top := min(r.helpTop, maxTop) // the screen may have grown since
		hint = fmt.Sprintf("lines %d–%d of %d · j/k scroll · ? or esc closes", top+1, top+rows, len(lines))
		lines = lines[top : top+rows]
	}
	out := make([]string, 0, len(lines)+1)
	for _, l := range lines {
		out = append(out, ansi.Truncate(l, innerW, "…"))
	}
	out = append(out, th.HelpDesc.Render(ansi.Truncate(hint, innerW, "…")))
	return strings.Join(out, "\n")
}
