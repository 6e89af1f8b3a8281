package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/crypto/ssh"

	"github.com/godmode-console/godmode/db"
	"github.com/godmode-console/godmode/db/dbtest"
	"github.com/godmode-console/godmode/model"
)

// usersDB is a database with two workspaces and no people, the local
// operator (a super admin) acting.
func usersDB(t *testing.T) (*db.Store, model.Workspace) {
	t.Helper()
	isolate(t)
	url := dbtest.URL(t)
	t.Setenv(envDatabaseURL, url)
	t.Setenv(db.EnvMasterKey, db.GenerateKey())
	store := testStore(t, url)
	ohio, err := store.CreateWorkspace(context.Background(), "ohio", "Ohio Roofing", nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := store.CreateWorkspace(context.Background(), "texas", "Texas Roofing", nil); err != nil {
		t.Fatal(err)
	}
	return store, ohio
}

func pubKeyFile(t *testing.T) (string, string) {
	t.Helper()
	_, pub := newSSHKey(t)
	f := filepath.Join(t.TempDir(), "id.pub")
	if err := os.WriteFile(f, ssh.MarshalAuthorizedKey(pub), 0o600); err != nil {
		t.Fatal(err)
	}
	return f, ssh.FingerprintSHA256(pub)
}

// auditTrail is the audit actions, oldest first, each with its outcome.
func auditTrail(t *testing.T, store *db.Store) []model.AuditEntry {
	t.Helper()
	rows, err := store.Audit(context.Background(), model.AuditFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for i, j := 0, len(rows)-1; i < j; i, j = i+1, j-1 {
		rows[i], rows[j] = rows[j], rows[i]
	}
	return rows
}

func TestUsersAddGrantListRevokeAndKeys(t *testing.T) {
	store, ohio := usersDB(t)
	ctx := context.Background()
	anaKey, anaFP := pubKeyFile(t)
	_, bobPub := newSSHKey(t)
	bobFP := ssh.FingerprintSHA256(bobPub)

	// One step: the person and their key.
	if out := mustRun(t, "users", "add", "--email", "ana@example.com", "--name", "Ana", "--key", anaKey); out != "added user ana@example.com with key "+anaFP+"\n" {
		t.Errorf("users add --email --key: %q", out)
	}
	if keys, _ := store.UserKeys(ctx, mustUser(t, store, "ana@example.com").ID); len(keys) != 1 || keys[0].Fingerprint != anaFP {
		t.Errorf("ana's keys: %+v", keys)
	}
	// The older forms still work; keys add reads standard input too.
	mustRun(t, "users", "add", "bob@example.com", "--name", "Bob\x1b[2J\u202eevil")
	if out, errOut, code := godmode(t, string(ssh.MarshalAuthorizedKey(bobPub)), "users", "keys", "add", "bob@example.com", "-"); code != 0 || !strings.Contains(out, bobFP) {
		t.Fatalf("users keys add -: exit %d %q %q", code, out, errOut)
	}
	mustRun(t, "users", "grant", "ana@example.com", "--workspace", "ohio", "--role", "member")
	if out := mustRun(t, "users", "grant", "ana@example.com", "--workspace", "ohio", "--role", "admin"); out != "ana@example.com is now admin of workspace ohio\n" {
		t.Errorf("grant: %q", out)
	}
	mustRun(t, "users", "grant", "ana@example.com", "--workspace", "texas", "--role", "viewer")
	if m, _ := store.Members(ctx, ohio.ID); len(m) != 1 || m[0].Role != model.RoleAdmin {
		t.Errorf("ohio's members after two grants: %+v (want ana, admin: the second grant replaces the first)", m)
	}

	out := mustRun(t, "users", "list")
	for _, want := range []string{"WORKSPACES", "KEYS", "ohio:admin,texas:viewer", anaFP, bobFP} {
		if !strings.Contains(out, want) {
			t.Errorf("users list lacks %q:\n%s", want, out)
		}
	}
	if strings.ContainsAny(out, "\x1b\u202e") {
		t.Errorf("users list prints a name's control characters: %q", out)
	}
	got := decode[[]userJSON](t, mustRun(t, "users", "list", "--json"))
	if len(got) != 2 || got[0].Email != "ana@example.com" || len(got[0].Workspaces) != 2 ||
		got[0].Workspaces[0] != (userWorkspace{"ohio", "admin"}) || len(got[0].Fingerprints) != 1 || got[0].Fingerprints[0] != anaFP ||
		len(got[1].Workspaces) != 0 || got[1].Workspaces == nil || strings.ContainsAny(got[1].Name, "\x1b\u202e") {
		t.Errorf("users list --json: %+v", got)
	}

	if out := mustRun(t, "users", "keys", "remove", "bob@example.com", bobFP); out != "removed key "+bobFP+" of bob@example.com\n" {
		t.Errorf("keys remove: %q", out)
	}
	if _, err := store.UserByKey(ctx, bobFP); err == nil {
		t.Error("bob's key still proves him")
	}
	mustRun(t, "users", "revoke", "ana@example.com", "--workspace", "ohio")
	if m, _ := store.Members(ctx, ohio.ID); len(m) != 0 {
		t.Errorf("ohio's members after revoke: %+v", m)
	}

	var acts []string
	for _, r := range auditTrail(t, store) {
		if r.Outcome != model.OutcomeOK {
			t.Errorf("%s: %s %s", r.Action, r.Outcome, r.Error)
		}
		acts = append(acts, r.Action)
		if (r.Action == model.AuditUserGrant || r.Action == model.AuditUserRevoke) && r.WorkspaceID == nil {
			t.Errorf("%s row names no workspace: %+v", r.Action, r)
		}
	}
	want := "users.add users.add users.add_key users.grant users.grant users.grant users.list users.list users.remove_key users.revoke"
	if got := strings.Join(acts, " "); got != want {
		t.Errorf("audit trail: %s\nwant         %s", got, want)
	}
}

func mustUser(t *testing.T, store *db.Store, email string) model.User {
	t.Helper()
	u, err := store.UserByEmail(context.Background(), email)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// Input that only the database can judge fails with exit 1, says what and
// where, and leaves a failed audit row.
func TestUsersRefuseWhatTheDatabaseDoesNotHold(t *testing.T) {
	store, _ := usersDB(t)
	keyFile, fp := pubKeyFile(t)
	mustRun(t, "users", "add", "ana@example.com", "--key", keyFile)
	mustRun(t, "users", "add", "bob@example.com")
	for _, tc := range []struct {
		args   []string
		want   string
		action string
	}{
		{[]string{"users", "grant", "ana@example.com", "--workspace", "nowhere", "--role", "member"}, `workspace "nowhere"`, model.AuditUserGrant},
		{[]string{"users", "grant", "ghost@example.com", "--workspace", "ohio", "--role", "member"}, `user "ghost@example.com"`, model.AuditUserGrant},
		{[]string{"users", "revoke", "ghost@example.com", "--workspace", "ohio"}, `user "ghost@example.com"`, model.AuditUserRevoke},
		{[]string{"users", "revoke", "ana@example.com", "--workspace", "nowhere"}, `workspace "nowhere"`, model.AuditUserRevoke},
		{[]string{"users", "revoke", "ana@example.com", "--workspace", "ohio"}, "ana@example.com has no role in workspace ohio", model.AuditUserRevoke},
		{[]string{"users", "keys", "add", "ghost@example.com", keyFile}, `user "ghost@example.com"`, model.AuditUserAddKey},
		{[]string{"users", "keys", "add", "ana@example.com", keyFile}, fp, model.AuditUserAddKey},                                  // a duplicate
		{[]string{"users", "add-key", "bob@example.com", keyFile}, fp, model.AuditUserAddKey},                                      // ana's key, for bob
		{[]string{"users", "keys", "remove", "bob@example.com", fp}, "bob@example.com has no key " + fp, model.AuditUserRemoveKey}, // not bob's
		{[]string{"users", "keys", "remove", "ghost@example.com", fp}, `user "ghost@example.com"`, model.AuditUserRemoveKey},
		{[]string{"users", "add", "ana@example.com"}, "ana@example.com", model.AuditUserAdd},
		{[]string{"users", "add", "--email", "carl@example.com", "--key", keyFile}, "already registered for ana@example.com", model.AuditUserAdd},
	} {
		before := len(auditTrail(t, store))
		out, errOut, code := godmode(t, "", tc.args...)
		if code != 1 || !strings.Contains(errOut, tc.want) || out != "" || strings.Count(errOut, "\n") != 1 {
			t.Errorf("godmode %s: exit %d, %q %q; want exit 1 saying %q", strings.Join(tc.args, " "), code, out, errOut, tc.want)
		}
		rows := auditTrail(t, store)
		if len(rows) != before+1 || rows[len(rows)-1].Action != tc.action || rows[len(rows)-1].Outcome != model.OutcomeFailed {
			t.Errorf("godmode %s: want one failed %s row, got %+v", strings.Join(tc.args, " "), tc.action, rows[before:])
		}
	}
	if u, _ := store.UserByKey(context.Background(), fp); u.Email != "ana@example.com" {
		t.Errorf("ana's key now proves %q", u.Email)
	}
	if _, err := store.UserByEmail(context.Background(), "carl@example.com"); err == nil {
		t.Error("add --key with a key already registered still created the person")
	}
}

func TestUsersArgumentsAreCheckedBeforeConnecting(t *testing.T) {
	isolate(t) // no database configured: a check made after connecting would say so
	keyFile, _ := pubKeyFile(t)
	garbage := filepath.Join(t.TempDir(), "garbage.pub")
	os.WriteFile(garbage, []byte("ssh-ed25519 not-base64!\n"), 0o600)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"users", "grant", "ana@example.com", "--workspace", "ohio", "--role", "boss"}, `role "boss": say one of owner, admin, member, viewer`},
		{[]string{"users", "grant", "ana@example.com", "--workspace", "ohio"}, "usage: godmode users grant"},
		{[]string{"users", "grant", "ana@example.com", "--role", "member"}, "usage: godmode users grant"},
		{[]string{"users", "grant", "ana@example.com", "--workspace", "Ohio!", "--role", "member"}, "is not a workspace slug"},
		{[]string{"users", "grant", "not-an-email", "--workspace", "ohio", "--role", "member"}, "is not an email address"},
		{[]string{"users", "revoke", "ana@example.com"}, "usage: godmode users revoke"},
		{[]string{"users", "revoke", "ana@example.com", "--workspace", "ohio", "--role", "member"}, "usage: godmode users revoke"},
		{[]string{"users", "add", "--email", "ana@example.com", "--key", garbage}, "is not an SSH public key"},
		{[]string{"users", "add", "--email", "ana@example.com", "--key", "/nonexistent/id.pub"}, "public key file"},
		{[]string{"users", "add", "ana@example.com", "--email", "bob@example.com"}, "usage: godmode users add"},
		{[]string{"users", "add"}, "usage: godmode users add"},
		{[]string{"users", "add", "--email", "nope", "--key", keyFile}, "is not an email address"},
		{[]string{"users", "keys", "add", "ana@example.com", garbage}, "is not an SSH public key"},
		{[]string{"users", "add-key", "ana@example.com", garbage}, "is not an SSH public key"},
		{[]string{"users", "keys", "add", "ana@example.com"}, "usage: godmode users keys add"},
		{[]string{"users", "keys", "remove", "ana@example.com", "MD5:ab:cd"}, "is not a key fingerprint"},
		{[]string{"users", "keys", "remove", "ana@example.com"}, "usage: godmode users keys remove"},
		{[]string{"users", "keys", "rotate"}, "usage: godmode users keys add"},
		{[]string{"users", "list", "--json", "extra"}, "takes no arguments"},
		{[]string{"users", "frobnicate"}, "unknown action"},
	} {
		_, errOut, code := godmode(t, "", tc.args...)
		if code != 2 || !strings.Contains(errOut, tc.want) || strings.Contains(errOut, "database") || strings.Count(errOut, "\n") != 1 {
			t.Errorf("godmode %s: exit %d, %q; want exit 2 saying %q on one line", strings.Join(tc.args, " "), code, errOut, tc.want)
		}
	}
}

// A revoked role holds at the member's next action: for the next command,
// and in a session opened before the revoke.
func TestRevokeHoldsForTheMembersNextToggle(t *testing.T) {
	f := newScriptFleet(t)
	ctx := context.Background()
	as(t, "member@ohio.io", f.member)
	mustRun(t, "toggle", "ohio/Email-1", "--off")
	g := &globals{stdout: os.Stdout, stderr: os.Stderr, stdin: strings.NewReader("")}
	s, console, actor, err := openScript(ctx, g) // a session the member holds open
	if err != nil {
		t.Fatal(err)
	}
	defer s.close()
	if res := console.ToggleAt(ctx, actor, "ohio", "Email-1", model.CampaignActive); res.Err != nil {
		t.Fatalf("toggle in the open session before the revoke: %v", res.Err)
	}

	// A super admin other than the member: the local operator.
	t.Setenv(envUser, "")
	mustRun(t, "users", "revoke", "member@ohio.io", "--workspace", "ohio")

	if res := console.ToggleAt(ctx, actor, "ohio", "Email-1", model.CampaignPaused); res.Err == nil || !strings.Contains(res.Err.Error(), "forbidden") {
		t.Errorf("toggle in the session opened before the revoke: %+v, want forbidden", res)
	}
	as(t, "member@ohio.io", f.member)
	if _, errOut, code := godmode(t, "", "toggle", "ohio/Email-1", "--off"); code != 1 || !strings.Contains(errOut, "forbidden") {
		t.Errorf("toggle after the revoke: exit %d %q, want a refusal", code, errOut)
	}
	if wf, _ := f.fake.Workflow(f.email1.N8nWorkflowID); !wf.Active {
		t.Error("a toggle after the revoke reached n8n")
	}
	rows, _ := f.store.Audit(ctx, model.AuditFilter{Actor: "member@ohio.io"})
	var trail []string
	for i := len(rows) - 1; i >= 0; i-- {
		if rows[i].Action == "identify" { // each command proving who acts
			continue
		}
		trail = append(trail, rows[i].Action+":"+string(rows[i].Outcome))
	}
	if got := strings.Join(trail, " "); got != "toggle:ok toggle:ok toggle:failed toggle:failed" {
		t.Errorf("the member's audit trail: %s", got)
	}
}
