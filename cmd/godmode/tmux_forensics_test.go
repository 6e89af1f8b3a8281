package main

import (
	"strings"
	"testing"
)

// TestDemoInTmuxOpensAFailedExecutionAndRetriesIt runs `godmode demo` in
// tmux, opens a failed execution of ohio's Email 1, checks the failed node
// is selected with its error shown, retries it and sees the new execution
// (the demo's n8n fails it again the same way) open with its retryOf.
func TestDemoInTmuxOpensAFailedExecutionAndRetriesIt(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin := buildGodmode(t)
	// The demo's fake n8n behaves like 1.x, then like 2.x.
	for _, major := range []string{"1", "2"} {
		t.Run("n8n-"+major+".x", func(t *testing.T) {
			x := startTmux(t, 160, 45, "GODMODE_DEMO_N8N_MAJOR="+major+" "+bin+" demo; echo godmode exited $?; sleep 600")
			x.waitFor("the fleet", contains("Workspaces [14]"))

			// Workspaces are sorted by slug; ohio is the tenth.
			for range 9 {
				x.keys("j")
			}
			x.waitFor("ohio's campaigns", contains("Campaigns of ohio [8]"))
			x.keys("Tab") // Email 1, the first campaign
			x.waitFor("Email 1's executions", contains("Executions of Email 1"))
			x.keys("Tab", "e")
			// The title turns before the failed executions arrive: wait for
			// a row of them, not only for the title.
			s := x.waitFor("Email 1's failed executions", func(s string) bool {
				return strings.Contains(s, "Executions of Email 1 (error only)") && line(s, "error     ") != ""
			})
			row := line(s, "error     ")
			if row == "" {
				t.Fatalf("no failed execution listed:\n%s", s)
			}
			id := strings.Fields(strings.Trim(row, "│┃ "))[0]

			x.keys("Enter")
			s = x.waitFor("forensics on execution "+id, contains("✗ failed at Email Sender: SMTP 550"))
			if l := line(s, "✗ Email Sender"); !strings.Contains(l, "1→0") {
				t.Errorf("the failed run's row reads %q", l)
			}
			if !strings.Contains(s, "Timeline [3/3]") || !strings.Contains(s, "Inspector · Email Sender (code)") {
				t.Fatalf("the failed run is not the one selected:\n%s", s)
			}
			if !strings.Contains(s, `"message": "SMTP 550: mailbox unavailable for bounce@target.com`) {
				t.Fatalf("the error is not shown in the inspector:\n%s", s)
			}

			x.keys("R")
			x.waitFor("the retry dialog", contains("Retry execution "+id+" of Email 1?"))
			x.keys("w")
			// The header, not the status line, is waited for: the status
			// ("retry of N ended: …") gives way to the next notice (a down
			// instance), and under load a capture can fall between them.
			s = x.waitFor("the retry to be followed and opened", func(s string) bool {
				head := line(s, "Execution ")
				return strings.Contains(head, "retry of "+id) && !strings.Contains(head, "Execution "+id+" ")
			})
			head := line(s, "Execution ")
			if !strings.Contains(head, "retry of "+id) || strings.Contains(head, "Execution "+id+" ") {
				t.Fatalf("the new execution is not the one shown: %q\n%s", head, s)
			}
			if !strings.Contains(s, "✗ failed at Email Sender") {
				t.Errorf("the retry's failure is not shown:\n%s", s)
			}

			x.keys("Escape")
			// The list is drawn at once with the rows it had; the retry joins
			// them at the next refresh (a poll, or the change feed).
			x.waitFor("the retry (mode retry, retry of "+id+") in the executions list", func(s string) bool {
				return strings.Contains(s, "Executions of Email 1 (error only)") && line(s, "retry    "+id) != ""
			})
			x.keys("q")
			x.waitFor("the console to quit cleanly", contains("godmode exited 0"))
		})
	}
}
