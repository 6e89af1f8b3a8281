package fleet

import (
	tea "charm.land/bubbletea/v2"

	"github.com/godmode-console/godmode/ui/common"
)

// PulseScreen is the id of the screen P opens (ui registers it).
const PulseScreen = "pulse"

// pulseKey opens the fleet pulse: its read narrows it to what the actor
// may see, so the key is offered to everyone.
func pulseKey() tea.Cmd {
	return func() tea.Msg { return common.OpenMsg{Screen: PulseScreen} }
}

// Screen is the fleet's own id (ui registers it).
const Screen = "fleet"

// ShowWorkspace brings the fleet back on a workspace (enter on its row
// of the pulse).
type ShowWorkspace struct{ ID int64 }
