package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/godmode-console/godmode/db"
	"github.com/godmode-console/godmode/db/dbtest"
)

// TestMigrateArgumentsCheckedBeforeConnecting: nothing below reaches the
// (unreachable) database; each is refused for what was typed.
func TestMigrateArgumentsCheckedBeforeConnecting(t *testing.T) {
	isolate(t)
	const dead = "postgres://ana@127.0.0.1:1/godmode"
	t.Setenv(envDatabaseURL, dead)
	t.Setenv(envOwnerURL, dead)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"migrate", "down-to", "0"}, "add --yes-destroy-data"},
		{[]string{"migrate", "down-to", "zero", "--yes-destroy-data"}, `"zero" is not a migration version`},
		{[]string{"migrate", "down-to"}, "needs one version"},
		{[]string{"migrate", "sideways"}, `unknown action "sideways"`},
		{[]string{"migrate", "up", "now"}, "up takes no arguments"},
	} {
		_, errOut, code := godmode(t, "", tc.args...)
		if code == 0 || !strings.Contains(errOut, tc.want) || strings.Contains(errOut, "unreachable") {
			t.Errorf("%v: exit %d, %q, want %q without connecting", tc.args, code, errOut, tc.want)
		}
	}
}

// TestMigrateNeedsTheOwner: up and down-to refuse a missing owner URL and a
// runtime role given as the owner's.
func TestMigrateNeedsTheOwner(t *testing.T) {
	isolate(t)
	t.Setenv(envUser, "")
	d := dbtest.Fresh(t)
	t.Setenv(envDatabaseURL, d.Runtime)
	if _, errOut, code := godmode(t, "", "migrate", "up"); code != 1 || !strings.Contains(errOut, envOwnerURL) {
		t.Errorf("up without an owner URL: exit %d, %q", code, errOut)
	}
	t.Setenv(envOwnerURL, d.Runtime)
	if _, errOut, code := godmode(t, "", "migrate", "down-to", "3", "--yes-destroy-data"); code != 1 || !strings.Contains(errOut, "runtime role") {
		t.Errorf("down-to as the runtime role: exit %d, %q", code, errOut)
	}
	t.Setenv(envOwnerURL, "")
	out, errOut, code := godmode(t, "", "migrate", "status")
	if st := migrationStates(out); code != 0 || st["00004_roles_audit_chain.sql"] != "applied" {
		t.Errorf("status as the runtime role: exit %d\n%s%s", code, out, errOut)
	}
	if err := connectT(t, d.Super).QueryRow(context.Background(), `SELECT 1 FROM campaigns LIMIT 1`).Scan(new(int)); err != nil && !strings.Contains(err.Error(), "no rows") {
		t.Errorf("the schema is gone after a refused down-to: %v", err)
	}
}

// TestDownToRefusesToDropAuditRows: the trail outlives the schema; a
// rollback that keeps audit_log goes ahead and is itself recorded.
func TestDownToRefusesToDropAuditRows(t *testing.T) {
	isolate(t)
	t.Setenv(envUser, "")
	t.Setenv(envOwnerURL, dbtest.NewDatabase(t))
	if out, errOut, code := godmode(t, "", "migrate", "up"); code != 0 {
		t.Fatalf("up: exit %d %s%s", code, out, errOut)
	}
	owner := connectT(t, os.Getenv(envOwnerURL))
	var migrateRows int
	owner.QueryRow(context.Background(), `SELECT count(*) FROM audit_log WHERE action = 'migrate' AND outcome = 'ok' AND actor <> ''`).Scan(&migrateRows)
	if migrateRows != 1 {
		t.Fatalf("migrate up left %d audit rows, want 1", migrateRows)
	}
	out, errOut, code := godmode(t, "", "migrate", "down-to", "0", "--yes-destroy-data")
	if code != 1 || !strings.Contains(errOut, "non-empty audit_log") || strings.Contains(out, "rolled back") {
		t.Fatalf("down-to 0 with audit rows: exit %d\n%s%s", code, out, errOut)
	}
	var tables int
	owner.QueryRow(context.Background(), `SELECT count(*) FROM pg_tables WHERE schemaname = 'public'`).Scan(&tables)
	if tables < 12 {
		t.Fatalf("after a refused down-to 0, %d tables are left", tables)
	}
	// Below 00004 the hash chain goes, and applying it again would chain
	// rows edited meanwhile as if they were true: refused too.
	out, errOut, code = godmode(t, "", "migrate", "down-to", "3", "--yes-destroy-data")
	if code != 1 || !strings.Contains(errOut, "hash chain is dropped") || strings.Contains(out, "rolled back") {
		t.Fatalf("down-to 3 with audit rows: exit %d\n%s%s", code, out, errOut)
	}
	out, errOut, code = godmode(t, "", "migrate", "down-to", "4", "--yes-destroy-data")
	if code != 0 || !strings.Contains(out, "rolled back  00005") || strings.Contains(out, "rolled back  00004") {
		t.Fatalf("down-to 4: exit %d\n%s%s", code, out, errOut)
	}
	var refused, done int
	owner.QueryRow(context.Background(), `SELECT count(*) FILTER (WHERE outcome = 'failed' AND error LIKE '%non-empty audit_log%'),
		count(*) FILTER (WHERE outcome = 'ok' AND before ->> 'action' = 'down-to') FROM audit_log WHERE action = 'migrate'`).Scan(&refused, &done)
	if refused != 2 || done != 1 {
		t.Errorf("audit rows of the down-tos: %d refused, %d done; want 2 and 1", refused, done)
	}
	if out, errOut, code := godmode(t, "", "migrate", "up"); code != 0 || !strings.Contains(out, "applied  00005") {
		t.Fatalf("up again: exit %d\n%s%s", code, out, errOut)
	}
	t.Setenv(envDatabaseURL, strings.Replace(os.Getenv(envOwnerURL), db.ThrowawayOwner+"@", db.ThrowawayRuntime+"@", 1))
	if out, errOut, code := godmode(t, "", "audit", "verify"); code != 0 {
		t.Fatalf("verify after down and up: exit %d\n%s%s", code, out, errOut)
	}
}

// TestSessionsRefusePrivilegedRolesAndAStaleSchema: a session connected as
// the schema owner or a superuser could rewrite the audit trail, and one on
// a schema with pending migrations must not migrate it itself.
func TestSessionsRefusePrivilegedRolesAndAStaleSchema(t *testing.T) {
	isolate(t)
	t.Setenv(envUser, "")
	d := dbtest.Fresh(t)
	for who, url := range map[string]string{"owns the schema": d.Owner, "a superuser": d.Super} {
		t.Setenv(envDatabaseURL, url)
		if _, errOut, code := godmode(t, "", "instances", "list"); code != 1 || !strings.Contains(errOut, who) || !strings.Contains(errOut, "godmode_runtime") {
			t.Errorf("a session as %s: exit %d, %q", who, code, errOut)
		}
	}
	t.Setenv(envDatabaseURL, d.Runtime)
	if _, errOut, code := godmode(t, "", "instances", "list"); code != 0 {
		t.Errorf("a session as the runtime role: exit %d, %q", code, errOut)
	}
	empty := strings.Replace(dbtest.NewDatabase(t), db.ThrowawayOwner+"@", db.ThrowawayRuntime+"@", 1)
	t.Setenv(envDatabaseURL, empty)
	if _, errOut, code := godmode(t, "", "instances", "list"); code != 1 || !strings.Contains(errOut, "godmode migrate up") || !strings.Contains(errOut, envOwnerURL) {
		t.Errorf("a session on an unmigrated database: exit %d, %q", code, errOut)
	}
}

func connectT(t *testing.T, url string) *pgxpool.Pool {
	t.Helper()
	p, err := db.Connect(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Close)
	return p
}

// TestDownToConfirmationWantsTheDatabaseName: on a terminal, without
// --yes-destroy-data, only the database's own name typed back goes ahead.
func TestDownToConfirmationWantsTheDatabaseName(t *testing.T) {
	d := dbtest.Fresh(t)
	pool := connectT(t, d.Owner)
	for typed, ok := range map[string]bool{"": false, "yes\n": false, d.Name + "x\n": false, d.Name + "\n": true, "  " + d.Name + "  \n": true} {
		var errb strings.Builder
		g := &globals{stdin: strings.NewReader(typed), stdout: &errb, stderr: &errb}
		err := confirmDestroy(context.Background(), g, pool, 0)
		if (err == nil) != ok {
			t.Errorf("typed %q: %v, want confirmed %v", typed, err, ok)
		}
		if !strings.Contains(errb.String(), d.Name) {
			t.Errorf("the prompt does not name the database: %q", errb.String())
		}
	}
}

// TestOwnerURLFromTheConfig: owner_database_url_env names the variable;
// unset, migrate says which one.
func TestOwnerURLFromTheConfig(t *testing.T) {
	isolate(t)
	path := filepath.Join(t.TempDir(), "config.toml")
	os.WriteFile(path, []byte("current_context = \"prod\"\n[contexts.prod]\ndatabase_url = \"postgres://app@localhost/godmode\"\nowner_database_url_env = \"PROD_OWNER_DB\"\n"), 0o600)
	t.Setenv(envConfig, path)
	t.Setenv("PROD_OWNER_DB", "")
	if _, errOut, code := godmode(t, "", "migrate", "up"); code != 1 || !strings.Contains(errOut, "PROD_OWNER_DB, which is not set") {
		t.Errorf("owner variable unset: exit %d, %q", code, errOut)
	}
	t.Setenv("PROD_OWNER_DB", "postgres://owner@localhost/godmode")
	if c, err := loadConfig(path, ""); err != nil || c.OwnerDatabaseURL != "postgres://owner@localhost/godmode" || c.DatabaseURL != "postgres://app@localhost/godmode" {
		t.Errorf("config: %+v %v", c, err)
	}
	t.Setenv(envOwnerURL, "postgres://override@localhost/godmode")
	if c, _ := loadConfig(path, ""); c.OwnerDatabaseURL != "postgres://override@localhost/godmode" {
		t.Errorf("%s does not override the file: %+v", envOwnerURL, c)
	}
}
