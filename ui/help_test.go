package ui

import (
	"strings"
	"testing"

	"charm.land/lipgloss/v2"
)

func TestHelpFitsASmallTerminalAndScrolls(t *testing.T) {
	t.Parallel()
	r := newRoot(fleetBackend(t), Options{})
	sized(r, 80, 24)
	deliver(r, r.Init())
	keys(r, "?")
	screen := plain(r.Render())
	lines := strings.Split(screen, "\n")
	if len(lines) != 24 {
		t.Fatalf("help drew %d lines on a 24-line terminal", len(lines))
	}
	for i, l := range lines {
		if w := lipgloss.Width(l); w > 80 {
			t.Fatalf("line %d is %d wide on an 80-column terminal: %q", i, w, l)
		}
	}
	if !strings.Contains(screen, "╚") || !strings.Contains(screen, "j/k scroll") {
		t.Fatalf("the help's bottom edge or its scroll hint is off screen:\n%s", screen)
	}
	if strings.Contains(screen, ":quit") {
		t.Fatal("the last command shows before scrolling: the test proves nothing")
	}
	for range 30 {
		keys(r, "j")
	}
	if screen := plain(r.Render()); !strings.Contains(screen, ":quit") {
		t.Fatalf("scrolling down never reaches the last command:\n%s", screen)
	}
	keys(r, "esc")
	if strings.Contains(plain(r.Render()), "j/k scroll") {
		t.Fatal("esc did not close the help")
	}
}
