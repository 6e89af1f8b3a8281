package fleet

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/godmode-console/godmode/forensics/safetext"
	"github.com/godmode-console/godmode/themes"
)

// pickList is a dialog that asks for one of a few options read from the
// model (the workflow a campaign is re-linked to): a cursor moves, enter
// chooses, esc cancels.
type pickList struct {
	title, body string
	options     []string
	cursor      int
	theme       *themes.Theme
}

// pickShown is how many options the dialog shows at once.
const pickShown = 10

var (
	pickUp     = key.NewBinding(key.WithKeys("up", "k"))
	pickDown   = key.NewBinding(key.WithKeys("down", "j"))
	pickChoose = key.NewBinding(key.WithKeys("enter"))
	pickCancel = key.NewBinding(key.WithKeys("esc"))
)

func newPickList(th *themes.Theme, title, body string, options []string) *pickList {
	clean := make([]string, len(options))
	for i, o := range options {
		clean[i] = safetext.Line(o) // names from n8n
	}
	return &pickList{title: safetext.Line(title), body: safetext.Text(body), options: clean, theme: th}
}

// update moves the cursor; it answers the option chosen (or -1) and
// whether the dialog is done.
func (p *pickList) update(msg tea.KeyPressMsg) (chosen int, done bool) {
	switch {
	case key.Matches(msg, pickCancel):
		return -1, true
	case key.Matches(msg, pickChoose):
		return p.cursor, true
	case key.Matches(msg, pickUp):
		p.cursor = max(0, p.cursor-1)
	case key.Matches(msg, pickDown):
		p.cursor = min(len(p.options)-1, p.cursor+1)
	}
	return -1, false
}

func (p *pickList) view() string {
	th := p.theme
	var b strings.Builder
	b.WriteString(th.DialogTitle.Render(p.title))
	if p.body != "" {
		b.WriteString("\n" + th.Text.Render(p.body))
	}
	b.WriteString("\n")
	first := min(max(0, p.cursor-pickShown/2), max(0, len(p.options)-pickShown))
	for i := first; i < min(len(p.options), first+pickShown); i++ {
		if i == p.cursor {
			b.WriteString("\n" + th.RowSelected.Render("> "+p.options[i]))
		} else {
			b.WriteString("\n" + th.Text.Render("  "+p.options[i]))
		}
	}
	if len(p.options) > pickShown {
		b.WriteString("\n" + th.Muted.Render(fmt.Sprintf("  %d of %d", p.cursor+1, len(p.options))))
	}
	b.WriteString("\n\n" + th.HelpKey.Render("↑/↓") + th.HelpDesc.Render(" choose  ") +
		th.HelpKey.Render("enter") + th.HelpDesc.Render(" re-link  ") +
		th.HelpKey.Render("esc") + th.HelpDesc.Render(" cancel"))
	return th.Dialog.Render(b.String())
}
