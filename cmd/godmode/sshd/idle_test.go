package sshd

import (
	"strings"
	"testing"
	"time"

	"charm.land/ssh"
)

// TestIdleCountsKeystrokesNotRedraws: a console that redraws every 20 ms
// stays open while keys arrive more often than the idle timeout, and is
// closed, with the reason, once they stop, though it kept writing.
func TestIdleCountsKeystrokesNotRedraws(t *testing.T) {
	logger, logs := testLogger()
	const idle = 400 * time.Millisecond
	g := New(Config{IdleTimeout: idle, Logger: logger})
	keys := newKeyring()
	alice := newSigner(t)
	keys.add(alice, "alice@example.com")
	addr := serve(t, g, keys, nil, g.TeaMiddleware(counterConsole(20*time.Millisecond)))
	c, err := dialKey(addr, "godmode", alice)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	cl := open(t, c, "")
	cl.waitOutput(t, "keys=zero")

	// Keys every idle/2 for 3 idle periods: the session must stay.
	typing := time.Now()
	for range 6 {
		time.Sleep(idle / 2)
		select {
		case <-cl.ended:
			t.Fatalf("closed %s after the first of keys arriving every %s; it printed %q", time.Since(typing), idle/2, cl.output())
		default:
		}
		if _, err := cl.in.Write([]byte("x")); err != nil {
			t.Fatal(err)
		}
	}
	lastKey := time.Now()
	before := len(cl.output())

	code := cl.waitEnd(t)
	quiet := time.Since(lastKey)
	if code != 1 {
		t.Errorf("the idle session ended with %d, want exit status 1", code)
	}
	if quiet < idle {
		t.Errorf("closed %s after the last key, before the idle timeout of %s", quiet, idle)
	}
	out := cl.output()
	told := strings.Index(out, "godmode: closed after 400ms without a keystroke")
	if told < 0 {
		t.Fatalf("the session was not told why; it printed %q", out)
	}
	if restored := strings.LastIndex(out, "\x1b[?25h"); restored < 0 || restored > told {
		t.Errorf("the message was not printed after the console gave the terminal back (cursor shown at %d, message at %d)", restored, told)
	}
	// The ticks redraw the count's last digit: at 20 ms, a dozen redraws
	// within the quiet 400 ms; fewer than 5 would mean nothing was written.
	if n := strings.Count(out[before:told], "\x1b[D"); n < 5 {
		t.Errorf("the console redrew %d times between the last key and the close, so this test shows nothing about redraws: %q", n, out[before:told])
	}
	if n := g.metrics.refusalCount(ReasonIdle); n != 1 {
		t.Errorf("idle_closed = %d, want 1", n)
	}
	eventually(t, "the closed session released", func() bool { return g.Sessions() == 0 })
	if !strings.Contains(logs.String(), `"msg":"ssh session closing","user":"alice@example.com"`) ||
		!strings.Contains(logs.String(), `"msg":"ssh session closed","user":"alice@example.com"`) ||
		!strings.Contains(logs.String(), `"reason":"idle_closed"`) {
		t.Errorf("the idle close is not logged with its user and reason:\n%s", logs.String())
	}
}

// TestIdleClosesACommandWaitingOnStdin: a command (no terminal) whose
// stdin never brings anything is closed too, with the message on stderr.
func TestIdleClosesACommandWaitingOnStdin(t *testing.T) {
	logger, _ := testLogger()
	g := New(Config{IdleTimeout: 200 * time.Millisecond, Logger: logger})
	keys := newKeyring()
	alice := newSigner(t)
	keys.add(alice, "alice@example.com")
	addr := serve(t, g, keys, holdHandler)
	c, err := dialKey(addr, "godmode", alice)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	cl := open(t, c, "import")
	if code := cl.waitEnd(t); code != 1 {
		t.Errorf("ended with %d, want 1", code)
	}
	if got := cl.errOut.String(); got != "godmode: closed after 200ms without a keystroke\n" {
		t.Errorf("stderr %q", got)
	}
}

func TestShortDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{
		30 * time.Minute: "30m", time.Hour: "1h", 90 * time.Minute: "1h30m",
		45 * time.Second: "45s", 200 * time.Millisecond: "200ms",
	} {
		if got := shortDuration(d); got != want {
			t.Errorf("shortDuration(%s) = %q, want %q", d, got, want)
		}
	}
}

// TestIdleCutsAHandlerThatIgnoresItsClosedChannel: a handler that neither
// reads nor writes (it waits on its connection) is not ended by closing
// its channel; after the grace its connection is cut, so its slot is not
// held forever.
func TestIdleCutsAHandlerThatIgnoresItsClosedChannel(t *testing.T) {
	logger, _ := testLogger()
	g := New(Config{IdleTimeout: 100 * time.Millisecond, Logger: logger})
	g.closeGrace = 100 * time.Millisecond
	keys := newKeyring()
	alice := newSigner(t)
	keys.add(alice, "alice@example.com")
	addr := serve(t, g, keys, func(s ssh.Session) { <-s.Context().Done() })
	c, err := dialKey(addr, "godmode", alice)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	cl := open(t, c, "stuck")
	if code := cl.waitEnd(t); code != 1 {
		t.Errorf("ended with %d, want 1", code)
	}
	eventually(t, "the stuck session released", func() bool { return g.Sessions() == 0 })
}
