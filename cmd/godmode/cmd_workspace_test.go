package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/godmode-console/godmode/model"
)

func TestWorkspaceFreezeSaysFrozenAndUnfrozen(t *testing.T) {
	newSyncFixture(t)
	for _, tc := range []struct{ verb, want string }{{"freeze", "workspace ohio frozen\n"}, {"unfreeze", "workspace ohio unfrozen\n"}} {
		out, errOut, code := godmode(t, "", "workspace", tc.verb, "ohio", "--reason", "cli test")
		if code != 0 || out != tc.want {
			t.Errorf("workspace %s: exit %d, stdout %q (want %q), stderr %q", tc.verb, code, out, tc.want, errOut)
		}
	}
}

func TestToggleTimeoutFromFileAndEnvironment(t *testing.T) {
	isolate(t)
	t.Setenv(envToggleTimeout, "")
	path := filepath.Join(t.TempDir(), "config.toml")
	os.WriteFile(path, []byte("current_context = \"prod\"\n[contexts.prod]\ntoggle_timeout = \"2s\"\n"), 0o600)
	c, err := loadConfig(path, "")
	if err != nil || c.ToggleTimeout.Duration != 2*time.Second {
		t.Fatalf("toggle_timeout from the file: %v, %v", c, err)
	}
	t.Setenv(envToggleTimeout, "750ms")
	if c, err = loadConfig(path, ""); err != nil || c.ToggleTimeout.Duration != 750*time.Millisecond {
		t.Fatalf("%s over the file: %v, %v", envToggleTimeout, c, err)
	}
	t.Setenv(envToggleTimeout, "")
	os.WriteFile(path, []byte("current_context = \"prod\"\n[contexts.prod]\n"), 0o600)
	if c, err = loadConfig(path, ""); err != nil || c.ToggleTimeout.Duration != 5*time.Second {
		t.Fatalf("default toggle_timeout: %v, %v", c, err)
	}
	for _, bad := range []string{"forever", "1ms", "1h"} {
		t.Setenv(envToggleTimeout, bad)
		if _, err := loadConfig(path, ""); err == nil || !strings.Contains(strings.ToLower(err.Error()), "toggle") {
			t.Errorf("%s=%s: %v", envToggleTimeout, bad, err)
		}
	}
}

func TestWorkspaceCreateListShowArchive(t *testing.T) {
	f := newSyncFixture(t)
	ctx := context.Background()
	out, errOut, code := godmode(t, "", "workspace", "create", "texas", "--name", "Texas Roofing", "--instance", "ohio")
	want := "workspace texas created on n8n instance ohio: awaiting setup, nothing provisioned\n" +
		"next: adopt its workflows (godmode adopt --workspace texas --tagged, or a in the console's :unmanaged view), or provision it from a blueprint (godmode provision --workspace texas --blueprint NAME@V --values FILE)\n"
	if code != 0 || out != want {
		t.Fatalf("create: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	for _, tc := range []struct {
		args []string
		code int
		says string
	}{
		{[]string{"create", "texas", "--name", "Texas again", "--instance", "ohio"}, 1, "workspace texas exists already (Texas Roofing, awaiting_setup): choose another slug"},
		{[]string{"create", "Tex_as", "--name", "T", "--instance", "ohio"}, 2, "'T' at position 1 is not allowed: a slug is 2 to 40 characters: lowercase letters, digits and hyphens"},
		{[]string{"create", "utah", "--name", "Utah", "--instance", "mars"}, 1, `no n8n instance "mars": the instances are ohio`},
		{[]string{"create", "utah", "--instance", "ohio"}, 2, "needs --name NAME and --instance NAME"},
		{[]string{"show", "nowhere"}, 1, `no workspace "nowhere"`},
		{[]string{"launch", "ohio"}, 2, `"launch" is not a workspace action: say create, list, show, archive, restore, freeze or unfreeze`},
	} {
		out, errOut, code := godmode(t, "", append([]string{"workspace"}, tc.args...)...)
		if code != tc.code || out != "" || !strings.Contains(errOut, tc.says) {
			t.Errorf("%v: exit %d (want %d), stdout %q, stderr %q (want it to say %q)", tc.args, code, tc.code, out, errOut, tc.says)
		}
	}
	out, _, code = godmode(t, "", "workspace", "list", "--json")
	var list struct{ Workspaces []workspaceJSON }
	if err := json.Unmarshal([]byte(out), &list); code != 0 || err != nil || len(list.Workspaces) != 2 {
		t.Fatalf("list --json: exit %d %v\n%s", code, err, out)
	}
	if got := list.Workspaces[1]; got.Slug != "texas" || got.Status != "awaiting_setup" || got.Instance != "ohio" || got.Campaigns["active"] != 0 {
		t.Errorf("texas listed as %+v", got)
	}
	if got := list.Workspaces[0]; got.Slug != "ohio" || got.Campaigns["active"] != 1 {
		t.Errorf("ohio listed as %+v", got)
	}
	out, _, _ = godmode(t, "", "workspace", "show", "texas")
	for _, line := range []string{"status     awaiting setup\n", "instance   ohio\n", "campaigns  0: 0 active", "next       adopt its workflows", "members    none"} {
		if !strings.Contains(out, line) {
			t.Errorf("show texas lacks %q:\n%s", line, out)
		}
	}
	// Archiving stops nothing behind anyone's back: ohio's campaign runs.
	if out, errOut, code := godmode(t, "", "workspace", "archive", "ohio"); code != 1 || out != "" ||
		!strings.Contains(errOut, "workspace ohio has 1 campaign(s) active or switching ([Email 1]): pause them, or freeze the workspace") {
		t.Errorf("archive ohio while Email 1 runs: exit %d %q %q", code, out, errOut)
	}
	if _, errOut, code := godmode(t, "", "toggle", "ohio/Email 1", "--off"); code != 0 {
		t.Fatalf("toggle: %s", errOut)
	}
	if out, errOut, code := godmode(t, "", "workspace", "archive", "ohio"); code != 0 || out != "workspace ohio archived with its 1 campaign(s): Email 1\n" {
		t.Errorf("archive ohio: exit %d %q %q", code, out, errOut)
	}
	if c, _ := f.store.Campaign(ctx, f.camp.ID); c.Status != model.CampaignArchived {
		t.Errorf("Email 1 is %s after the archive", c.Status)
	}
	out, _, code = godmode(t, "", "workspace", "archive", "texas", "--json")
	if code != 0 || !strings.Contains(out, `"status": "archived"`) || !strings.Contains(out, `"campaigns_archived": []`) {
		t.Errorf("archive texas --json: exit %d\n%s", code, out)
	}
	rows, _ := f.store.Audit(ctx, model.AuditFilter{})
	var got []string
	for i := len(rows) - 1; i >= 0; i-- {
		if r := rows[i]; strings.HasPrefix(r.Action, "workspaces.") {
			if !strings.HasPrefix(r.ActorName, "local:") {
				t.Errorf("row %d by %q", r.ID, r.ActorName)
			}
			got = append(got, r.Action+":"+string(r.Outcome))
		}
	}
	if want := "workspaces.create:ok workspaces.create:failed workspaces.create:failed workspaces.archive:failed workspaces.archive:ok workspaces.archive:ok"; strings.Join(got, " ") != want {
		t.Errorf("audit trail:\n%s\nwant\n%s", strings.Join(got, " "), want)
	}

	// Archived, nothing starts; restored, it is back as it was, nothing on.
	if out, errOut, code := godmode(t, "", "toggle", "ohio/Email 1", "--on"); code != 1 || out != "" ||
		!strings.Contains(errOut, "workspace ohio is archived: restore it first with godmode workspace restore ohio") {
		t.Errorf("toggle on in an archived workspace: exit %d %q %q", code, out, errOut)
	}
	if out, errOut, code := godmode(t, "", "workspace", "restore", "ohio"); code != 0 ||
		out != "workspace ohio restored: active, with its 1 campaign(s) back as they were, none switched on: Email 1\n" {
		t.Errorf("restore ohio: exit %d %q %q", code, out, errOut)
	}
	if c, _ := f.store.Campaign(ctx, f.camp.ID); c.Status != model.CampaignPaused {
		t.Errorf("Email 1 is %s after the restore, want paused", c.Status)
	}
	out, _, code = godmode(t, "", "workspace", "restore", "texas", "--json")
	if code != 0 || !strings.Contains(out, `"status": "awaiting_setup"`) || !strings.Contains(out, `"campaigns_restored": []`) {
		t.Errorf("restore texas --json: exit %d\n%s", code, out)
	}
	if _, errOut, code := godmode(t, "", "workspace", "restore", "texas"); code != 1 || !strings.Contains(errOut, "workspace texas is not archived (it is awaiting_setup): there is nothing to restore") {
		t.Errorf("restore texas twice: exit %d %q", code, errOut)
	}
}
