package ui

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/godmode-console/godmode/model"
	"github.com/godmode-console/godmode/ui/uitest"
	"github.com/godmode-console/godmode/ui/views/fleet"
)

func loadedRoot(t *testing.T, o Options) *Root {
	t.Helper()
	r := newRoot(fleetBackend(t), o)
	sized(r, 160, 45)
	deliver(r, r.Init())
	return r
}

// auditedFixture is the screen fleet with a trail: a toggle of florida's
// Email 1 that n8n refused with a 500, and a correction by sync of texas'
// Email 1, activated inside n8n behind godmode's back.
func auditedFixture(t *testing.T) *uitest.Fleet {
	t.Helper()
	f := fleetFixture(t)
	f.N8n("florida").FailNext(1, 500)
	if res := f.Console.Toggle(context.Background(), f.Super(), f.Campaign("florida", "Email 1").ID, model.CampaignPaused); res.Err == nil {
		t.Fatal("setup: n8n's 500 did not fail the toggle")
	}
	if err := f.N8n("texas").SetActive(f.Campaign("texas", "Email 1").N8nWorkflowID, true); err != nil {
		t.Fatal(err)
	}
	f.Sync()
	return f
}

func TestCommandsSwitchViews(t *testing.T) {
	t.Parallel()
	r := newRoot(auditedFixture(t).AsSuper(), Options{})
	sized(r, 160, 45)
	deliver(r, r.Init())
	keys(r, ":", "instances", "enter")
	mustContain(t, plain(r.Render()), "n8n instances [4] · 1 down", "n8n-georgia", "georgia")

	keys(r, ":", "audit outcome=failed", "enter")
	screen := plain(r.Render())
	mustContain(t, screen, "Audit trail [1] · outcome=failed", "500")
	if rows := strings.Join(strings.Split(screen, "\n")[1:], "\n"); strings.Contains(rows, " sync ") {
		t.Errorf("outcome filter let an ok entry through:\n%s", screen)
	}
	keys(r, ":", "audit ws=texas", "enter")
	mustContain(t, plain(r.Render()), "Audit trail [1] · ws=texas", "sync")

	keys(r, ":", "campaigns", "enter")
	if r.topID() != screenFleet || r.Fleet().Focus() != fleet.Campaigns {
		t.Errorf(":campaigns left screen %s pane %s", r.topID(), r.Fleet().Focus())
	}
	keys(r, ":", "au", "enter") // a unique prefix runs the command
	if r.topID() != screenAudit {
		t.Error(":au did not open the audit trail")
	}
}

func TestCommandErrorsSayWhatToDo(t *testing.T) {
	t.Parallel()
	r := loadedRoot(t, Options{})
	for line, want := range map[string]string{
		"bogus":              "unknown command :bogus — :help lists them",
		"audit ws=nowhere":   `no workspace "nowhere" is loaded`,
		"audit outcome=meh":  `outcome "meh" is not one of`,
		"audit colour=green": `unknown filter "colour"`,
		"theme neon":         `unknown theme "neon"`,
	} {
		keys(r, ":", line, "enter")
		if got := r.Status().Text; !strings.Contains(got, want) {
			t.Errorf(":%s → status %q, want %q", line, got, want)
		}
	}
}

func TestQuitCommandQuits(t *testing.T) {
	t.Parallel()
	r := loadedRoot(t, Options{})
	keys(r, ":", "q")
	_, cmd := r.Update(tea.KeyPressMsg{Code: tea.KeyEnter})
	if cmd == nil {
		t.Fatal(":q returned no command")
	}
	if _, ok := cmd().(tea.QuitMsg); !ok {
		t.Error(":q did not quit")
	}
}

func TestThemeCommandRestyles(t *testing.T) {
	t.Parallel()
	r := loadedRoot(t, Options{})
	before := r.Render()
	keys(r, ":", "theme light", "enter")
	if r.theme.Name != "light" {
		t.Fatalf("theme is %s", r.theme.Name)
	}
	after := r.Render()
	// The status line says "theme light"; everything above must read the same.
	body := func(s string) string {
		lines := strings.Split(plain(s), "\n")
		return strings.Join(lines[:len(lines)-2], "\n")
	}
	if before == after || body(before) != body(after) {
		t.Error("a theme change should change colours only, not text")
	}
}

func TestExtraCommandsJoinTheTable(t *testing.T) {
	t.Parallel()
	ran := false
	r := loadedRoot(t, Options{Commands: []Command{{Name: "genesis", Aliases: []string{"gn"}, Help: "provisioning",
		Run: func(*Root, []string) tea.Cmd { ran = true; return nil }}}})
	keys(r, ":", "gn", "enter")
	if !ran {
		t.Error("an added command did not run")
	}
	keys(r, "?")
	mustContain(t, plain(r.Render()), ":genesis (gn)")
}

func TestReadOnlyShowsNoChangingKeys(t *testing.T) {
	t.Parallel()
	r := loadedRoot(t, Options{ReadOnly: true})
	keys(r, "tab", "?")
	screen := plain(r.Render())
	mustContain(t, screen, "READ-ONLY")
	for _, k := range []string{"activate/pause", "mark", "freeze"} {
		if strings.Contains(screen, k) {
			t.Errorf("read-only help offers %q", k)
		}
	}
}

func TestViewerSeesRoleAndNoToggle(t *testing.T) {
	t.Parallel()
	f := fleetFixture(t)
	r := newRoot(f.As(f.Member("florida", model.RoleViewer)), Options{})
	sized(r, 160, 45)
	deliver(r, r.Init())
	keys(r, "tab")
	screen := plain(r.Render())
	mustContain(t, screen, "viewer.florida@florida.example.com · viewer of florida")
	if strings.Contains(screen, "activate/pause") {
		t.Error("viewer footer offers the toggle")
	}
	keys(r, "space")
	mustContain(t, r.Status().Text, "a viewer may not toggle")
}

func TestMouseClickSelectsAndFocuses(t *testing.T) {
	t.Parallel()
	r := loadedRoot(t, Options{})
	// Row 3 of the campaigns pane: header line 0, pane border 1, column
	// header 2, rows from 3; the campaigns pane starts at x=48.
	_, cmd := r.Update(tea.MouseClickMsg{X: 60, Y: 1 + 1 + 1 + 2, Button: tea.MouseLeft})
	deliver(r, cmd)
	if r.Fleet().Focus() != fleet.Campaigns {
		t.Fatalf("click did not focus the campaigns pane")
	}
	if c, _ := r.Fleet().SelectedCampaign(); c.Name != "Email 3" {
		t.Errorf("click selected %q, want the third campaign", c.Name)
	}
	_, cmd = r.Update(tea.MouseWheelMsg{X: 10, Y: 10, Button: tea.MouseWheelDown})
	deliver(r, cmd)
	if w, _ := r.Fleet().SelectedWorkspace(); r.Fleet().Focus() != fleet.Workspaces || w.Slug != "kentucky" {
		t.Errorf("wheel over workspaces: focus %s, selected %s", r.Fleet().Focus(), w.Slug)
	}
}

// TestNoColourLiteralInUI keeps every colour in the themes package.
func TestNoColourLiteralInUI(t *testing.T) {
	t.Parallel()
	bad := regexp.MustCompile(`lipgloss\.(Color|ANSIColor|RGBColor)\(|"#[0-9a-fA-F]{3,6}"|\.(Foreground|Background|BorderForeground)\(lipgloss\.`)
	err := filepath.WalkDir(".", func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for i, line := range strings.Split(string(src), "\n") {
			if bad.MatchString(line) {
				t.Errorf("%s:%d names a colour; take it from themes: %s", path, i+1, strings.TrimSpace(line))
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
