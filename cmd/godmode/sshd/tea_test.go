package sshd

import (
	"testing"

	"charm.land/ssh"
)

// TestClosingOneConsoleOfASharedConnectionEndsIt: a client closing one
// console's channel while keeping its connection (OpenSSH's ControlMaster)
// ends that console and frees its slot; the connection's other session
// goes on.
func TestClosingOneConsoleOfASharedConnectionEndsIt(t *testing.T) {
	logger, _ := testLogger()
	g := New(Config{Logger: logger})
	keys := newKeyring()
	alice := newSigner(t)
	keys.add(alice, "alice@example.com")
	addr := serve(t, g, keys, nil, g.TeaMiddleware(counterConsole(0)))
	c, err := dialKey(addr, "godmode", alice)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	first, second := open(t, c, ""), open(t, c, "")
	first.waitOutput(t, "keys=zero")
	second.waitOutput(t, "keys=zero")

	_ = first.sess.Close()
	eventually(t, "the closed console's slot freed", func() bool { return g.Sessions() == 1 })
	if _, err := second.in.Write([]byte("x")); err != nil {
		t.Fatal(err)
	}
	second.waitOutput(t, "one")
}

// TestConsoleOrCommandBySession: behind TeaMiddleware, a session with a
// terminal gets the console and one without reaches the commands.
func TestConsoleOrCommandBySession(t *testing.T) {
	logger, _ := testLogger()
	g := New(Config{Logger: logger})
	keys := newKeyring()
	alice := newSigner(t)
	keys.add(alice, "alice@example.com")
	commands := func(ssh.Handler) ssh.Handler {
		return func(s ssh.Session) { _, _ = s.Write([]byte("ran " + s.RawCommand() + "\n")) }
	}
	addr := serve(t, g, keys, nil, commands, g.TeaMiddleware(counterConsole(0)))
	c, err := dialKey(addr, "godmode", alice)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	cmd := open(t, c, "campaigns --json")
	if code := cmd.waitEnd(t); code != 0 || cmd.out.String() != "ran campaigns --json\n" {
		t.Errorf("the command: exit %d, stdout %q, stderr %q", code, cmd.out.String(), cmd.errOut.String())
	}
	open(t, c, "").waitOutput(t, "keys=zero")
}
