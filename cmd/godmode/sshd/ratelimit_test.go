package sshd

import (
	"fmt"
	"strings"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"
)

// TestRateLimitPerAddressThenCooldown: after 3 connections from one address
// offered unknown keys, even a known key is refused without being looked
// up, until the cool-down has passed.
func TestRateLimitPerAddressThenCooldown(t *testing.T) {
	logger, logs := testLogger()
	const cooldown = 400 * time.Millisecond
	g := New(Config{AuthFailuresPerAddr: 3, AuthWindow: time.Minute, AuthCooldown: cooldown, Logger: logger})
	keys := newKeyring()
	alice, stranger := newSigner(t), newSigner(t)
	keys.add(alice, "alice@example.com")
	addr := serve(t, g, keys, holdHandler)

	for i := range 3 {
		if c, err := dialKey(addr, "godmode", stranger); err == nil {
			c.Close()
			t.Fatalf("attempt %d with an unknown key got in", i+1)
		}
	}
	asked := keys.asked.Load()
	blockedAt := time.Now()
	if c, err := dialKey(addr, "godmode", alice); err == nil {
		c.Close()
		t.Fatal("a known key got in from an address in its cool-down")
	}
	if time.Since(blockedAt) >= cooldown {
		t.Fatal("the refused attempt took longer than the cool-down; the test proves nothing on this machine")
	}
	if n := keys.asked.Load(); n != asked {
		t.Errorf("the auth layer was asked %d more times during the cool-down, want 0", n-asked)
	}

	time.Sleep(time.Until(blockedAt.Add(cooldown)))
	c, err := dialKey(addr, "godmode", alice)
	if err != nil {
		t.Fatalf("alice after the cool-down: %v", err)
	}
	c.Close()

	if n := g.metrics.refusalCount(ReasonUnknownKey); n != 3 {
		t.Errorf("unknown_key refusals = %d, want 3", n)
	}
	if n := g.metrics.refusalCount(ReasonRateLimited); n != 1 {
		t.Errorf("rate_limited refusals = %d, want 1", n)
	}
	l := logs.String()
	for _, s := range []string{
		`"msg":"ssh auth refused","reason":"unknown_key","ssh_user":"godmode","remote":"127.0.0.1:`,
		`"fingerprint":"` + gossh.FingerprintSHA256(stranger.PublicKey()) + `"`,
		`"msg":"ssh auth rate limit reached","remote":"127.0.0.1"`,
		`"reason":"rate_limited"`,
	} {
		if !strings.Contains(l, s) {
			t.Errorf("the log has no %s:\n%s", s, l)
		}
	}
	if strings.Contains(l, "ssh-ed25519 ") || strings.Contains(l, string(stranger.PublicKey().Marshal())) {
		t.Errorf("the log holds key material:\n%s", l)
	}
}

// TestRateLimitPerLoginName: failures for one login name lock that name
// out, from wherever, while another name from the same address still
// gets in; passwords count as failures too.
func TestRateLimitPerLoginName(t *testing.T) {
	logger, logs := testLogger()
	g := New(Config{AuthFailuresPerUser: 2, AuthWindow: time.Minute, AuthCooldown: time.Minute, Logger: logger})
	keys := newKeyring()
	alice, stranger := newSigner(t), newSigner(t)
	keys.add(alice, "alice@example.com")
	addr := serve(t, g, keys, holdHandler)

	if c, err := dialKey(addr, "alice", stranger); err == nil {
		c.Close()
		t.Fatal("an unknown key got in")
	}
	if c, err := dial(addr, "alice", gossh.Password("hunter2")); err == nil {
		c.Close()
		t.Fatal("a password got in")
	}
	if c, err := dialKey(addr, "alice", alice); err == nil {
		c.Close()
		t.Fatal("the login name alice got in during its cool-down")
	}
	if c, err := dialFrom("127.0.0.2", addr, "alice", gossh.PublicKeys(alice)); err == nil {
		c.Close()
		t.Fatal("the login name alice got in from another address during its cool-down")
	}
	c, err := dialKey(addr, "someone-else", alice)
	if err != nil {
		t.Fatalf("another login name from the same address: %v", err)
	}
	c.Close()
	if c, err = dialFrom("127.0.0.2", addr, "someone-else", gossh.PublicKeys(alice)); err != nil {
		t.Fatalf("another login name from the other address: %v", err)
	}
	c.Close()
	if strings.Contains(logs.String(), "hunter2") {
		t.Errorf("the password is in the log:\n%s", logs.String())
	}
	if n := g.metrics.refusalCount(ReasonPassword); n != 1 {
		t.Errorf("password refusals = %d, want 1", n)
	}
}

// TestSeveralKeysInOneConnectionAreOneForgivenFailure: an agent that offers
// a wrong key before the right one, connection after connection, is a
// person logging in, not a guesser: it is never locked out.
func TestSeveralKeysInOneConnectionAreOneForgivenFailure(t *testing.T) {
	logger, _ := testLogger()
	g := New(Config{AuthFailuresPerAddr: 2, AuthFailuresPerUser: 2, AuthWindow: time.Minute, AuthCooldown: time.Minute, Logger: logger})
	keys := newKeyring()
	alice, old1, old2 := newSigner(t), newSigner(t), newSigner(t)
	keys.add(alice, "alice@example.com")
	addr := serve(t, g, keys, holdHandler)

	for i := range 5 {
		c, err := dialKey(addr, "alice", old1, old2, alice)
		if err != nil {
			t.Fatalf("login %d: %v", i+1, err)
		}
		cl := open(t, c, "hold")
		cl.waitOutput(t, "ready")
		_ = cl.in.Close()
		cl.waitEnd(t)
		c.Close()
	}
	if n := g.metrics.refusalCount(ReasonUnknownKey); n != 5 {
		t.Errorf("unknown_key refusals = %d, want 5 (one per connection, not per key)", n)
	}
}

func TestFailureLimiterWindowAndCooldown(t *testing.T) {
	now := time.Unix(1000, 0)
	l := newFailureLimiter(3, time.Minute, 5*time.Minute, 100)
	l.now = func() time.Time { return now }

	l.fail("a")
	l.fail("a")
	now = now.Add(61 * time.Second) // the window is over: the count starts again
	if l.fail("a") || l.fail("a") {
		t.Fatal("blocked after 2 failures in the new window")
	}
	if !l.fail("a") {
		t.Fatal("not blocked after 3 failures within a window")
	}
	if !l.blocked("a") || l.blocked("b") {
		t.Fatal("blocked should be a, and only a")
	}
	now = now.Add(5*time.Minute - time.Second)
	l.fail("a") // refused while blocked: does not extend the block
	if !l.blocked("a") {
		t.Fatal("a unblocked before its cool-down ended")
	}
	now = now.Add(time.Second)
	if l.blocked("a") {
		t.Fatal("a still blocked after its cool-down")
	}
}

func TestFailureLimiterForgive(t *testing.T) {
	l := newFailureLimiter(2, time.Minute, time.Minute, 100)
	l.fail("a")
	l.forgive("a")
	if l.fail("a") {
		t.Fatal("blocked after one failure and one forgiven")
	}
}

// TestFailureLimiterStaysBounded: an attacker cycling through addresses
// cannot grow the limiter past its size, and the addresses it blocked are
// the last it forgets.
func TestFailureLimiterStaysBounded(t *testing.T) {
	l := newFailureLimiter(2, time.Minute, time.Hour, 100)
	for i := range 10 {
		l.fail(fmt.Sprintf("blocked-%d", i))
		l.fail(fmt.Sprintf("blocked-%d", i))
	}
	for i := range 10000 {
		l.fail(fmt.Sprintf("10.0.%d.%d", i/256, i%256))
	}
	if n := l.tracked(); n > 100 {
		t.Fatalf("the limiter remembers %d keys, want at most 100", n)
	}
	for i := range 10 {
		if !l.blocked(fmt.Sprintf("blocked-%d", i)) {
			t.Errorf("blocked-%d was forgotten while unblocked keys could have gone", i)
		}
	}
}

// BenchmarkFailureLimiterFull is the cost of one failure from a new
// address when the limiter is full of live entries: what an attacker
// cycling addresses makes the server pay per refused connection.
func BenchmarkFailureLimiterFull(b *testing.B) {
	l := newFailureLimiter(5, time.Minute, 5*time.Minute, 10000)
	for i := range 10000 {
		l.fail(fmt.Sprintf("seed-%d", i))
	}
	keys := make([]string, b.N)
	for i := range keys {
		keys[i] = fmt.Sprintf("new-%d", i)
	}
	b.ResetTimer()
	for i := range b.N {
		l.fail(keys[i])
	}
}
