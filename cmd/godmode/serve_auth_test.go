package main

import (
	"context"
	"encoding/base64"
	"errors"
	"io"
	"strings"
	"testing"

	gossh "golang.org/x/crypto/ssh"
)

func TestUnknownKeysPasswordsAndKeyboardInteractiveAreRefused(t *testing.T) {
	f := newScriptFleet(t)
	sv := startServe(t)
	stranger, strangerPub := newSSHKey(t)
	if _, err := sv.dialErr(stranger); err == nil || !strings.Contains(err.Error(), "unable to authenticate") {
		t.Errorf("an unknown key: %v, want refused", err)
	}
	fp := gossh.FingerprintSHA256(strangerPub)
	sv.waitLog(t, "ssh auth refused", map[string]string{"method": "publickey", "reason": "unknown key", "key": fp, "ssh_user": "anyone"})

	refused := 1 // the unknown key's connection
	for method, auth := range map[string]gossh.AuthMethod{
		"password": gossh.Password("hunter2"),
		"keyboard-interactive": gossh.KeyboardInteractive(func(string, string, []string, []bool) ([]string, error) {
			return []string{"hunter2"}, nil
		}),
	} {
		if _, err := gossh.Dial("tcp", sv.addr, sv.clientConfig(auth)); err == nil || !strings.Contains(err.Error(), "unable to authenticate") {
			t.Errorf("%s: %v, want refused", method, err)
		}
		// The server offers public keys only, so the client gives up
		// without sending the password: the connection is what is logged.
		refused++
		sv.waitCount(t, "ssh connection refused", refused)
	}
	// A password alongside a registered key changes nothing: the key lets
	// the member in, the password is never asked.
	c, err := gossh.Dial("tcp", sv.addr, sv.clientConfig(gossh.Password("hunter2"), gossh.PublicKeys(mustSigner(t, f.member))))
	if err != nil {
		t.Fatalf("member's key after a refused password: %v", err)
	}
	c.Close()
	log := sv.log.String()
	for _, secret := range []string{"hunter2", base64.StdEncoding.EncodeToString(strangerPub.Marshal())} {
		if strings.Contains(log, secret) {
			t.Errorf("the log holds %q:\n%s", secret, log)
		}
	}
}

// The public-key callback is asked about every key a client offers, and
// the library keeps the permissions of the last one asked: a client that
// offers a registered key, then signs with another, would leave one
// fingerprint in the context and another on the session. The session
// check refuses that.
func TestASessionWhoseKeyIsNotTheCheckedOneIsRefused(t *testing.T) {
	_, a := newSSHKey(t)
	_, b := newSSHKey(t)
	if fp, err := checkSessionKey(gossh.FingerprintSHA256(a), a); err != nil || fp != gossh.FingerprintSHA256(a) {
		t.Errorf("the same key: %q %v", fp, err)
	}
	if _, err := checkSessionKey(gossh.FingerprintSHA256(a), b); err == nil || !strings.Contains(err.Error(), "is not the key") {
		t.Errorf("a swapped key: %v, want refused", err)
	}
	if _, err := checkSessionKey("", b); err == nil {
		t.Error("no checked key: accepted")
	}
	if _, err := checkSessionKey(gossh.FingerprintSHA256(a), nil); err == nil {
		t.Error("no session key: accepted")
	}
}

// queryOnly offers a public key it cannot sign with: an attacker knows a
// super admin's public key (public keys are public), not its private half.
type queryOnly struct{ pub gossh.PublicKey }

func (q queryOnly) PublicKey() gossh.PublicKey { return q.pub }
func (q queryOnly) Sign(io.Reader, []byte) (*gossh.Signature, error) {
	return nil, errors.New("no private key")
}

// The swap over a real connection, as in CVE-2024-45337: the client asks
// about its own key B (accepted, and cached by the SSH library), then
// about the super admin's key A (accepted: the callback's last word is
// now A), then signs with B, which the library takes from its cache
// without asking the callback again. The session authenticated with B
// must not act as A. (charm.land/ssh v0.4.3 and x/crypto ≥ 0.31 guard
// this themselves; checkSessionKey is godmode's second look.)
func TestAKeyAskedAboutButNotSignedWithDoesNotNameTheSession(t *testing.T) {
	f := newScriptFleet(t)
	_, bossPub := newSSHKey(t)
	registerKey(t, f.store, "boss@example.com", bossPub)
	if _, err := f.store.Pool().Exec(context.Background(), `UPDATE users SET super_admin = true WHERE email = 'boss@example.com'`); err != nil {
		t.Fatal(err)
	}
	sv := startServe(t)
	member := mustSigner(t, f.member)
	steps := []gossh.AuthMethod{
		gossh.PublicKeys(queryOnly{bossPub}),
		gossh.PublicKeys(member),
	}
	cfg := sv.clientConfig(gossh.PublicKeys(queryOnly{member.PublicKey()}))
	cfg.AuthCallback = func(*gossh.ClientAuthContext) (gossh.AuthMethod, error) {
		if len(steps) == 0 {
			return nil, nil
		}
		next := steps[0]
		steps = steps[1:]
		return next, nil
	}
	c, err := gossh.Dial("tcp", sv.addr, cfg)
	if err != nil {
		t.Fatalf("the member's own key should authenticate: %v", err)
	}
	defer c.Close()
	out, errOut, code := sshRun(t, c, "", "users", "list")
	if code == 0 || strings.Contains(out, "boss@example.com") || !strings.Contains(errOut, "forbidden") {
		t.Fatalf("a session authenticated with the member's key ran a super admin's command: exit %d\n%s%s", code, out, errOut)
	}
	// Who the session is, for the caps and the log too, is the key that
	// signed: the SSH library asks the callback about that key last.
	sv.waitLog(t, "ssh session opened", map[string]string{"user": "member@ohio.io", "fingerprint": gossh.FingerprintSHA256(member.PublicKey())})
	for _, e := range sv.entries() {
		if e["user"] == "boss@example.com" {
			t.Errorf("the log names the super admin whose key was only asked about: %v", e)
		}
	}
}
