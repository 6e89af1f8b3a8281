package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"time"

	"charm.land/ssh"
	gossh "golang.org/x/crypto/ssh"

	"github.com/godmode-console/godmode/cmd/godmode/sshd"
	"github.com/godmode-console/godmode/forensics/safetext"
	"github.com/godmode-console/godmode/model"
)

// extKeyFingerprint is where the public-key callback leaves the
// fingerprint it accepted, for the session to check against the key it
// actually authenticated with.
const extKeyFingerprint = "godmode-key-fp"

// authLookup bounds the Postgres look-up of a key during authentication:
// a slow database must not hold connections open without end.
const authLookup = 5 * time.Second

// publicKey lets in the keys registered in user_keys and nothing else.
// It is asked for every key a client offers, signed or not.
func (sv *server) publicKey(ctx ssh.Context, key ssh.PublicKey) bool {
	fp := gossh.FingerprintSHA256(key)
	lctx, cancel := context.WithTimeout(ctx, authLookup)
	defer cancel()
	u, err := sv.proc.store.UserByKey(lctx, fp)
	if err != nil {
		reason := "unknown key"
		if !errors.Is(err, model.ErrNotFound) {
			reason = "key look-up failed: " + err.Error()
		}
		sv.log.Warn("ssh auth refused", "method", "publickey", "reason", reason, "key", fp,
			"remote", ctx.RemoteAddr().String(), "ssh_user", ctx.User())
		return false
	}
	perms := ctx.Permissions()
	if perms.Extensions == nil {
		perms.Extensions = map[string]string{}
	}
	perms.Extensions[extKeyFingerprint] = fp
	sshd.SetUser(ctx, u.Email) // whose sessions the per-user cap counts
	return true
}

// authLog records the refusals the public-key callback does not see:
// passwords and keyboard-interactive, which godmode never accepts.
func (sv *server) authLog(conn gossh.ConnMetadata, method string, err error) {
	if err == nil || method == "none" || method == "publickey" {
		return
	}
	sv.log.Warn("ssh auth refused", "method", method, "reason", "only public keys are accepted",
		"remote", conn.RemoteAddr().String(), "ssh_user", conn.User())
}

// connectionFailed logs a connection that never became a session: most
// often no key the client offered is registered, or it offered none (a
// client that would type a password is told only public keys are taken,
// and gives up without sending one).
func (sv *server) connectionFailed(conn net.Conn, err error) {
	sv.log.Warn("ssh connection refused", "reason", err.Error(), "remote", conn.RemoteAddr().String())
}

// checkSessionKey is the second look soft-serve takes: the fingerprint
// the public-key callback accepted (authFP) must be the key the session
// authenticated with. They differ when a client offered one key, then
// signed with another, and the callback's last call was not for the key
// that signed: then who the session is cannot be trusted.
func checkSessionKey(authFP string, key ssh.PublicKey) (string, error) {
	if key == nil {
		return "", errors.New("the session authenticated without a public key")
	}
	fp := gossh.FingerprintSHA256(key)
	if authFP == "" || authFP != fp {
		return "", fmt.Errorf("the session's key %s is not the key %s that was checked", fp, dashIfNone(authFP))
	}
	return fp, nil
}

func dashIfNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

// actorFor is the registered user a key belongs to, with their roles now,
// as a local GODMODE_USER is built (model re-reads the roles at every
// authorisation, so a revoke holds in sessions already open).
func (sv *server) actorFor(ctx context.Context, fp string) (model.Actor, error) {
	lctx, cancel := context.WithTimeout(ctx, authLookup)
	defer cancel()
	u, err := sv.proc.store.UserByKey(lctx, fp)
	if err != nil {
		return model.Actor{}, fmt.Errorf("key %s: %w", fp, err)
	}
	a, err := sv.proc.store.Actor(lctx, u, fp)
	if err != nil {
		return model.Actor{}, fmt.Errorf("%s: %w", safetext.Line(u.Email), err)
	}
	return a, nil
}
