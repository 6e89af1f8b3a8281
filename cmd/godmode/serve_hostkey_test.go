package main

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestHostKeyIsCreatedPrivateAndKeptAcrossRestarts(t *testing.T) {
	newScriptFleet(t)
	path := filepath.Join(t.TempDir(), "keys", "host_ed25519")
	first := startServeWithKey(t, path)
	st, err := os.Stat(path)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("the host key file: %v %v, want mode 0600", st, err)
	}
	if second := startServeWithKey(t, path); second != first {
		t.Errorf("a restart changed the host key from %s to %s", first, second)
	}
	// Rotating is replacing the file: a new key, a new fingerprint.
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	if third := startServeWithKey(t, path); third == first {
		t.Error("a new host key file kept the old fingerprint")
	}
	// A key others may read is refused.
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	_, errOut, code := godmode(t, "", "serve", "--listen", "127.0.0.1:0", "--host-key", path)
	if code != 1 || !strings.Contains(errOut, "chmod 600") {
		t.Errorf("a group-readable host key: exit %d %q", code, errOut)
	}
}

// startServeWithKey runs serve on path until it says it serves, stops it
// and returns the host key fingerprint it logged.
func startServeWithKey(t *testing.T, path string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	log := &syncBuffer{}
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--listen", "127.0.0.1:0", "--host-key", path, "--log-format", "json", "--no-sync"}, strings.NewReader(""), io.Discard, log)
	}()
	defer func() { cancel(); <-done }()
	sv := &served{log: log}
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		for _, e := range sv.entries() {
			if e["msg"] == "serving" {
				fp, _ := e["host_key"].(string)
				return fp
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("serve did not start:\n%s", log.String())
	return ""
}

// cancelOnServing is a log that ends serve's context the moment serve
// says it is serving: before its SSH server has started accepting.
type cancelOnServing struct {
	syncBuffer
	cancel func()
}

func (c *cancelOnServing) Write(p []byte) (int, error) {
	if strings.Contains(string(p), `"msg":"serving"`) {
		c.cancel()
	}
	return c.syncBuffer.Write(p)
}

// A stop that comes as serve starts (a restart, a SIGTERM during a
// deploy) ends it: the SSH library's Shutdown closes only the listeners
// its Serve has registered, and one stopped before that kept accepting,
// so serve never returned (seen in CI: the host key test hung 10 min).
func TestServeStoppedAsItStartsReturns(t *testing.T) {
	newScriptFleet(t)
	for i := range 5 {
		ctx, cancel := context.WithCancel(context.Background())
		log := &cancelOnServing{cancel: cancel}
		done := make(chan int, 1)
		go func() {
			done <- run(ctx, []string{"serve", "--listen", "127.0.0.1:0", "--host-key", filepath.Join(t.TempDir(), "k"), "--log-format", "json", "--no-sync"}, strings.NewReader(""), io.Discard, log)
		}()
		select {
		case <-done:
		case <-time.After(15 * time.Second):
			t.Fatalf("round %d: serve stopped as it started did not return within 15s:\n%s", i, log.String())
		}
		cancel()
	}
}
