package sshd

import (
	"net"

	"charm.land/ssh"
	gossh "golang.org/x/crypto/ssh"

	"github.com/godmode-console/godmode/forensics/safetext"
)

// userKey is the ssh.Context key under which the auth layer stores who a
// connection authenticated as.
type userKey struct{}

// SetUser records, from a public key handler, who the connection is (a
// registered user's email). Call it only when accepting the key: the caps
// and the log lines read it once the session starts.
func SetUser(ctx ssh.Context, user string) { ctx.SetValue(userKey{}, user) }

// UserOf returns what SetUser stored, or "" when nothing was.
func UserOf(ctx ssh.Context) string {
	u, _ := ctx.Value(userKey{}).(string)
	return u
}

// Fingerprint is the SHA256 fingerprint of key as OpenSSH prints it, or ""
// for no key: what the logs name a key by, never the key itself.
func Fingerprint(key ssh.PublicKey) string {
	if key == nil {
		return ""
	}
	return gossh.FingerprintSHA256(key)
}

// maxLoginName bounds a client-chosen login name in logs and in the rate
// limit's memory.
const maxLoginName = 64

// loginName is the SSH login name the client sent, cleaned of control
// characters and cut to maxLoginName bytes: it comes from anyone.
func loginName(ctx ssh.Context) string {
	n := ctx.User()
	if len(n) > maxLoginName {
		n = n[:maxLoginName]
	}
	return safetext.Line(n)
}

// remoteHost is the IP of a remote address without its port: a client
// gets a new port on every connection, so the port would make each one a
// new address to the rate limit.
func remoteHost(a net.Addr) string {
	if a == nil {
		return ""
	}
	if t, ok := a.(*net.TCPAddr); ok {
		return t.IP.String()
	}
	h, _, err := net.SplitHostPort(a.String())
	if err != nil {
		return a.String()
	}
	return h
}
