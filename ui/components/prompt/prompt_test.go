package prompt

import (
	"strings"
	"testing"

	"charm.land/lipgloss/v2"

	"github.com/godmode-console/godmode/themes"
)

// At 80 columns, adopting two workflows names them in a body longer than
// the screen: the box wraps it within MaxWidth instead of running off the
// right edge (its border and the end of the names were cut off).
func TestADialogFitsItsMaxWidth(t *testing.T) {
	m := New(themes.NoColour(), "Adopt 2 workflow(s)?",
		"2 workflow(s) become campaigns, with their recent runs read from n8n: colorado · Email 1, colorado · Reply Tracker.",
		Field{Label: "Workspace to adopt into (slug)", Value: "colorado"})
	m.MaxWidth = 80
	out := m.View()
	for _, l := range strings.Split(out, "\n") {
		if w := lipgloss.Width(l); w > 80 {
			t.Errorf("a line %d wide: %q", w, l)
		}
	}
	if flat := strings.Join(strings.Fields(out), " "); !strings.Contains(flat, "colorado · Reply Tracker.") {
		t.Errorf("the body lost its end:\n%s", out)
	}
}
