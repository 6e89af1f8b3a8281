package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	gossh "golang.org/x/crypto/ssh"

	"github.com/godmode-console/godmode/db"
	"github.com/godmode-console/godmode/db/dbtest"
)

// TestLeadsMigrateLegacyEndToEnd: the command as an operator runs it on
// the server, from the checks made before connecting to a second run.
func TestLeadsMigrateLegacyEndToEnd(t *testing.T) {
	f := newScriptFleet(t)
	ctx := context.Background()
	t.Setenv(envUser, "")
	ownerURL := dbtest.Server(t).DatabaseURLAs(db.ThrowawayOwner, f.store.Pool().Config().ConnConfig.Database)
	owner := connectT(t, ownerURL)
	dbtest.LegacyLeadsTable(t, owner, "leads_ohio")
	leads := func() (n int) {
		t.Helper()
		tx, err := owner.Begin(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback(ctx)
		tx.Exec(ctx, `SELECT set_config('godmode.leads_scope', 'all', true)`)
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM leads`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}

	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"--workspace", "ohio"}, 2, "needs --table TABLE and --workspace SLUG"},
		{[]string{"--table", `leads"; DROP TABLE leads`, "--workspace", "ohio"}, 2, "not a plain table name"},
		{[]string{"--table", "leads", "--workspace", "ohio"}, 2, "godmode's own table"},
		{[]string{"--table", "leads_ohio", "--workspace", "Ohio!"}, 2, "not a workspace slug"},
		{[]string{"--table", "leads_ohio", "--workspace", "ohio"}, 1, envOwnerURL},
	} {
		out, errOut, code := godmode(t, "", append([]string{"leads", "migrate-legacy"}, tc.args...)...)
		if code != tc.code || !strings.Contains(errOut, tc.want) || out != "" {
			t.Errorf("%v: exit %d %q%q, want %d %q", tc.args, code, out, errOut, tc.code, tc.want)
		}
	}
	// The runtime role is refused as the owner.
	t.Setenv(envOwnerURL, os.Getenv(envDatabaseURL))
	if _, errOut, code := godmode(t, "", "leads", "migrate-legacy", "--table", "leads_ohio", "--workspace", "ohio"); code != 1 || !strings.Contains(errOut, "runtime role") {
		t.Errorf("as the runtime role: exit %d %q", code, errOut)
	}
	t.Setenv(envOwnerURL, ownerURL)

	out := mustRun(t, "leads", "migrate-legacy", "--table", "leads_ohio", "--workspace", "ohio", "--dry-run")
	for _, want := range []string{"dry run: everything below was done, verified and rolled back; nothing changed",
		"leads_ohio would move 498 rows into workspace ohio: 450 leads (450 new, 0 merged into leads already there), 48 duplicate row(s) kept under legacy_duplicates",
		"checksums: 498 of 498 rows verified", "2 rows without a usable email stay in leads_ohio_migrated:",
		"  id 250: email_address is not an email address", "  id 500: no email: email_address and email_norm are empty",
		"would rename leads_ohio to leads_ohio_migrated"} {
		if !strings.Contains(out, want) {
			t.Errorf("dry run output lacks %q:\n%s", want, out)
		}
	}
	if n := leads(); n != 0 {
		t.Errorf("the dry run left %d leads", n)
	}

	_, errOut, code := godmode(t, "", "leads", "migrate-legacy", "--table", "leads_ohio", "--workspace", "ohio")
	if code != 1 || !strings.Contains(errOut, "2 rows have no usable email (id 250: email_address is not an email address; id 500") ||
		!strings.Contains(errOut, "add --skip-invalid") {
		t.Errorf("without --skip-invalid: exit %d %q", code, errOut)
	}

	out = mustRun(t, "leads", "migrate-legacy", "--table", "leads_ohio", "--workspace", "ohio", "--skip-invalid", "--json")
	var res struct {
		Rows, Leads, Created, Duplicates, Invalid, Verified int
		RenamedTo                                           string         `json:"renamed_to"`
		Statuses                                            map[string]int `json:"statuses"`
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if res.Rows != 500 || res.Leads != 450 || res.Created != 450 || res.Duplicates != 48 || res.Invalid != 2 || res.Verified != 498 ||
		res.RenamedTo != "leads_ohio_migrated" || res.Statuses["unsubscribed"] == 0 || res.Statuses["new"] == 0 {
		t.Errorf("--json: %+v", res)
	}
	if n := leads(); n != 450 {
		t.Errorf("%d leads after the migration, want 450", n)
	}

	out = mustRun(t, "leads", "migrate-legacy", "--table", "leads_ohio", "--workspace", "ohio")
	if !strings.Contains(out, "leads_ohio: already migrated into workspace ohio on ") ||
		!strings.Contains(out, ", 498 rows verified, nothing changed") || !strings.Contains(out, "2 rows without a usable email are still in leads_ohio_migrated") {
		t.Errorf("second run: %s", out)
	}

	var audited int
	owner.QueryRow(ctx, `SELECT count(*) FROM audit_log WHERE action = 'leads.migrate_legacy' AND actor LIKE 'local:%'`).Scan(&audited)
	var tables string
	owner.QueryRow(ctx, `SELECT string_agg(relname, ' ' ORDER BY relname) FROM pg_class WHERE relname LIKE 'leads_ohio%' AND relkind = 'r'`).Scan(&tables)
	if tables != "leads_ohio_migrated" {
		t.Errorf("legacy tables after two runs: %q", tables)
	}
	if audited != 5 { // the runtime role refused, dry run, refused for invalid rows, done, re-verified
		t.Errorf("%d audit rows, want 5", audited)
	}
}

// TestLeadsMigrateLegacyIsNotOverSSH: even a super admin's SSH session may
// not: it needs the owner's URL, which stays on the server.
func TestLeadsMigrateLegacyIsNotOverSSH(t *testing.T) {
	newScriptFleet(t)
	boss, bossPub := newSSHKey(t)
	pubFile := filepath.Join(t.TempDir(), "boss.pub")
	if err := os.WriteFile(pubFile, gossh.MarshalAuthorizedKey(bossPub), 0o600); err != nil {
		t.Fatal(err)
	}
	mustRun(t, "users", "add", "--email", "boss@example.com", "--key", pubFile, "--super-admin")
	sv := startServe(t)
	out, errOut, code := sshRun(t, sv.dial(t, boss), "", "leads", "migrate-legacy", "--table", "leads_ohio", "--workspace", "ohio")
	if code != 2 || out != "" || !strings.Contains(errOut, "leads migrate-legacy is not available over SSH") {
		t.Errorf("over SSH: exit %d %q %q", code, out, errOut)
	}
}
