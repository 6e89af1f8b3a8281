package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/godmode-console/godmode/model"
)

// The admin_editable path on the command line: a super admin marks
// YOUR_NAME, show lists it; texas provisioned (its variables all plain);
// then texas's owner's --set is authorised, composed and applied by the
// re-apply in place (its workflows in n8n carry the new value), a
// change to another variable is refused naming it, and a member is
// refused. Each attempt is audited.
func TestProvisionSetCommand(t *testing.T) {
	pf := newProvisionFleet(t, 2, "texas")
	ctx, store, fake, ws := pf.ctx, pf.store, pf.fake, pf.ws["texas"]
	// The values file with its secret variables given as plain text (the
	// credentials' data still from the environment).
	raw, err := os.ReadFile(provisionValues)
	if err != nil {
		t.Fatal(err)
	}
	vars, creds, _ := strings.Cut(string(raw), "[credentials.")
	vars = regexp.MustCompile(`"(env|file):[^"]*"`).ReplaceAllString(vars, `"plain-value"`)
	values := filepath.Join(t.TempDir(), "texas.toml")
	if err := os.WriteFile(values, []byte(vars+"[credentials."+creds), 0o600); err != nil {
		t.Fatal(err)
	}

	out, errOut, code := godmode(t, "", "blueprint", "editable", "base-cold-email", "YOUR_NAME")
	if code != 0 || !strings.Contains(out, "blueprint base-cold-email: admin_editable (1): YOUR_NAME") {
		t.Fatalf("editable: exit %d\n%s%s", code, out, errOut)
	}
	if _, errOut, code := godmode(t, "", "blueprint", "editable", "base-cold-email", "YOUR_NAEM"); code == 0 || !strings.Contains(errOut, "did you mean YOUR_NAME?") {
		t.Errorf("editable of a misspelt name: exit %d %s", code, errOut)
	}
	if out, _, _ := godmode(t, "", "blueprint", "show", "base-cold-email"); !strings.Contains(out, "\nadmin_editable (1): YOUR_NAME\n") {
		t.Errorf("show does not list the editable variable:\n%s", out)
	}
	if out, errOut, code := godmode(t, "", "provision", "--workspace", "texas", "--blueprint", "base-cold-email@1", "--values", values, "--apply"); code != 0 {
		t.Fatalf("provision: exit %d\n%s%s", code, out, errOut)
	}

	ownerPriv, ownerPub := newSSHKey(t)
	memberPriv, memberPub := newSSHKey(t)
	registerKey(t, store, "owner@texas.io", ownerPub)
	registerKey(t, store, "member@texas.io", memberPub)
	owner, _ := store.UserByEmail(ctx, "owner@texas.io")
	member, _ := store.UserByEmail(ctx, "member@texas.io")
	_ = store.SetMember(ctx, ws.ID, owner.ID, model.RoleOwner)
	_ = store.SetMember(ctx, ws.ID, member.ID, model.RoleMember)
	serveAgent(t, ownerPriv, memberPriv)

	t.Setenv(envUser, "owner@texas.io")
	if out, errOut, code := godmode(t, "", "provision", "--workspace", "texas", "--set", "YOUR_NAME=Alex of texas"); code != 0 || !strings.Contains(out, "succeeded") {
		t.Errorf("owner --set: exit %d\n%s%s", code, out, errOut)
	}
	inN8n := 0
	camps, _ := store.Campaigns(ctx, ws.ID)
	for _, cp := range camps {
		wf, _ := fake.Workflow(cp.N8nWorkflowID)
		raw, _ := json.Marshal(wf)
		if strings.Contains(string(raw), "Sam of texas") {
			t.Errorf("workflow %q still holds the old YOUR_NAME", wf.Name)
		}
		if strings.Contains(string(raw), "Alex of texas") {
			inN8n++
		}
	}
	if inN8n == 0 {
		t.Error("no workflow in n8n holds the owner's new YOUR_NAME")
	}
	if _, errOut, code := godmode(t, "", "provision", "--workspace", "texas", "--set", "YOUR_COMPANY_NAME=Acme"); code == 0 ||
		!strings.Contains(errOut, "YOUR_COMPANY_NAME: is not admin_editable in blueprint base-cold-email") {
		t.Errorf("owner --set of another variable: exit %d %s", code, errOut)
	}
	t.Setenv(envUser, "member@texas.io")
	if _, errOut, code := godmode(t, "", "provision", "--workspace", "texas", "--set", "YOUR_NAME=Eve"); code == 0 || !strings.Contains(errOut, "forbidden: a member may not edit_variables") {
		t.Errorf("member --set: exit %d %s", code, errOut)
	}
	rows, err := store.Audit(ctx, model.AuditFilter{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for i := len(rows) - 1; i >= 0; i-- {
		if r := rows[i]; r.Action == model.ActionNameEditVariables {
			got = append(got, r.ActorName+" "+string(r.Outcome))
			if strings.Contains(string(r.After), "Alex") || strings.Contains(string(r.After), "Acme") {
				t.Errorf("audit row %d holds a value: %s", r.ID, r.After)
			}
		}
	}
	if want := "owner@texas.io ok, owner@texas.io failed, member@texas.io failed"; strings.Join(got, ", ") != want {
		t.Errorf("audit: %s\nwant   %s", strings.Join(got, ", "), want)
	}
}

// --set is checked before the database is reached.
func TestProvisionSetUsage(t *testing.T) {
	isolate(t)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--workspace", "texas", "--set", "YOUR_NAME"}, "want VAR=VALUE"},
		{[]string{"--workspace", "texas", "--set", "YOUR NAME=x"}, "is not a variable name"},
		{[]string{"--workspace", "texas", "--set", "YOUR_NAME=a", "--set", "YOUR_NAME=b"}, "YOUR_NAME is given twice"},
		{[]string{"--set", "YOUR_NAME=a"}, "--set needs --workspace SLUG"},
		{[]string{"--workspace", "texas", "--set", "YOUR_NAME=a", "--values", "v.toml"}, "--set takes only --workspace SLUG"},
		{[]string{"--workspace", "texas", "--set", "YOUR_NAME=a", "--blueprint", "b@1"}, "--set takes only --workspace SLUG"},
	} {
		_, errOut, code := godmode(t, "", append([]string{"provision"}, c.args...)...)
		if code != 2 || !strings.Contains(errOut, c.want) {
			t.Errorf("%v: exit %d %q, want a usage error saying %q", c.args, code, errOut, c.want)
		}
	}
}
