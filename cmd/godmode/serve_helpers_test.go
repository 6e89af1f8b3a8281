package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"io"
	"net"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/vt"
	gossh "golang.org/x/crypto/ssh"
)

// served is a godmode serve started in-process on a loopback port, as
// `godmode serve` runs it, with its log.
type served struct {
	stop    context.CancelFunc // what SIGTERM does to godmode serve
	exited  chan int           // its exit code, once it has exited
	addr    string
	hostKey string // the host key's fingerprint, as logged
	log     *syncBuffer
	saveDir string
}

// startServe runs godmode serve on 127.0.0.1:0 until the test ends and
// waits for it to say where it listens.
func startServe(t *testing.T, extra ...string) *served {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	sv := &served{log: &syncBuffer{}, stop: cancel}
	args := append([]string{"serve", "--listen", "127.0.0.1:0", "--host-key", filepath.Join(t.TempDir(), "host_ed25519"),
		"--log-format", "json", "--no-sync"}, extra...)
	done := make(chan int, 1)
	sv.exited = done
	go func() { done <- run(ctx, args, strings.NewReader(""), io.Discard, sv.log); close(done) }()
	t.Cleanup(func() {
		cancel()
		select {
		case <-done:
		case <-time.After(15 * time.Second):
			t.Error("godmode serve did not stop within 15s of its context ending")
		}
	})
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		for _, e := range sv.entries() {
			if e["msg"] == "serving" {
				sv.addr, _ = e["addr"].(string)
				sv.hostKey, _ = e["host_key"].(string)
				return sv
			}
		}
		select {
		case code := <-done:
			t.Fatalf("godmode serve exited %d before serving:\n%s", code, sv.log.String())
		case <-time.After(20 * time.Millisecond):
		}
	}
	t.Fatalf("godmode serve did not say it was serving within 20s:\n%s", sv.log.String())
	return nil
}

// entries are the JSON log lines so far.
func (sv *served) entries() []map[string]any {
	var out []map[string]any
	sc := bufio.NewScanner(strings.NewReader(sv.log.String()))
	for sc.Scan() {
		var e map[string]any
		if json.Unmarshal(sc.Bytes(), &e) == nil {
			out = append(out, e)
		}
	}
	return out
}

// waitLog waits for a log entry with msg whose fields include want.
func (sv *served) waitLog(t *testing.T, msg string, want map[string]string) map[string]any {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
	next:
		for _, e := range sv.entries() {
			if e["msg"] != msg {
				continue
			}
			for k, v := range want {
				if s, _ := e[k].(string); s != v {
					continue next
				}
			}
			return e
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("no log entry %q with %v within 5s:\n%s", msg, want, sv.log.String())
	return nil
}

// waitCount waits for n log entries with msg.
func (sv *served) waitCount(t *testing.T, msg string, n int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		got := 0
		for _, e := range sv.entries() {
			if e["msg"] == msg {
				got++
			}
		}
		if got >= n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d log entries %q within 5s, want %d:\n%s", got, msg, n, sv.log.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// clientConfig authenticates with methods, and checks the host key is the
// one the server logged.
func (sv *served) clientConfig(methods ...gossh.AuthMethod) *gossh.ClientConfig {
	return &gossh.ClientConfig{User: "anyone", Auth: methods, Timeout: 5 * time.Second,
		HostKeyCallback: func(_ string, _ net.Addr, key gossh.PublicKey) error {
			if gossh.FingerprintSHA256(key) != sv.hostKey {
				return errors.New("host key is not the one godmode serve logged")
			}
			return nil
		}}
}

// dial connects with a private key.
func (sv *served) dial(t *testing.T, key ed25519.PrivateKey) *gossh.Client {
	t.Helper()
	c, err := sv.dialErr(key)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func (sv *served) dialErr(key ed25519.PrivateKey) (*gossh.Client, error) {
	signer, err := gossh.NewSignerFromKey(key)
	if err != nil {
		return nil, err
	}
	return gossh.Dial("tcp", sv.addr, sv.clientConfig(gossh.PublicKeys(signer)))
}

// sshRun runs one command without a terminal: ssh HOST args…
func sshRun(t *testing.T, c *gossh.Client, stdin string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	s, err := c.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var out, errb bytes.Buffer
	s.Stdin, s.Stdout, s.Stderr = strings.NewReader(stdin), &out, &errb
	done := make(chan error, 1)
	go func() { done <- s.Run(shellJoin(args)) }()
	select {
	case err = <-done:
	case <-time.After(30 * time.Second):
		t.Fatalf("ssh %v: no exit within 30s; stdout %q stderr %q", args, out.String(), errb.String())
	}
	var exit *gossh.ExitError
	switch {
	case err == nil:
	case errors.As(err, &exit):
		code = exit.ExitStatus()
	default:
		t.Fatalf("ssh %v: %v", args, err)
	}
	return out.String(), errb.String(), code
}

// shellJoin quotes args as ssh sends a command line: one string the
// server splits again.
func shellJoin(args []string) string {
	q := make([]string, len(args))
	for i, a := range args {
		q[i] = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
	}
	return strings.Join(q, " ")
}

// screen is a console session with a terminal, as ssh -t gives one: what
// the session writes goes to a terminal emulator, whose answers to
// queries go back as a terminal's would.
type screen struct {
	t   *testing.T
	s   *gossh.Session
	in  io.WriteCloser
	mu  sync.Mutex
	out bytes.Buffer
	// termMu guards term: its cells are read while output is written.
	// Its answers are read apart (they pass through a pipe of its own).
	termMu sync.Mutex
	term   *vt.Emulator
	ended  chan struct{}
}

// openConsole asks for a PTY of w×h and a shell: the console.
func openConsoleOver(t *testing.T, c *gossh.Client, w, h int, env map[string]string) *screen {
	t.Helper()
	s, err := c.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range env {
		if err := s.Setenv(k, v); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.RequestPty("xterm-256color", h, w, gossh.TerminalModes{}); err != nil {
		t.Fatal(err)
	}
	sc := &screen{t: t, s: s, term: vt.NewEmulator(w, h), ended: make(chan struct{})}
	if sc.in, err = s.StdinPipe(); err != nil {
		t.Fatal(err)
	}
	stdout, err := s.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Shell(); err != nil {
		t.Fatal(err)
	}
	go func() {
		defer close(sc.ended)
		buf := make([]byte, 32<<10)
		for {
			n, err := stdout.Read(buf)
			sc.mu.Lock()
			sc.out.Write(buf[:n])
			sc.mu.Unlock()
			sc.termMu.Lock()
			sc.term.Write(buf[:n])
			sc.termMu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	go func() { // the terminal's answers (cursor position, colours …)
		buf := make([]byte, 4<<10)
		for {
			n, err := sc.term.Read(buf)
			if n > 0 {
				sc.mu.Lock()
				_, werr := sc.in.Write(buf[:n])
				sc.mu.Unlock()
				if werr != nil {
					return
				}
			}
			if err != nil {
				return
			}
		}
	}()
	t.Cleanup(func() { s.Close() })
	return sc
}

// raw is everything the session wrote, escape sequences included.
func (sc *screen) raw() string {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	return sc.out.String()
}

// text is the output with escape sequences removed.
func (sc *screen) text() string { return ansi.Strip(sc.raw()) }

// screenText is the terminal's screen now, one line per row.
func (sc *screen) screenText() string {
	sc.termMu.Lock()
	defer sc.termMu.Unlock()
	var b strings.Builder
	for y := range sc.term.Height() {
		for x := range sc.term.Width() {
			c := sc.term.CellAt(x, y)
			switch {
			case c == nil || c.Content == "":
				if c == nil || c.Width != 0 {
					b.WriteByte(' ')
				}
			default:
				b.WriteString(c.Content)
			}
		}
		b.WriteByte('\n')
	}
	return b.String()
}

// resize changes the window, as a terminal's window change does.
func (sc *screen) resize(w, h int) {
	sc.t.Helper()
	sc.termMu.Lock()
	sc.term.Resize(w, h)
	sc.termMu.Unlock()
	if err := sc.s.WindowChange(h, w); err != nil {
		sc.t.Fatal(err)
	}
}

// waitScreen waits until the screen shows every one of want.
func (sc *screen) waitScreen(within time.Duration, want ...string) {
	sc.t.Helper()
	deadline := time.Now().Add(within)
	for {
		seen := sc.screenText()
		missing := ""
		for _, w := range want {
			if !strings.Contains(seen, w) {
				missing = w
				break
			}
		}
		if missing == "" {
			return
		}
		if time.Now().After(deadline) {
			sc.t.Fatalf("the screen did not show %q within %s; it shows:\n%s", missing, within, seen)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// since is the text written after mark.
func (sc *screen) since(mark int) string {
	raw := sc.raw()
	return ansi.Strip(raw[min(mark, len(raw)):])
}

// mark is where the output is now, for waitFor to look only past it.
func (sc *screen) mark() int {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	return sc.out.Len()
}

// typeKeys sends keystrokes as a terminal would.
func (sc *screen) typeKeys(s string) {
	sc.t.Helper()
	sc.mu.Lock()
	defer sc.mu.Unlock()
	if _, err := io.WriteString(sc.in, s); err != nil {
		sc.t.Fatal(err)
	}
}
