package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"

	"github.com/godmode-console/godmode/model"
)

func TestNoTerminalMeansCommandsAsTheKeysUser(t *testing.T) {
	f := newScriptFleet(t)
	sv := startServe(t)
	c := sv.dial(t, f.member)
	out, errOut, code := sshRun(t, c, "", "campaigns", "--json")
	if code != 0 {
		t.Fatalf("ssh HOST campaigns --json: exit %d %s", code, errOut)
	}
	got := decode[struct{ Campaigns []campaignJSON }](t, out)
	var names []string
	for _, c := range got.Campaigns {
		names = append(names, c.Workspace+"/"+c.Name)
	}
	if strings.Join(names, " ") != "ohio/Email-1 ohio/Followup" {
		t.Errorf("ohio's member over SSH sees %v, want ohio's two campaigns only", names)
	}
	for _, name := range texasNames {
		if strings.Contains(strings.ToLower(out), strings.ToLower(name)) {
			t.Errorf("campaigns --json over SSH shows %q", name)
		}
	}

	// From cron: ssh host toggle ohio/Email-1 --off --json.
	out, errOut, code = sshRun(t, c, "", "toggle", "ohio/Email-1", "--off", "--json")
	if res := decode[toggleJSON](t, out); code != 0 || res.Outcome != "ok" || res.Status != "paused" {
		t.Fatalf("toggle --off over SSH: exit %d %+v %s", code, res, errOut)
	}
	if wf, _ := f.fake.Workflow(f.email1.N8nWorkflowID); wf.Active {
		t.Error("n8n still runs Email-1")
	}
	rows, _ := f.store.Audit(context.Background(), model.AuditFilter{Actor: "member@ohio.io", Outcome: model.OutcomeOK})
	fp := gossh.FingerprintSHA256(mustSigner(t, f.member).PublicKey())
	if len(rows) != 1 || rows[0].Action != "toggle" || rows[0].KeyFingerprint != fp {
		t.Errorf("the toggle on the record: %+v, want one by member@ohio.io with key %s", rows, fp)
	}
	// The exit status is the command's: a usage mistake is 2.
	if _, errOut, code := sshRun(t, c, "", "toggle", "ohio/Email-1"); code != 2 || !strings.Contains(errOut, "--on or --off") {
		t.Errorf("toggle without --on/--off: exit %d %q", code, errOut)
	}
	// No command and no terminal: said, exit 2.
	s, err := c.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	var serr strings.Builder
	s.Stderr = &serr
	if err := s.Shell(); err != nil {
		t.Fatal(err)
	}
	if err := s.Wait(); err == nil || !strings.Contains(serr.String(), "no terminal and no command") {
		t.Errorf("ssh HOST with no terminal and no command: %v %q", err, serr.String())
	}
}

func TestAViewersToggleCommandOverSSHIsRefusedAndAudited(t *testing.T) {
	f := newScriptFleet(t)
	sv := startServe(t)
	out, errOut, code := sshRun(t, sv.dial(t, f.viewer), "", "toggle", "ohio/Email-1", "--off", "--json")
	if res := decode[toggleJSON](t, out); code != 1 || res.Outcome != "failed" || !strings.Contains(errOut, "forbidden: a viewer may not toggle") {
		t.Errorf("a viewer's toggle over SSH: exit %d %+v %q", code, res, errOut)
	}
	waitAudit(t, f, "viewer@ohio.io", 1)
	if wf, _ := f.fake.Workflow(f.email1.N8nWorkflowID); !wf.Active {
		t.Error("the viewer's toggle reached n8n")
	}
}

func TestOverSSHFilesComeFromStandardInputOnly(t *testing.T) {
	f := newScriptFleet(t)
	// The first super admin is registered on the server's own terminal.
	boss, bossPub := newSSHKey(t)
	pubFile := filepath.Join(t.TempDir(), "boss.pub")
	if err := os.WriteFile(pubFile, gossh.MarshalAuthorizedKey(bossPub), 0o600); err != nil {
		t.Fatal(err)
	}
	mustRun(t, "users", "add", "--email", "boss@example.com", "--key", pubFile, "--super-admin")
	sv := startServe(t)
	c := sv.dial(t, boss)
	secret := filepath.Join(t.TempDir(), "secret.json")
	if err := os.WriteFile(secret, []byte(`{"id":"1"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("SERVER_SECRET", "n8n_api_server_secret")
	for _, args := range [][]string{
		{"users", "keys", "add", "member@ohio.io", pubFile},
		{"users", "add-key", "member@ohio.io", pubFile},
		{"users", "add", "--email", "eve@example.com", "--key", pubFile},
		{"inspect", secret, "--summary"},
		{"inspect", "/etc/passwd", "--json"},
		{"instances", "set-key", "ohio", "--api-key-env", "SERVER_SECRET"},
		// A values file names env: and file: references for secrets: read
		// on the server they would be the server's environment and files,
		// sent on to n8n as credentials.
		{"provision", "--workspace", "ohio", "--blueprint", "base@1", "--values", secret, "--plan"},
		{"provision", "--workspace", "ohio", "--blueprint", "base@1", "--values", "-", "--apply"},
		{"provision", "--resume", "1", "--values", "-"},
	} {
		out, errOut, code := sshRun(t, c, "", args...)
		if code == 0 || out != "" || !strings.Contains(errOut, "over SSH") {
			t.Errorf("ssh HOST %s: exit %d, stdout %q, stderr %q; want a refusal saying to pipe it", strings.Join(args, " "), code, out, errOut)
		}
		if strings.Contains(errOut, "n8n_api_server_secret") || strings.Contains(errOut, "root:") {
			t.Errorf("ssh HOST %s: the server's file or environment reached the client: %q", strings.Join(args, " "), errOut)
		}
	}
	for _, args := range [][]string{
		{"--config", pubFile, "campaigns"}, {"--context", "prod", "campaigns"},
		{"serve", "--listen", ":2223", "--host-key", "/tmp/k"}, {"demo"}, {"migrate", "status"}, {"console"}, {"keys", "id"}, {"sync"},
	} {
		out, errOut, code := sshRun(t, c, "", args...)
		if code != 2 || out != "" || !strings.Contains(errOut, "not available over SSH") {
			t.Errorf("ssh HOST %s: exit %d, stdout %q, stderr %q; want refused as not available over SSH", strings.Join(args, " "), code, out, errOut)
		}
	}
	if k, _ := f.store.InstanceAPIKey(context.Background(), mustInstance(t, f, "ohio")); k == "n8n_api_server_secret" {
		t.Error("the server's environment became an API key")
	}

	// Piped, the same works.
	_, newPub := newSSHKey(t)
	out, errOut, code := sshRun(t, c, string(gossh.MarshalAuthorizedKey(newPub)), "users", "keys", "add", "member@ohio.io", "-")
	if code != 0 || !strings.Contains(out, "added key "+gossh.FingerprintSHA256(newPub)) {
		t.Errorf("users keys add EMAIL - over SSH: exit %d %q %q", code, out, errOut)
	}
	raw, err := os.ReadFile(fixture("execution-error-code-node.json"))
	if err != nil {
		t.Fatal(err)
	}
	out, errOut, code = sshRun(t, c, string(raw), "inspect", "-", "--summary")
	if code != 0 || !strings.Contains(out, "FAILED at ") {
		t.Errorf("inspect - --summary over SSH: exit %d %q %q", code, out, errOut)
	}
	// provision --set reads no file: over SSH it reaches the model, which
	// answers for the workspace (ohio was seeded, not provisioned).
	_, errOut, code = sshRun(t, c, "", "provision", "--workspace", "ohio", "--set", "YOUR_NAME=Alex")
	if code == 0 || strings.Contains(errOut, "over SSH") || !strings.Contains(errOut, "has no succeeded provisioning run") {
		t.Errorf("provision --set over SSH: exit %d %q; want it to reach the model", code, errOut)
	}
}

func mustInstance(t *testing.T, f scriptFleet, name string) int64 {
	t.Helper()
	in, err := f.store.InstanceByName(context.Background(), name)
	if err != nil {
		t.Fatal(err)
	}
	return in.ID
}

// helpOutLen counts the flag sets whose --help destination is remembered.
func helpOutLen() int {
	n := 0
	helpOut.Range(func(any, any) bool { n++; return true })
	return n
}

func TestCommandsForgetTheirFlagSets(t *testing.T) {
	isolate(t)
	before := helpOutLen()
	for range 20 {
		godmode(t, "", "toggle", "ohio/Email-1") // a usage mistake: exit 2 before connecting
		godmode(t, "", "campaigns", "--help")
	}
	if after := helpOutLen(); after != before {
		t.Errorf("%d flag sets are still remembered after 40 commands, want %d: godmode serve runs a command per SSH session and would hold every one", after, before)
	}
}

func TestAReadOnlyServeRefusesChangesInEverySession(t *testing.T) {
	f := newScriptFleet(t)
	sv := startServe(t, "--read-only")
	out, errOut, code := sshRun(t, sv.dial(t, f.member), "", "toggle", "ohio/Email-1", "--off", "--json")
	if res := decode[toggleJSON](t, out); code != 1 || res.Outcome != "failed" || !strings.Contains(errOut, "read-only") {
		t.Errorf("a toggle on a read-only serve: exit %d %+v %q", code, res, errOut)
	}
	sc := openConsoleOver(t, sv.dial(t, f.member), 120, 40, nil)
	sc.waitScreen(10*time.Second, fleetScreen...)
	sc.typeKeys("\t ")
	waitAudit(t, f, "member@ohio.io", 2)
	if wf, _ := f.fake.Workflow(f.email1.N8nWorkflowID); !wf.Active {
		t.Error("a toggle on a read-only serve reached n8n")
	}
}

// ssh HOST help lists what an SSH session may run: none of the commands
// refused over SSH, none of the global flags it may not set.
func TestSSHHelpListsOnlyWhatAnSSHSessionMayRun(t *testing.T) {
	f := newScriptFleet(t)
	sv := startServe(t)
	c := sv.dial(t, f.member)
	for _, args := range [][]string{{"help"}, {"--help"}} {
		out, errOut, code := sshRun(t, c, "", args...)
		if code != 0 {
			t.Fatalf("ssh HOST %v: exit %d %q", args, code, errOut)
		}
		listed := map[string]bool{}
		inCommands := false
		for _, line := range strings.Split(out, "\n") {
			switch {
			case line == "Commands:":
				inCommands = true
			case inCommands && strings.HasPrefix(line, "  "):
				listed[strings.Fields(line)[0]] = true
			case inCommands:
				inCommands = false
			}
		}
		for name := range notOverSSH {
			if listed[name] {
				t.Errorf("ssh HOST %v lists %s, which an SSH session may not run", args, name)
			}
		}
		for _, cmd := range commands {
			if _, refused := notOverSSH[cmd.name]; !refused && !listed[cmd.name] {
				t.Errorf("ssh HOST %v does not list %s", args, cmd.name)
			}
		}
		for _, flagName := range []string{"--config", "-config", "--context", "-context"} {
			if strings.Contains(out, flagName) {
				t.Errorf("ssh HOST %v offers %s, refused over SSH:\n%s", args, flagName, out)
			}
		}
		if !strings.Contains(out, "ssh HOST COMMAND") || strings.Contains(out, "Usage: godmode") {
			t.Errorf("ssh HOST %v: the usage is not said as ssh:\n%s", args, out)
		}
	}
	// Locally, the whole table is still there.
	out, _, _ := godmode(t, "", "help")
	for name := range notOverSSH {
		if !strings.Contains(out, "\n  "+name+" ") {
			t.Errorf("godmode help lacks %s locally", name)
		}
	}
}
