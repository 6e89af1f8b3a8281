package sshd

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"io"
	"log/slog"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"charm.land/ssh"
	"charm.land/wish/v2"
	gossh "golang.org/x/crypto/ssh"
)

// waitLimit bounds every wait of these tests.
const waitLimit = 5 * time.Second

// syncBuffer is a bytes.Buffer safe for a writer and a reader goroutine.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

func newSigner(t *testing.T) gossh.Signer {
	t.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	s, err := gossh.NewSignerFromKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// keyring is the test's auth layer: known keys by fingerprint, the user
// each belongs to, and how often it was asked.
type keyring struct {
	mu    sync.Mutex
	users map[string]string
	asked atomic.Int64
}

func newKeyring() *keyring { return &keyring{users: map[string]string{}} }

func (k *keyring) add(s gossh.Signer, user string) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.users[gossh.FingerprintSHA256(s.PublicKey())] = user
}

func (k *keyring) check(ctx ssh.Context, key ssh.PublicKey) bool {
	k.asked.Add(1)
	k.mu.Lock()
	u, ok := k.users[gossh.FingerprintSHA256(key)]
	k.mu.Unlock()
	if ok {
		SetUser(ctx, u)
	}
	return ok
}

// testLogger returns a JSON logger writing to the returned buffer.
func testLogger() (*slog.Logger, *syncBuffer) {
	b := &syncBuffer{}
	return slog.New(slog.NewJSONHandler(b, nil)), b
}

// serve starts a wish server on loopback with g in front of handler (and
// mw, as for wish.WithMiddleware) and returns its address.
func serve(t *testing.T, g *Guard, keys *keyring, handler ssh.Handler, mw ...wish.Middleware) string {
	t.Helper()
	host := newSigner(t)
	if handler != nil {
		mw = append([]wish.Middleware{func(ssh.Handler) ssh.Handler { return handler }}, mw...)
	}
	opts := append(g.ServerOptions(keys.check, mw...), func(s *ssh.Server) error {
		s.AddHostKey(host)
		return nil
	})
	srv, err := wish.NewServer(opts...)
	if err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = srv.Serve(l) }()
	t.Cleanup(func() { _ = srv.Close() })
	return l.Addr().String()
}

func dial(addr, user string, auth ...gossh.AuthMethod) (*gossh.Client, error) {
	return gossh.Dial("tcp", addr, &gossh.ClientConfig{
		User:            user,
		Auth:            auth,
		HostKeyCallback: gossh.InsecureIgnoreHostKey(), // a throwaway host key on loopback
		Timeout:         waitLimit,
	})
}

// dialFrom dials from the loopback address local (any of 127.0.0.0/8),
// to be another address to the rate limit.
func dialFrom(local, addr, user string, auth ...gossh.AuthMethod) (*gossh.Client, error) {
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(local)}, Timeout: waitLimit}
	conn, err := d.Dial("tcp", addr)
	if err != nil {
		return nil, err
	}
	_ = conn.SetDeadline(time.Now().Add(waitLimit))
	c, chans, reqs, err := gossh.NewClientConn(conn, addr, &gossh.ClientConfig{
		User: user, Auth: auth, HostKeyCallback: gossh.InsecureIgnoreHostKey(), Timeout: waitLimit,
	})
	if err != nil {
		conn.Close()
		return nil, err
	}
	_ = conn.SetDeadline(time.Time{})
	return gossh.NewClient(c, chans, reqs), nil
}

func dialKey(addr, user string, s ...gossh.Signer) (*gossh.Client, error) {
	return dial(addr, user, gossh.PublicKeys(s...))
}

// client is one session of a test client: what it printed on stdout and
// stderr, its stdin, and how it ended.
type client struct {
	sess   *gossh.Session
	out    *syncBuffer
	errOut *syncBuffer
	in     io.WriteCloser
	ended  chan error
}

// open starts a session on c: a console (with a terminal) when cmd is "",
// else the command without one.
func open(t *testing.T, c *gossh.Client, cmd string) *client {
	t.Helper()
	sess, err := c.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	cl := &client{sess: sess, out: &syncBuffer{}, errOut: &syncBuffer{}, ended: make(chan error, 1)}
	sess.Stdout, sess.Stderr = cl.out, cl.errOut
	if cl.in, err = sess.StdinPipe(); err != nil {
		t.Fatal(err)
	}
	if cmd == "" {
		if err := sess.RequestPty("xterm-256color", 24, 80, gossh.TerminalModes{}); err != nil {
			t.Fatal(err)
		}
		err = sess.Shell()
	} else {
		err = sess.Start(cmd)
	}
	if err != nil {
		t.Fatal(err)
	}
	go func() { cl.ended <- sess.Wait() }()
	t.Cleanup(func() { _ = sess.Close() })
	return cl
}

// output is everything the session printed, stdout and stderr.
func (c *client) output() string { return c.out.String() + c.errOut.String() }

// waitOutput waits for s in the session's output.
func (c *client) waitOutput(t *testing.T, s string) {
	t.Helper()
	deadline := time.Now().Add(waitLimit)
	for !strings.Contains(c.output(), s) {
		if time.Now().After(deadline) {
			t.Fatalf("no %q in the session's output within %s; it printed %q", s, waitLimit, c.output())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// waitEnd waits for the session to end and returns its exit status (-1
// for an end without one).
func (c *client) waitEnd(t *testing.T) int {
	t.Helper()
	select {
	case err := <-c.ended:
		var exit *gossh.ExitError
		switch {
		case err == nil:
			return 0
		case errors.As(err, &exit):
			return exit.ExitStatus()
		default:
			return -1
		}
	case <-time.After(waitLimit):
		t.Fatalf("the session did not end within %s; it printed %q", waitLimit, c.output())
		return 0
	}
}

// eventually polls cond until it holds or the wait limit passes.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(waitLimit)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %s", what, waitLimit)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// holdHandler says "ready" and holds the session until the client closes
// its stdin: a session that stays open as long as the test wants.
func holdHandler(s ssh.Session) {
	_, _ = io.WriteString(s, "ready\n")
	_, _ = io.Copy(io.Discard, s)
}
