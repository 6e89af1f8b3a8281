package sshd

import (
	"strings"
	"testing"

	gossh "golang.org/x/crypto/ssh"
)

// TestSessionCaps: with room for 2 sessions, 1 per user, alice's second
// session is refused for the per-user cap and carol's for the total,
// each with a one-line message and exit status 1; once alice leaves,
// carol gets in.
func TestSessionCaps(t *testing.T) {
	logger, logs := testLogger()
	cfg := Config{MaxSessions: 2, MaxSessionsPerUser: 1, Logger: logger}
	g := New(cfg)
	keys := newKeyring()
	alice, bob, carol := newSigner(t), newSigner(t), newSigner(t)
	keys.add(alice, "alice@example.com")
	keys.add(bob, "bob@example.com")
	keys.add(carol, "carol@example.com")
	addr := serve(t, g, keys, holdHandler)

	connect := func(s gossh.Signer) *gossh.Client {
		c, err := dialKey(addr, "godmode", s)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = c.Close() })
		return c
	}
	aliceConn := connect(alice)
	a1 := open(t, aliceConn, "hold")
	a1.waitOutput(t, "ready")

	// A second session of alice's, even on the same connection.
	a2 := open(t, aliceConn, "hold")
	if code := a2.waitEnd(t); code != 1 {
		t.Errorf("alice's second session ended with %d, want exit status 1", code)
	}
	want := "godmode: you have 1 session open, the most one user may; close one or try again later\n"
	if got := a2.errOut.String(); got != want {
		t.Errorf("alice's second session printed %q on stderr, want %q", got, want)
	}

	b := open(t, connect(bob), "hold")
	b.waitOutput(t, "ready")

	c1 := open(t, connect(carol), "hold")
	if code := c1.waitEnd(t); code != 1 {
		t.Errorf("carol's session over the total ended with %d, want 1", code)
	}
	want = "godmode: the server has its maximum of 2 sessions open; try again later\n"
	if got := c1.errOut.String(); got != want {
		t.Errorf("carol's session printed %q, want %q", got, want)
	}

	_ = a1.in.Close()
	if code := a1.waitEnd(t); code != 0 {
		t.Errorf("alice's first session ended with %d, want 0", code)
	}
	eventually(t, "alice's session released", func() bool { return g.Sessions() == 1 })
	c2 := open(t, connect(carol), "hold")
	c2.waitOutput(t, "ready")

	if n := g.metrics.refusalCount(ReasonCapUser); n != 1 {
		t.Errorf("cap_user refusals = %d, want 1", n)
	}
	if n := g.metrics.refusalCount(ReasonCapTotal); n != 1 {
		t.Errorf("cap_total refusals = %d, want 1", n)
	}
	l := logs.String()
	for _, s := range []string{`"msg":"ssh session refused"`, `"reason":"cap_user"`, `"user":"alice@example.com"`, `"reason":"cap_total"`, `"user":"carol@example.com"`, `"fingerprint":"SHA256:`,
		`"msg":"ssh session opened","user":"alice@example.com","fingerprint":"` + gossh.FingerprintSHA256(alice.PublicKey()) + `","remote":"127.0.0.1:`,
		`"pty":false,"command":"hold"`,
		`"msg":"ssh session closed","user":"alice@example.com"`, `"reason":"ended","duration":"`,
	} {
		if !strings.Contains(l, s) {
			t.Errorf("the log has no %s:\n%s", s, l)
		}
	}
}
