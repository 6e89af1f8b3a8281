package sshd

import (
	"sync"

	"charm.land/ssh"
)

// connKey is the ssh.Context key of a connection's authState.
type connKey struct{}

// authState is what the Guard remembers about one connection's attempts.
// A connection counts as one failure however many keys it offered (an
// agent offers each of its keys in turn, and the server allows a few per
// connection), and that failure is taken back when the connection goes on
// to authenticate and open a session.
type authState struct {
	mu       sync.Mutex
	addr     string          // the address failure counted, "" if none
	names    map[string]bool // the login names failures counted for
	counted  map[Reason]bool // the reasons already counted in metrics
	forgiven bool
}

func stateOfConn(ctx ssh.Context) *authState {
	ctx.Lock()
	defer ctx.Unlock()
	if a, ok := ctx.Value(connKey{}).(*authState); ok {
		return a
	}
	a := &authState{names: map[string]bool{}, counted: map[Reason]bool{}}
	ctx.SetValue(connKey{}, a)
	return a
}

// countOnce reports whether r is the first time this connection is
// refused for r, so that metrics count connections, not keys offered.
func (a *authState) countOnce(r Reason) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.counted[r] {
		return false
	}
	a.counted[r] = true
	return true
}

// PublicKeyHandler wraps the auth layer's key check: an address or login
// name in its cool-down is refused without inner being asked (no key
// lookup for a guesser), and a key inner refuses counts a failure.
func (g *Guard) PublicKeyHandler(inner ssh.PublicKeyHandler) ssh.PublicKeyHandler {
	return func(ctx ssh.Context, key ssh.PublicKey) bool {
		if g.rateLimited(ctx) {
			return false
		}
		if inner != nil && inner(ctx, key) {
			return true
		}
		g.authFailed(ctx, ReasonUnknownKey, Fingerprint(key))
		return false
	}
}

// PasswordHandler refuses every password, counting it as a failure: only
// keys get in, but a password guesser still meets the rate limit and shows
// in the metrics. The password itself is never looked at or logged.
//
// Offering password authentication makes an OpenSSH client whose keys were
// refused prompt for one; a server that prefers a plain "permission
// denied" leaves this handler out and loses only the count.
func (g *Guard) PasswordHandler() ssh.PasswordHandler {
	return func(ctx ssh.Context, _ string) bool {
		if !g.rateLimited(ctx) {
			g.authFailed(ctx, ReasonPassword, "")
		}
		return false
	}
}

func (g *Guard) rateLimited(ctx ssh.Context) bool {
	addr, name := remoteHost(ctx.RemoteAddr()), loginName(ctx)
	if !g.addrLimit.blocked(addr) && !g.userLimit.blocked(name) {
		return false
	}
	if stateOfConn(ctx).countOnce(ReasonRateLimited) {
		g.metrics.refused(ReasonRateLimited)
		g.log.Warn("ssh auth refused", "reason", string(ReasonRateLimited),
			"ssh_user", name, "remote", ctx.RemoteAddr().String())
	}
	return true
}

func (g *Guard) authFailed(ctx ssh.Context, r Reason, fingerprint string) {
	addr, name := remoteHost(ctx.RemoteAddr()), loginName(ctx)
	a := stateOfConn(ctx)
	if a.countOnce(r) {
		g.metrics.refused(r)
	}
	attrs := []any{"reason", string(r), "ssh_user", name, "remote", ctx.RemoteAddr().String()}
	if fingerprint != "" {
		attrs = append(attrs, "fingerprint", fingerprint)
	}
	g.log.Warn("ssh auth refused", attrs...)

	a.mu.Lock()
	countAddr := a.addr == ""
	if countAddr {
		a.addr = addr
	}
	countName := !a.names[name]
	a.names[name] = true
	a.mu.Unlock()
	if countAddr && g.addrLimit.fail(addr) {
		g.log.Warn("ssh auth rate limit reached", "remote", addr,
			"failures", g.cfg.AuthFailuresPerAddr, "within", g.cfg.AuthWindow.String(), "refused_for", g.cfg.AuthCooldown.String())
	}
	if countName && g.userLimit.fail(name) {
		g.log.Warn("ssh auth rate limit reached", "ssh_user", name,
			"failures", g.cfg.AuthFailuresPerUser, "within", g.cfg.AuthWindow.String(), "refused_for", g.cfg.AuthCooldown.String())
	}
}

// forgiveAuth takes back the failures of a connection that authenticated:
// called when it opens a session, which needs a proven key (a key the
// auth layer accepted is only offered until the client signs with it).
func (g *Guard) forgiveAuth(ctx ssh.Context) {
	a, ok := ctx.Value(connKey{}).(*authState)
	if !ok {
		return
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.forgiven {
		return
	}
	a.forgiven = true
	if a.addr != "" {
		g.addrLimit.forgive(a.addr)
	}
	for n := range a.names {
		g.userLimit.forgive(n)
	}
}
