package main

import (
	"context"
	"crypto/ed25519"
	"encoding/pem"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"
)

// needTool is a program CI installs; elsewhere its absence skips the
// test, said as a skip.
func needTool(t *testing.T, name, what string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s (%s) is not installed; .ci/run installs it", what, name)
		}
		t.Skipf("%s (%s) is not installed", what, name)
	}
	return p
}

// writeIdentity writes key as OpenSSH writes a private key file.
func writeIdentity(t *testing.T, key ed25519.PrivateKey) string {
	t.Helper()
	block, err := gossh.MarshalPrivateKey(key, "")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "id_ed25519")
	if err := os.WriteFile(path, pem.EncodeToMemory(block), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// startServeBinary runs the built binary's godmode serve, as an operator
// would, until the test ends, and waits for its port.
func startServeBinary(t *testing.T, bin string) (addr string) {
	t.Helper()
	addr = freeAddr(t)
	ctx, cancel := context.WithCancel(context.Background())
	logFile, err := os.Create(filepath.Join(t.TempDir(), "serve.log"))
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.CommandContext(ctx, bin, "serve", "--listen", addr, "--host-key", filepath.Join(t.TempDir(), "host_ed25519"), "--no-sync")
	cmd.Stdout, cmd.Stderr = logFile, logFile
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = 10 * time.Second
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cancel()
		_ = cmd.Wait()
		logFile.Close()
		if t.Failed() {
			b, _ := os.ReadFile(logFile.Name())
			t.Logf("godmode serve's log:\n%s", b)
		}
	})
	deadline := time.Now().Add(30 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			c.Close()
			return addr
		}
		if time.Now().After(deadline) {
			b, _ := os.ReadFile(logFile.Name())
			t.Fatalf("godmode serve did not listen on %s within 30s:\n%s", addr, b)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestOpenSSHConsoleInTmuxAndCommandsThroughJq is the operator's path end
// to end: the built binary's godmode serve, OpenSSH's own ssh in a real
// terminal (tmux) at 80×24 and then 200×60, and a script piping
// `ssh … campaigns --json` into jq. The member of ohio sees ohio only.
func TestOpenSSHConsoleInTmuxAndCommandsThroughJq(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	ssh := needTool(t, "ssh", "OpenSSH's client")
	needTool(t, "jq", "jq")
	f := newScriptFleet(t)
	bin := buildGodmode(t)
	addr := startServeBinary(t, bin)
	host, port, _ := net.SplitHostPort(addr)
	known := filepath.Join(t.TempDir(), "known_hosts")
	sshCmd := fmt.Sprintf("%s -p %s -i %s -o IdentitiesOnly=yes -o BatchMode=yes -o UserKnownHostsFile=%s -o StrictHostKeyChecking=accept-new -o LogLevel=ERROR member@%s",
		ssh, port, writeIdentity(t, f.member), known, host)

	x := startTmux(t, 80, 24, sshCmd+"; echo ssh exited $?; sleep 600")
	s := x.waitFor("the fleet over ssh at 80x24", contains("Email-1"))
	for _, want := range []string{"ohio", "member@ohio.io"} {
		if !strings.Contains(s, want) {
			t.Errorf("the console at 80x24 lacks %q:\n%s", want, s)
		}
	}
	assertNoTexas(t, "80x24", s)
	t.Logf("the console over OpenSSH at 80x24:\n%s", s)
	if lines := strings.Split(strings.TrimRight(s, "\n"), "\n"); len(lines) > 24 {
		t.Errorf("the console drew %d lines in a 24-line terminal", len(lines))
	}

	x.run("resize-window", "-t", x.session, "-x", "200", "-y", "60")
	s = x.waitFor("the console redrawn at 200x60", func(s string) bool {
		lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
		return len(lines) > 40 && strings.Contains(s, "Email-1") && widest(lines) > 120
	})
	assertNoTexas(t, "200x60", s)
	// Wide enough for the panes side by side: the terminal's new size
	// reached the server.
	if l := line(s, "Workspaces [1]"); !strings.Contains(l, "Campaigns of ohio [2]") {
		t.Errorf("at 200x60 the workspaces and campaigns are not side by side:\n%s", s)
	}
	t.Logf("at 200x60:\n%s", s)

	x.keys(":audit", "Enter")
	s = x.waitFor("the audit trail over ssh", func(s string) bool { return line(s, "Followup") != "" && strings.Contains(s, "toggle") })
	assertNoTexas(t, "the audit screen", s)
	x.keys("q")
	x.waitFor("ssh to end with the console", contains("ssh exited 0"))

	// A script: no terminal, JSON through jq, exit status kept.
	out, err := exec.Command("bash", "-o", "pipefail", "-c", sshCmd+" campaigns --json | jq -r '.campaigns[] | .workspace + \"/\" + .name + \" \" + .status'").CombinedOutput()
	if err != nil {
		t.Fatalf("ssh … campaigns --json | jq: %v\n%s", err, out)
	}
	if got := strings.Fields(strings.ReplaceAll(string(out), "\n", " ")); strings.Join(got, " ") != "ohio/Email-1 active ohio/Followup paused" {
		t.Errorf("ssh … campaigns --json | jq gave %q", out)
	}
	// Refused, as in the console: exit status 1, the refusal in the JSON.
	cmd := exec.Command("bash", "-o", "pipefail", "-c", sshCmd+" toggle texas/Texas-Secret-Blast --on --json 2>/dev/null | jq -r '.outcome + \": \" + .error'")
	out, err = cmd.Output()
	if code := cmd.ProcessState.ExitCode(); code != 1 || !strings.Contains(string(out), "failed: forbidden") || strings.Contains(string(out), "Texas Secret Roofing") {
		t.Errorf("a member toggling another tenant's campaign over ssh: exit %d (%v), %q", code, err, out)
	}
}

func assertNoTexas(t *testing.T, where, s string) {
	t.Helper()
	for _, n := range texasNames {
		if strings.Contains(s, n) {
			t.Errorf("%s shows %q of another tenant:\n%s", where, n, s)
		}
	}
}

func widest(lines []string) int {
	w := 0
	for _, l := range lines {
		w = max(w, len([]rune(strings.TrimRight(l, " "))))
	}
	return w
}
