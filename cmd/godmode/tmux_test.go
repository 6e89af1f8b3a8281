package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// tmux drives the real binary in a real terminal, the way a person would.
type tmux struct {
	t       *testing.T
	session string
	socket  string
}

func startTmux(t *testing.T, w, h int, command string) *tmux {
	t.Helper()
	if _, err := exec.LookPath("tmux"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("tmux is not installed; .ci/run installs it")
		}
		t.Skip("tmux is not installed")
	}
	x := &tmux{t: t, session: "godmode-test", socket: filepath.Join(t.TempDir(), "tmux.sock")}
	x.run("new-session", "-d", "-s", x.session, "-x", strconv.Itoa(w), "-y", strconv.Itoa(h), command)
	t.Cleanup(func() { exec.Command("tmux", "-S", x.socket, "kill-server").Run() })
	return x
}

func (x *tmux) run(args ...string) string {
	x.t.Helper()
	out, err := exec.Command("tmux", append([]string{"-S", x.socket}, args...)...).CombinedOutput()
	if err != nil {
		x.t.Fatalf("tmux %v: %v: %s", args, err, out)
	}
	return string(out)
}

func (x *tmux) keys(keys ...string) {
	x.run(append([]string{"send-keys", "-t", x.session}, keys...)...)
}

func (x *tmux) screen() string { return x.run("capture-pane", "-t", x.session, "-p") }

// waitFor polls the screen until ok says yes, failing with the last screen.
func (x *tmux) waitFor(what string, ok func(screen string) bool) string {
	x.t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		s := x.screen()
		if ok(s) {
			return s
		}
		if time.Now().After(deadline) {
			x.t.Fatalf("waited 60s for %s; the screen shows:\n%s", what, s)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func contains(sub string) func(string) bool {
	return func(s string) bool { return strings.Contains(s, sub) }
}

// line returns the screen line holding sub.
func line(screen, sub string) string {
	for _, l := range strings.Split(screen, "\n") {
		if strings.Contains(l, sub) {
			return l
		}
	}
	return ""
}

// TestDemoInTmuxTogglesACampaign runs `godmode demo` in tmux, moves to a
// campaign, toggles it, and checks the switch and the audit trail on screen.
func TestDemoInTmuxTogglesACampaign(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin := buildGodmode(t)
	// The demo's fake n8n behaves like 1.x, then like 2.x.
	for _, major := range []string{"1", "2"} {
		t.Run("n8n-"+major+".x", func(t *testing.T) {
			x := startTmux(t, 160, 45, "GODMODE_DEMO_N8N_MAJOR="+major+" "+bin+" demo; echo godmode exited $?; sleep 600")
			x.waitFor("the fleet", contains("Workspaces [14]"))

			// Workspaces are sorted by slug: alaska, then arizona.
			x.keys("j")
			x.waitFor("arizona's campaigns", contains("Campaigns of arizona [8]"))
			x.keys("Tab")
			// Email Preparation is the fourth campaign and runs.
			x.keys("j", "j", "j")
			s := x.waitFor("Email Preparation selected", contains("Executions of Email Preparation"))
			if l := line(s, "Email Preparation  "); !strings.Contains(l, "◉ on") || !strings.Contains(l, "active") {
				t.Fatalf("Email Preparation does not start active:\n%s", s)
			}
			x.keys("Space")
			// The row is the lasting answer: the status line's "is paused" can be
			// replaced at once by a sync announcement landing in the same instant
			// (the toggle's audit row waits for the chain's lock, which a sync
			// cycle holds to its commit), and the audit row below says who and how.
			s = x.waitFor("the switch to settle", func(s string) bool {
				l := line(s, "Email Preparation  ")
				return strings.Contains(l, "○ off") && strings.Contains(l, "paused")
			})

			x.keys(":audit", "Enter")
			// The view draws before its first load answers.
			s = x.waitFor("the toggle in the audit trail", func(s string) bool { return line(s, "toggle") != "" })
			row := line(s, "toggle")
			for _, want := range []string{"you@godmode.demo", "arizona", "ok"} {
				if !strings.Contains(row, want) {
					t.Fatalf("audit row %q lacks %q:\n%s", row, want, s)
				}
			}
			// The demo's sync probed each instance: :instances says which
			// major it behaves like.
			x.keys(":instances", "Enter")
			want := map[string]string{"1": "1.x  ", "2": "2.x pub cred wait"}[major]
			x.waitFor("the instances' capabilities", contains(want))
			x.keys("q")
			x.waitFor("the console to quit cleanly", contains("godmode exited 0"))
		})
	}
}
