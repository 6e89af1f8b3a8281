package main

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"

	"github.com/godmode-console/godmode/model"
)

// fleetScreen is what the console shows ohio's people when it opens.
var fleetScreen = []string{"Campaigns of ohio", "Email-1", "Followup"}

func TestAKnownKeyGetsTheConsoleAndItsKeys(t *testing.T) {
	f := newScriptFleet(t)
	sv := startServe(t)
	c := sv.dial(t, f.member)
	sc := openConsoleOver(t, c, 120, 40, nil)
	sc.waitScreen(10*time.Second, append([]string{"member@ohio.io · member of ohio"}, fleetScreen...)...)
	sc.typeKeys(":audit\r")
	sc.waitScreen(5*time.Second, "Audit trail", "local:", "Followup")
	// The window follows the client's: at 200 columns the frame is wider
	// than 120 could hold.
	sc.resize(200, 50)
	sc.waitScreen(5*time.Second, strings.Repeat("━", 150))
	fp := gossh.FingerprintSHA256(mustSigner(t, f.member).PublicKey())
	sv.waitLog(t, "ssh session opened", map[string]string{"user": "member@ohio.io", "fingerprint": fp, "remote": c.LocalAddr().String()})
	sc.typeKeys(":q\r")
	select {
	case <-sc.ended:
	case <-time.After(5 * time.Second):
		t.Fatal("the session did not end within 5s of :q")
	}
	sv.waitLog(t, "ssh session closed", map[string]string{"user": "member@ohio.io", "fingerprint": fp, "remote": c.LocalAddr().String()})
}

func mustSigner(t *testing.T, key any) gossh.Signer {
	t.Helper()
	s, err := gossh.NewSignerFromKey(key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestAMemberConsoleOverSSHShowsNothingOfAnotherWorkspace(t *testing.T) {
	f := newScriptFleet(t)
	sv := startServe(t)
	sc := openConsoleOver(t, sv.dial(t, f.member), 160, 40, nil)
	sc.waitScreen(10*time.Second, fleetScreen...)
	for _, step := range []struct{ keys, want string }{
		{":audit\r", "Audit trail"}, {":drift\r", "Ohio stray"},
	} {
		sc.typeKeys(step.keys)
		sc.waitScreen(5*time.Second, step.want)
		time.Sleep(300 * time.Millisecond) // let the screen's rows land before reading it
	}
	out := strings.ToLower(sc.text())
	for _, name := range texasNames {
		if strings.Contains(out, strings.ToLower(name)) {
			t.Errorf("ohio's member's console over SSH shows %q", name)
		}
	}
}

func TestAViewersToggleInTheConsoleIsRefusedAndAudited(t *testing.T) {
	f := newScriptFleet(t)
	sv := startServe(t)
	sc := openConsoleOver(t, sv.dial(t, f.viewer), 120, 40, nil)
	sc.waitScreen(10*time.Second, fleetScreen...)
	sc.typeKeys("\t ") // the campaigns pane, space on its first row: Email-1
	sc.waitScreen(5*time.Second, "refused")
	waitAudit(t, f, "viewer@ohio.io", 1)
	if wf, _ := f.fake.Workflow(f.email1.N8nWorkflowID); !wf.Active {
		t.Error("the viewer's toggle reached n8n")
	}
}

// waitAudit waits for n refused toggles by actor.
func waitAudit(t *testing.T, f scriptFleet, actor string, n int) []model.AuditEntry {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		rows, err := f.store.Audit(context.Background(), model.AuditFilter{Actor: actor, Outcome: model.OutcomeFailed})
		if err != nil {
			t.Fatal(err)
		}
		rows = slices.DeleteFunc(rows, func(r model.AuditEntry) bool { return r.Action != "toggle" })
		if len(rows) >= n {
			for _, r := range rows {
				if r.Action != "toggle" || r.CampaignName != "Email-1" || !strings.Contains(r.Error, "forbidden") || r.KeyFingerprint == "" {
					t.Errorf("refusal on the record: %+v", r)
				}
			}
			return rows
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d refused rows by %s within 5s, want %d: %+v", len(rows), actor, n, rows)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func TestTwoSessionsSeeEachOthersToggleWithinASecond(t *testing.T) {
	f := newScriptFleet(t)
	sv := startServe(t)
	a := openConsoleOver(t, sv.dial(t, f.member), 120, 40, nil)
	b := openConsoleOver(t, sv.dial(t, f.member), 120, 40, nil)
	a.waitScreen(10*time.Second, fleetScreen...)
	b.waitScreen(10*time.Second, fleetScreen...)
	time.Sleep(500 * time.Millisecond) // both settled, their polls done
	a.typeKeys("\t ")                  // pause Email-1 in session a
	b.waitScreen(time.Second, "off  Email-1")
}

func TestARevokedMemberCanNoLongerActInAnOpenSession(t *testing.T) {
	f := newScriptFleet(t)
	sv := startServe(t)
	c := sv.dial(t, f.member)
	sc := openConsoleOver(t, c, 120, 40, nil)
	sc.waitScreen(10*time.Second, fleetScreen...)
	if out, errOut, code := godmode(t, "", "users", "revoke", "member@ohio.io", "--workspace", "ohio"); code != 0 {
		t.Fatalf("users revoke: exit %d %s %s", code, out, errOut)
	}
	// The console's snapshot still says member; the model re-reads.
	sc.typeKeys("\t ")
	waitAudit(t, f, "member@ohio.io", 1)
	// And a command on the connection opened before the revoke.
	out, errOut, code := sshRun(t, c, "", "toggle", "ohio/Email-1", "--off", "--json")
	if code != 1 || !strings.Contains(errOut, "forbidden") || decode[toggleJSON](t, out).Outcome != "failed" {
		t.Errorf("toggle after the revoke: exit %d %q %q", code, out, errOut)
	}
	waitAudit(t, f, "member@ohio.io", 2)
	if wf, _ := f.fake.Workflow(f.email1.N8nWorkflowID); !wf.Active {
		t.Error("the revoked member's toggle reached n8n")
	}
}

// The colours are the client's terminal's, not the server's: a server
// started with NO_COLOR and TERM=dumb still draws colour for a client
// whose terminal has it, and none for a client that says NO_COLOR.
func TestTheColourProfileIsTheClientsTerminals(t *testing.T) {
	f := newScriptFleet(t)
	t.Setenv("NO_COLOR", "1")
	t.Setenv("TERM", "dumb")
	sv := startServe(t)
	colour := openConsoleOver(t, sv.dial(t, f.member), 120, 40, map[string]string{"COLORTERM": "truecolor"})
	plain := openConsoleOver(t, sv.dial(t, f.member), 120, 40, map[string]string{"NO_COLOR": "1"})
	colour.waitScreen(10*time.Second, fleetScreen...)
	plain.waitScreen(10*time.Second, fleetScreen...)
	if !strings.Contains(colour.raw(), "\x1b[38;2;") {
		t.Error("a truecolor client got no truecolor foreground from a server started with NO_COLOR and TERM=dumb")
	}
	if strings.Contains(plain.raw(), "\x1b[38;") {
		t.Error("a client that says NO_COLOR got coloured text")
	}
}

func TestServeEndsOnSIGTERMWithASessionOpen(t *testing.T) {
	f := newScriptFleet(t)
	sv := startServe(t)
	sc := openConsoleOver(t, sv.dial(t, f.member), 120, 40, nil)
	sc.waitScreen(10*time.Second, fleetScreen...)
	sv.stop()
	select {
	case code := <-sv.exited:
		if code != 0 {
			t.Errorf("serve exited %d after SIGTERM", code)
		}
	case <-time.After(shutdownGrace + 5*time.Second):
		t.Fatalf("serve had not exited %s after SIGTERM with a session open", shutdownGrace+5*time.Second)
	}
	select {
	case <-sc.ended:
	case <-time.After(5 * time.Second):
		t.Error("the open session was not ended when serve exited")
	}
}
