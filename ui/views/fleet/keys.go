package fleet

import (
	"charm.land/bubbles/v2/key"

	"github.com/godmode-console/godmode/ui/components/table"
)

// KeyMap is the fleet's bindings. Disabled bindings (toggle for a viewer,
// freeze for a non-super-admin) vanish from the footer and help.
type KeyMap struct {
	Table                  table.KeyMap
	Next, Prev, Open, Back key.Binding
	Toggle, Mark, Unmark   key.Binding
	Freeze, ErrorsOnly     key.Binding
	StatusFilter           key.Binding
	ExecOpen               key.Binding // enter on an execution: forensics
	NewWorkspace           key.Binding // n: the new-workspace form, for super admins
	Provision              key.Binding // p: the provisioning wizard: provision one awaiting setup, re-apply an active one
	ImportLeads            key.Binding // i: the leads import screen
	// Relink and ArchiveCampaign answer a campaign whose workflow is gone,
	// for super admins.
	Relink, ArchiveCampaign key.Binding
	Leads                   key.Binding // L on a workspace: its leads
	Pulse                   key.Binding // P in any pane: the fleet pulse
	// SearchData is "/data:TEXT" then enter in the executions pane: a
	// search of the latest executions' data (help only; the table's
	// filter reads the keys).
	SearchData key.Binding
}

func defaultKeys() KeyMap {
	return KeyMap{
		Table:           table.DefaultKeyMap(),
		Next:            key.NewBinding(key.WithKeys("tab", "l", "right"), key.WithHelp("tab/l", "next pane")),
		Prev:            key.NewBinding(key.WithKeys("shift+tab", "h", "left"), key.WithHelp("S-tab/h", "previous pane")),
		Open:            key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "open")),
		Back:            key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back")),
		Toggle:          key.NewBinding(key.WithKeys("space"), key.WithHelp("space", "activate/pause")),
		Mark:            key.NewBinding(key.WithKeys("m"), key.WithHelp("m", "mark")),
		Unmark:          key.NewBinding(key.WithKeys("M"), key.WithHelp("M", "clear marks")),
		Freeze:          key.NewBinding(key.WithKeys("F"), key.WithHelp("F", "freeze/unfreeze")),
		ErrorsOnly:      key.NewBinding(key.WithKeys("e"), key.WithHelp("e", "errors only")),
		StatusFilter:    key.NewBinding(key.WithKeys("f"), key.WithHelp("f", "status filter")),
		NewWorkspace:    key.NewBinding(key.WithKeys("n"), key.WithHelp("n", "new workspace")),
		Provision:       key.NewBinding(key.WithKeys("p"), key.WithHelp("p", "provision")),
		ImportLeads:     key.NewBinding(key.WithKeys("i"), key.WithHelp("i", "import leads")),
		Relink:          key.NewBinding(key.WithKeys("L"), key.WithHelp("L", "re-link workflow")),
		ArchiveCampaign: key.NewBinding(key.WithKeys("X"), key.WithHelp("X", "archive campaign")),
		Leads:           key.NewBinding(key.WithKeys("L"), key.WithHelp("L", "leads")),
		Pulse:           key.NewBinding(key.WithKeys("P"), key.WithHelp("P", "pulse")),
		SearchData:      key.NewBinding(key.WithKeys("/"), key.WithHelp("/data:TEXT", "search the executions' data")),
	}
}
