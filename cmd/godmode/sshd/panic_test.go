package sshd

import (
	"strings"
	"testing"

	"charm.land/ssh"
)

const panicMessage = "godmode: this session hit an internal error and was closed; the error is logged"

// TestPanicInOneConsoleLeavesTheOtherWorking: two consoles of two users;
// one's model panics in Update on a key. That session ends with a short
// message and exit status 1, the panic is logged with its user and stack,
// and the other console still answers keys, as does a new session.
func TestPanicInOneConsoleLeavesTheOtherWorking(t *testing.T) {
	logger, logs := testLogger()
	g := New(Config{Logger: logger})
	keys := newKeyring()
	alice, bob := newSigner(t), newSigner(t)
	keys.add(alice, "alice@example.com")
	keys.add(bob, "bob@example.com")
	addr := serve(t, g, keys, nil, g.TeaMiddleware(counterConsole(0)))

	consoleOf := func(s ssh.Signer) *client {
		c, err := dialKey(addr, "godmode", s)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = c.Close() })
		cl := open(t, c, "")
		cl.waitOutput(t, "keys=zero")
		return cl
	}
	a, b := consoleOf(alice), consoleOf(bob)

	if _, err := a.in.Write([]byte("p")); err != nil {
		t.Fatal(err)
	}
	if code := a.waitEnd(t); code != 1 {
		t.Errorf("the session that panicked ended with %d, want exit status 1", code)
	}
	if !strings.Contains(a.output(), panicMessage) {
		t.Errorf("the session that panicked printed %q, want %q in it", a.output(), panicMessage)
	}
	if strings.Contains(a.output(), "goroutine") || strings.Contains(a.output(), "the counter broke") {
		t.Errorf("the client was shown the panic or its stack: %q", a.output())
	}

	if _, err := b.in.Write([]byte("x")); err != nil {
		t.Fatal(err)
	}
	b.waitOutput(t, "one")
	consoleOf(alice) // the server still takes new sessions

	if n := g.metrics.refusalCount(ReasonPanic); n != 1 {
		t.Errorf("panic count = %d, want 1", n)
	}
	l := logs.String()
	for _, s := range []string{`"msg":"ssh session panicked","user":"alice@example.com"`, `"panic":"the counter broke"`, `"stack":"goroutine `, `counter).Update`} {
		if !strings.Contains(l, s) {
			t.Errorf("the log has no %s:\n%s", s, l)
		}
	}
}

// TestPanicInCommandEndsThatSessionOnly: a command handler (no terminal)
// that panics ends with the message on stderr and exit status 1; the next
// command on the same connection runs.
func TestPanicInCommandEndsThatSessionOnly(t *testing.T) {
	logger, logs := testLogger()
	g := New(Config{Logger: logger})
	keys := newKeyring()
	alice := newSigner(t)
	keys.add(alice, "alice@example.com")
	addr := serve(t, g, keys, func(s ssh.Session) {
		if s.RawCommand() == "boom" {
			panic("the command broke")
		}
		_, _ = s.Write([]byte("fine\n"))
	})
	c, err := dialKey(addr, "godmode", alice)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()

	boom := open(t, c, "boom")
	if code := boom.waitEnd(t); code != 1 {
		t.Errorf("the panicking command ended with %d, want 1", code)
	}
	if got := boom.errOut.String(); got != panicMessage+"\n" {
		t.Errorf("the panicking command printed %q on stderr, want the message", got)
	}
	fine := open(t, c, "fine")
	if code := fine.waitEnd(t); code != 0 || fine.out.String() != "fine\n" {
		t.Errorf("the next command: exit %d, output %q", code, fine.out.String())
	}
	if !strings.Contains(logs.String(), `"msg":"ssh session panicked","user":"alice@example.com"`) {
		t.Errorf("the panic is not logged with its user:\n%s", logs.String())
	}
}

// TestPanicInViewOrBatchedCommandIsContainedToo: a panic in View or in a
// command of a tea.Batch ends the console the same way as one in Update.
func TestPanicInViewOrBatchedCommandIsContainedToo(t *testing.T) {
	for key, value := range map[string]string{"v": "the view broke", "b": "the batch broke"} {
		t.Run(value, func(t *testing.T) {
			logger, logs := testLogger()
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
			cl := open(t, c, "")
			cl.waitOutput(t, "keys=zero")
			if _, err := cl.in.Write([]byte(key)); err != nil {
				t.Fatal(err)
			}
			if code := cl.waitEnd(t); code != 1 || !strings.Contains(cl.output(), panicMessage) {
				t.Errorf("ended with %d, printed %q; want 1 and the message", code, cl.output())
			}
			if !strings.Contains(logs.String(), `"panic":"`+value+`"`) {
				t.Errorf("the log has no panic %q:\n%s", value, logs.String())
			}
		})
	}
}
