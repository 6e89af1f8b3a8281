package main

import (
	"os"
	"strings"
	"testing"

	"github.com/godmode-console/godmode/model"
)

// godmode pulse prints the pulse for people and, with --json, for
// scripts; a group's executions with --group; over SSH a member sees
// their workspace only.
func TestPulseCommandForPeopleScriptsAndOverSSH(t *testing.T) {
	f := newScriptFleet(t)
	if out := mustRun(t, "sync"); !strings.Contains(out, "failure summaries ohio: 2 written, 3 of 50 n8n calls") {
		t.Errorf("sync does not report its summaries:\n%s", out)
	}

	p := decode[model.Pulse](t, mustRun(t, "pulse", "--json"))
	if len(p.Workspaces) != 2 || p.Fleet.Day.Error != 2 || p.Fleet.Day.OK != 1 || len(p.Fleet.Failures) != 24 {
		t.Fatalf("pulse --json: fleet %+v over %+v", p.Fleet, p.Workspaces)
	}
	if len(p.Groups) != 1 || p.Groups[0].Executions != 2 || p.Groups[0].Workspaces != 2 || p.Groups[0].Message != "boom" {
		t.Fatalf("pulse --json groups: %+v", p.Groups)
	}
	if p.Backlog.Budget != model.DefaultFailureSummaries || p.Backlog.Pending != 0 {
		t.Errorf("pulse --json summaries: %+v", p.Backlog)
	}
	key := p.Groups[0].Key
	text := mustRun(t, "pulse")
	for _, want := range []string{"(fleet)", "ohio", "texas", "TOP FAILURES", "NodeOperationError from n8n-nodes-base.code: boom", key,
		"summaries: budget 50 n8n calls per instance and cycle; up to date"} {
		if !strings.Contains(text, want) {
			t.Errorf("pulse does not say %q:\n%s", want, text)
		}
	}
	type group struct {
		Group      string
		Executions []pulseExecutionJSON
	}
	if g := decode[group](t, mustRun(t, "pulse", "--group", key, "--json")); g.Group != key || len(g.Executions) != 2 {
		t.Errorf("pulse --group --json: %+v", g)
	}
	if out := mustRun(t, "pulse", "--group", key); !strings.Contains(out, "ohio/Email-1") || !strings.Contains(out, "texas/Texas-Secret-Blast") {
		t.Errorf("pulse --group:\n%s", out)
	}
	if _, errOut, code := godmode(t, "", "pulse", "--group", "nope"); code == 0 || !strings.Contains(errOut, `failure group "nope": not a group key`) {
		t.Errorf("pulse --group nope: exit %d %q", code, errOut)
	}

	sv := startServe(t)
	c := sv.dial(t, f.member)
	out, errOut, code := sshRun(t, c, "", "pulse", "--json")
	if code != 0 {
		t.Fatalf("ssh HOST pulse --json: exit %d %s", code, errOut)
	}
	mp := decode[model.Pulse](t, out)
	if len(mp.Workspaces) != 1 || mp.Workspaces[0].Workspace != "ohio" || mp.Fleet.Day.Error != 1 || len(mp.Groups) != 1 || mp.Groups[0].Executions != 1 {
		t.Errorf("ohio's member over SSH: fleet %+v, workspaces %+v, groups %+v", mp.Fleet.Day, mp.Workspaces, mp.Groups)
	}
	out2, _, _ := sshRun(t, c, "", "pulse", "--group", key)
	for _, name := range texasNames {
		if strings.Contains(strings.ToLower(out+out2), strings.ToLower(name)) {
			t.Errorf("pulse over SSH shows %q to ohio's member:\n%s\n%s", name, out, out2)
		}
	}
	if !strings.Contains(out2, "ohio/Email-1") {
		t.Errorf("ohio's member's group list:\n%s", out2)
	}
}

// failure_summaries_per_cycle sets the budget sync runs with; 0 turns
// summaries off; out of range is refused naming the key.
func TestFailureSummariesBudgetFromTheConfigFile(t *testing.T) {
	isolate(t)
	path := t.TempDir() + "/config.toml"
	for text, want := range map[string]int{"": 0, "failure_summaries_per_cycle = 120\n": 120, "failure_summaries_per_cycle = 0\n": -1} {
		if err := os.WriteFile(path, []byte("[contexts.prod]\ndatabase_url = \"x\"\n"+text), 0o600); err != nil {
			t.Fatal(err)
		}
		c, err := loadConfig(path, "prod")
		if err != nil {
			t.Fatal(err)
		}
		if got := c.syncOptions(model.SyncOptions{}).FailureSummaries; got != want {
			t.Errorf("%q: sync's budget %d, want %d", text, got, want)
		}
	}
	os.WriteFile(path, []byte("[contexts.prod]\ndatabase_url = \"x\"\nfailure_summaries_per_cycle = -3\n"), 0o600)
	if _, err := loadConfig(path, "prod"); err == nil || !strings.Contains(err.Error(), "failure_summaries_per_cycle -3 must be between 0 (none) and 1000") {
		t.Errorf("a negative budget: %v", err)
	}
}
