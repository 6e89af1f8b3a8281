package db_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/godmode-console/godmode/db"
	"github.com/godmode-console/godmode/db/dbtest"
	"github.com/godmode-console/godmode/model"
)

// TestRuntimeRoleCannotRewriteTheAuditTrail is DESIGN.md's trust boundary:
// whatever a session's role tries against audit_log other than reading and
// appending is refused, and a back-dated row does not keep its date.
func TestRuntimeRoleCannotRewriteTheAuditTrail(t *testing.T) {
	s, ctx := newStore(t)
	e, err := s.AppendAudit(ctx, model.AuditEntry{ActorName: "ana@example.com", Action: "toggle", Outcome: model.OutcomeOK})
	if err != nil {
		t.Fatal(err)
	}
	// A back-dated append is refused, or stored with the server's time.
	back := time.Date(2001, 1, 1, 0, 0, 0, 0, time.UTC)
	_, err = s.Pool().Exec(ctx, `INSERT INTO audit_log (actor, action, outcome, at) VALUES ('mallory', 'toggle', 'ok', $1)`, back)
	var oldest time.Time
	if qerr := s.Pool().QueryRow(ctx, `SELECT min(at) FROM audit_log`).Scan(&oldest); qerr != nil {
		t.Fatal(qerr)
	}
	if oldest.Before(e.At.Add(-time.Minute)) {
		t.Errorf("a back-dated row kept its date %s (insert error: %v)", oldest, err)
	}
	for _, stmt := range []string{
		`ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update`,
		`ALTER TABLE audit_log DISABLE TRIGGER ALL`,
		`DROP TRIGGER audit_log_no_update ON audit_log`,
		`CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$`,
		`CREATE TRIGGER sneak BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION godmode_touch()`,
		`ALTER TABLE audit_log ADD COLUMN note text`,
		`DROP TABLE audit_log`,
		`UPDATE audit_log SET outcome = 'failed' WHERE id = 1`,
		`DELETE FROM audit_log`,
		`TRUNCATE audit_log`,
		`ALTER TABLE leads DISABLE ROW LEVEL SECURITY`,
		`CREATE TABLE mine (id int)`,
	} {
		if _, err := s.Pool().Exec(ctx, stmt); err == nil {
			t.Errorf("the runtime role may: %s", stmt)
		}
	}
	var rows int
	var triggersOn bool
	s.Pool().QueryRow(ctx, `SELECT count(*) FROM audit_log`).Scan(&rows)
	s.Pool().QueryRow(ctx, `SELECT bool_and(tgenabled = 'O') AND count(*) >= 2 FROM pg_trigger WHERE tgrelid = 'audit_log'::regclass AND NOT tgisinternal`).Scan(&triggersOn)
	if rows < 1 || !triggersOn {
		t.Errorf("after the attempts: %d audit rows, triggers all enabled: %v", rows, triggersOn)
	}
	// The runtime owns nothing.
	var owned int
	s.Pool().QueryRow(ctx, `SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE n.nspname = 'public' AND pg_has_role(current_user, c.relowner, 'USAGE')`).Scan(&owned)
	if owned != 0 {
		t.Errorf("the runtime role can act as the owner of %d relations", owned)
	}
}

// TestOwnerAppendGetsServerTimeAndChain: even the owner, who may insert
// every column, gets the server's clock and the trigger's chain fields.
func TestOwnerAppendGetsServerTimeAndChain(t *testing.T) {
	s, ctx := newStore(t)
	owner := dbtest.Owner(t, s.Pool())
	var at time.Time
	err := owner.QueryRow(ctx, `INSERT INTO audit_log (actor, action, outcome, at) VALUES ('mallory', 'toggle', 'ok', '2001-01-01') RETURNING at`).Scan(&at)
	if err != nil {
		t.Fatal(err)
	}
	if time.Since(at) > time.Minute {
		t.Errorf("the owner's back-dated row kept %s", at)
	}
}

func TestSessionCheckRefusesPrivilegedRolesAndPendingMigrations(t *testing.T) {
	ctx := context.Background()
	s, _ := newStore(t)
	if err := db.CheckSession(ctx, s.Pool(), "HINT"); err != nil {
		t.Fatalf("the runtime role: %v", err)
	}
	for who, p := range map[string]*pgxpool.Pool{"owner": dbtest.Owner(t, s.Pool()), "superuser": dbtest.Superuser(t, s.Pool())} {
		err := db.CheckSession(ctx, p, "HINT")
		if err == nil || !strings.Contains(err.Error(), "godmode_runtime") {
			t.Errorf("a session as the %s: %v, want a refusal naming the runtime role", who, err)
		}
	}
	// A runtime member that may bypass row-level security is refused too.
	super := dbtest.Superuser(t, s.Pool())
	if _, err := super.Exec(ctx, `DO $$ BEGIN
		IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'godmode_bypass') THEN
			CREATE ROLE godmode_bypass LOGIN BYPASSRLS IN ROLE godmode_runtime;
		END IF; END $$`); err != nil {
		t.Fatal(err)
	}
	d := s.Pool().Config().ConnConfig.Database
	bypass, err := db.Connect(ctx, dbtest.Server(t).DatabaseURLAs("godmode_bypass", d))
	if err != nil {
		t.Fatal(err)
	}
	defer bypass.Close()
	if err := db.CheckSession(ctx, bypass, "HINT"); err == nil || !strings.Contains(err.Error(), "BYPASSRLS") {
		t.Errorf("a session with BYPASSRLS: %v", err)
	}
	empty := dbtest.NewDatabase(t) // the owner's URL of an empty database
	p, err := db.Connect(ctx, strings.Replace(empty, db.ThrowawayOwner+"@", db.ThrowawayRuntime+"@", 1))
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	if err := db.CheckSession(ctx, p, "HINT"); err == nil || !strings.Contains(err.Error(), "godmode migrate up") || !strings.Contains(err.Error(), "HINT") {
		t.Errorf("an unmigrated database: %v", err)
	}
}

// TestEveryForeignKeyHasAnIndex reads the catalog: a foreign key whose
// columns do not lead some index makes every delete of its parent scan.
func TestEveryForeignKeyHasAnIndex(t *testing.T) {
	s, ctx := newStore(t)
	rows, err := s.Pool().Query(ctx, `SELECT c.conrelid::regclass::text || ' (' ||
			(SELECT string_agg(a.attname, ', ' ORDER BY k.n) FROM unnest(c.conkey) WITH ORDINALITY k(attnum, n)
			 JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum) || ')'
		FROM pg_constraint c
		WHERE c.contype = 'f' AND c.connamespace = 'public'::regnamespace
		  AND NOT EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.conrelid
		      AND (SELECT array_agg(x ORDER BY x) FROM unnest(c.conkey) x) =
		          (SELECT array_agg(x ORDER BY x) FROM unnest((i.indkey::int2[])[0:cardinality(c.conkey) - 1]) x))
		ORDER BY 1`)
	if err != nil {
		t.Fatal(err)
	}
	var missing []string
	for rows.Next() {
		var fk string
		rows.Scan(&fk)
		missing = append(missing, fk)
	}
	if rows.Err() != nil {
		t.Fatal(rows.Err())
	}
	if len(missing) > 0 {
		t.Errorf("foreign keys without an index on their columns:\n  %s", strings.Join(missing, "\n  "))
	}
}

// TestWorkspaceKeepsItsInstanceWhileItHasCampaigns: the campaigns'
// workflows live on that instance's n8n, so moving the workspace is refused
// rather than carrying the campaigns along.
func TestWorkspaceKeepsItsInstanceWhileItHasCampaigns(t *testing.T) {
	s, ctx := newStore(t)
	inst, ws := fleet(t, s, ctx)
	c, err := s.CreateCampaign(ctx, db.NewCampaign{WorkspaceID: ws.ID, Name: "Email 1", N8nWorkflowID: "wf1"})
	if err != nil {
		t.Fatal(err)
	}
	other, err := s.AddInstance(ctx, db.NewInstance{Name: "texas", BaseURL: "http://127.0.0.1:5679", APIKey: "k2"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Pool().Exec(ctx, `UPDATE workspaces SET instance_id = $1 WHERE id = $2`, other.ID, ws.ID); err == nil {
		t.Error("a workspace with campaigns moved to another instance")
	}
	got, err := s.Campaign(ctx, c.ID)
	if err != nil || got.InstanceID != inst.ID {
		t.Errorf("the campaign is on instance %d (%v), want %d", got.InstanceID, err, inst.ID)
	}
	// Without campaigns it may move.
	bare, _ := s.CreateWorkspace(ctx, "bare", "Bare", &inst.ID)
	if _, err := s.Pool().Exec(ctx, `UPDATE workspaces SET instance_id = $1 WHERE id = $2`, other.ID, bare.ID); err != nil {
		t.Errorf("moving a workspace without campaigns: %v", err)
	}
}

// TestLeadsRowSecurityBindsTheOwner: RLS is forced, so even the table's
// owner sees only the workspace its transaction names.
func TestLeadsRowSecurityBindsTheOwner(t *testing.T) {
	s, ctx := newStore(t)
	inst, ws := fleet(t, s, ctx)
	other, _ := s.CreateWorkspace(ctx, "texas", "Texas", &inst.ID)
	for _, w := range []model.Workspace{ws, other} {
		if _, err := s.UpsertLeads(ctx, w.ID, []model.Lead{{Email: "jo@" + w.Slug + ".com"}}); err != nil {
			t.Fatal(err)
		}
	}
	owner := dbtest.Owner(t, s.Pool())
	var unscoped int
	owner.QueryRow(ctx, `SELECT count(*) FROM leads`).Scan(&unscoped)
	tx, err := owner.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	tx.Exec(ctx, `SELECT set_config('godmode.workspace_id', $1::bigint::text, true)`, other.ID)
	var seen []int64
	rows, _ := tx.Query(ctx, `SELECT workspace_id FROM leads`)
	for rows.Next() {
		var id int64
		rows.Scan(&id)
		seen = append(seen, id)
	}
	if unscoped != 0 || !slices.Equal(seen, []int64{other.ID}) {
		t.Errorf("the owner saw %d leads unscoped and workspaces %v scoped to %d", unscoped, seen, other.ID)
	}
	// The store scopes its own reads.
	if got, err := s.Leads(ctx, ws.ID, "", 0); err != nil || len(got) != 1 {
		t.Errorf("the store's read of workspace %d: %v %v", ws.ID, got, err)
	}
}

// TestAuditChainCoversEveryColumn fails when a migration adds a column to
// audit_log that the chain (audit_log_hash and db/audit_chain.go) does not
// cover.
func TestAuditChainCoversEveryColumn(t *testing.T) {
	s, ctx := newStore(t)
	rows, err := s.Pool().Query(ctx, `SELECT attname FROM pg_attribute WHERE attrelid = 'audit_log'::regclass AND attnum > 0 AND NOT attisdropped`)
	if err != nil {
		t.Fatal(err)
	}
	var cols []string
	for rows.Next() {
		var c string
		rows.Scan(&c)
		cols = append(cols, c)
	}
	covered := db.AuditChainColumns()
	slices.Sort(cols)
	slices.Sort(covered)
	if !slices.Equal(cols, covered) {
		t.Errorf("audit_log has columns %v; the chain covers %v", cols, covered)
	}
}
