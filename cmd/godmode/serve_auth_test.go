package main

import (
	"encoding/base64"
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
