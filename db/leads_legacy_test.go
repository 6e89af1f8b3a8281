package db_test

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/godmode-console/godmode/db"
	"github.com/godmode-console/godmode/db/dbtest"
	"github.com/godmode-console/godmode/model"
)

// legacyWorld is a migrated database with the owner's store (renaming a
// legacy table needs its owner), the superuser's pool for the test's own
// reads (it sees every lead, whatever the code under test sets), the
// workspace ohio with a campaign "Roofers Q1", a generated leads_ohio and
// one lead imported before the migration (lead3@example.com).
type legacyWorld struct {
	store *db.Store
	super *pgxpool.Pool
	ws    model.Workspace
	camp  model.Campaign
	actor model.Actor
}

func newLegacyWorld(t *testing.T) legacyWorld {
	t.Helper()
	ctx := context.Background()
	rt := dbtest.New(t)
	owner := dbtest.Owner(t, rt)
	kr, err := db.NewKeyring(testKey)
	if err != nil {
		t.Fatal(err)
	}
	s := db.NewStore(owner, kr)
	_, ws := fleet(t, s, ctx)
	camp, err := s.CreateCampaign(ctx, db.NewCampaign{WorkspaceID: ws.ID, Name: "Roofers Q1", N8nWorkflowID: "wf1"})
	if err != nil {
		t.Fatal(err)
	}
	dbtest.LegacyLeadsTable(t, owner, "leads_ohio")
	if _, err := s.UpsertLeads(ctx, ws.ID, []model.Lead{{Email: "lead3@example.com", Status: model.LeadNew,
		Metadata: json.RawMessage(`{"industry": "Imported", "score": 7}`)}}); err != nil {
		t.Fatal(err)
	}
	return legacyWorld{store: s, super: dbtest.Superuser(t, rt), ws: ws, camp: camp, actor: model.LocalActor("ana", "laptop")}
}

// inZone is the owner's store on connections whose time zone is tz.
func (w legacyWorld) inZone(t *testing.T, tz string) *db.Store {
	t.Helper()
	cfg, err := pgxpool.ParseConfig(dbtest.Server(t).DatabaseURLAs(db.ThrowawayOwner, w.store.Pool().Config().ConnConfig.Database))
	if err != nil {
		t.Fatal(err)
	}
	cfg.ConnConfig.RuntimeParams["timezone"] = tz
	pool, err := pgxpool.NewWithConfig(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	return db.NewStore(pool, nil)
}

func (w legacyWorld) migrate(t *testing.T, req model.LegacyLeadsMigration) (model.LegacyLeadsReport, error) {
	t.Helper()
	if req.Table == "" {
		req.Table = "leads_ohio"
	}
	if req.Workspace == "" {
		req.Workspace = "ohio"
	}
	return model.MigrateLegacyLeads(context.Background(), w.store, w.actor, req)
}

// snapshot is everything a migration could change, row versions included:
// equal snapshots mean nothing was written.
func (w legacyWorld) snapshot(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	var b strings.Builder
	for _, q := range []string{
		`SELECT id, xmin::text, updated_at, email, status, campaign_id, md5(metadata::text) FROM leads ORDER BY id`,
		`SELECT workspace_id, campaign_id, n FROM lead_counts ORDER BY 1, 2`,
		`SELECT workspace_id, key FROM lead_keys ORDER BY 1, 2`,
		`SELECT relname, coalesce(obj_description(oid, 'pg_class'), '') FROM pg_class WHERE relname LIKE 'leads_ohio%' AND relkind = 'r' ORDER BY 1`,
		// Each legacy table's rows and their row versions.
		`SELECT relname, (xpath('/row/h/text()', query_to_xml(format(
			'SELECT md5(string_agg(to_jsonb(r)::text || xmin::text, '','' ORDER BY id)) AS h FROM %I r', relname), false, true, '')))[1]::text
			FROM pg_class WHERE relname LIKE 'leads_ohio%' AND relkind = 'r' ORDER BY 1`,
	} {
		rows, err := w.super.Query(ctx, q)
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		for rows.Next() {
			v, _ := rows.Values()
			fmt.Fprintln(&b, v...)
		}
		if err := rows.Err(); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		rows.Close()
	}
	return b.String()
}

// decode reads a JSON object keeping numbers as written.
func decode(t *testing.T, raw []byte) map[string]any {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		t.Fatal(err)
	}
	return m
}

// canonical is the checksum of a JSON object with its null members
// removed, written with sorted keys and numbers as they were: two rows are
// the same row when their checksums are equal.
func canonical(t *testing.T, m map[string]any) string {
	t.Helper()
	c := map[string]any{}
	for k, v := range m {
		if v != nil {
			c[k] = v
		}
	}
	out, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("%x", md5.Sum(out))
}

// checkEveryRowMoved recomputes, apart from the code under test, that every
// usable row of the legacy table is in a lead of the workspace: as the
// lead itself (its metadata without legacy_duplicates, plus its email as
// email_address unless metadata keeps that as written) or as one of its
// legacy_duplicates, checksum for checksum. It returns the ids that have no usable email.
func (w legacyWorld) checkEveryRowMoved(t *testing.T, table string) (invalid []string) {
	t.Helper()
	ctx := context.Background()
	have := map[string]string{} // checksum → lead email
	leads := 0
	rows, err := w.super.Query(ctx, `SELECT email, metadata::text FROM leads WHERE workspace_id = $1`, w.ws.ID)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var email, md string
		if err := rows.Scan(&email, &md); err != nil {
			t.Fatal(err)
		}
		leads++
		m := decode(t, []byte(md))
		if dups, ok := m["legacy_duplicates"].([]any); ok {
			for _, d := range dups {
				have[canonical(t, d.(map[string]any))] = email
			}
		}
		delete(m, "legacy_duplicates")
		if _, ok := m["email_address"]; !ok {
			m["email_address"] = email
		}
		have[canonical(t, m)] = email
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	rows, err = w.super.Query(ctx, `SELECT id::text, to_jsonb(r)::text FROM `+table+` r ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	emails := map[string]bool{}
	n := 0
	for rows.Next() {
		var id, doc string
		if err := rows.Scan(&id, &doc); err != nil {
			t.Fatal(err)
		}
		n++
		m := decode(t, []byte(doc))
		sum := canonical(t, m)
		email, _ := m["email_address"].(string)
		if strings.TrimSpace(email) == "" {
			email, _ = m["email_norm"].(string)
		}
		email = strings.ToLower(strings.TrimSpace(email))
		if !strings.Contains(email, "@") {
			invalid = append(invalid, id)
			continue
		}
		emails[email] = true
		if got, ok := have[sum]; !ok || got != email {
			t.Errorf("row id %s (checksum %s) is in no lead of %s (found under %q)", id, sum, email, got)
		}
	}
	if n != dbtest.LegacyRows {
		t.Errorf("the legacy table has %d rows, want %d", n, dbtest.LegacyRows)
	}
	// One lead per usable email, plus the one imported before.
	if leads != len(emails) {
		t.Errorf("%d leads for %d distinct emails", leads, len(emails))
	}
	return invalid
}

func TestLegacyMigrationMovesEveryRowAndASecondRunChangesNothing(t *testing.T) {
	w := newLegacyWorld(t)
	ctx := context.Background()
	start := w.snapshot(t)

	// Rows without a usable email stop it unless --skip-invalid.
	_, err := w.migrate(t, model.LegacyLeadsMigration{})
	if err == nil || !strings.Contains(err.Error(), "id 250: email_address is not an email address") ||
		!strings.Contains(err.Error(), "id 500: no email") || !strings.Contains(err.Error(), "--skip-invalid") {
		t.Fatalf("invalid rows: %v", err)
	}
	if got := w.snapshot(t); got != start {
		t.Fatalf("a refused migration changed something:\n%s\nwant\n%s", got, start)
	}

	// A dry run does it all, says what it would do, and leaves nothing.
	dry, err := w.migrate(t, model.LegacyLeadsMigration{DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	// 500 rows: 2 without an email, 48 repeating another's email; 450
	// emails, one of which (lead3) a lead already has.
	if !dry.DryRun || dry.Rows != 500 || dry.Invalid != 2 || dry.Leads != 450 || dry.Created != 449 || dry.Merged != 1 ||
		dry.Duplicates != 49 || dry.Verified != 498 || dry.RenamedTo != "" {
		t.Errorf("dry run: %+v", dry)
	}
	if got := w.snapshot(t); got != start {
		t.Fatalf("a dry run changed something:\n%s\nwant\n%s", got, start)
	}

	// Run from Tokyo; the second run below comes from New York.
	rep, err := model.MigrateLegacyLeads(ctx, w.inZone(t, "Asia/Tokyo"), w.actor, model.LegacyLeadsMigration{Table: "leads_ohio", Workspace: "ohio", SkipInvalid: true})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Rows != 500 || rep.Created != 449 || rep.Merged != 1 || rep.Duplicates != 49 || rep.Invalid != 2 ||
		rep.Verified != 498 || rep.RenamedTo != "leads_ohio_migrated" || rep.Already {
		t.Errorf("migration: %+v", rep)
	}
	if rep.Created+rep.Duplicates+rep.Invalid != rep.Rows {
		t.Errorf("counts do not add up: %+v", rep)
	}
	if invalid := w.checkEveryRowMoved(t, "leads_ohio_migrated"); fmt.Sprint(invalid) != "[250 500]" {
		t.Errorf("rows without an email: %v, want ids 250 and 500 (left in the renamed table)", invalid)
	}
	var comment string
	w.super.QueryRow(ctx, `SELECT obj_description('leads_ohio_migrated'::regclass, 'pg_class')`).Scan(&comment)
	if !strings.Contains(comment, `"workspace":"ohio"`) || !strings.Contains(comment, `"rows":500`) {
		t.Errorf("the renamed table's comment: %q", comment)
	}

	// What the leads hold: types kept, NULL columns absent, the newest row
	// on top, statuses from the progress columns, the campaign by name.
	type lead struct {
		status   string
		campaign *int64
		md       map[string]any
	}
	get := func(email string) lead {
		t.Helper()
		var l lead
		var raw string
		if err := w.super.QueryRow(ctx, `SELECT status, campaign_id, metadata::text FROM leads WHERE workspace_id = $1 AND email = $2`,
			w.ws.ID, email).Scan(&l.status, &l.campaign, &raw); err != nil {
			t.Fatalf("lead %s: %v", email, err)
		}
		dec := json.NewDecoder(strings.NewReader(raw))
		dec.UseNumber()
		dec.Decode(&l.md)
		return l
	}
	l76 := get("lead76@example.com")
	if l76.md["founded_year"] != json.Number("1976") || l76.md["token"] != json.Number("95.00") || l76.md["analyze"] != true ||
		l76.md["report_sent"] != false || l76.md["created_at"] != "2024-01-01T01:16:00+00:00" || l76.md["first_name"] != "First76" ||
		l76.md["research_report"] != "Report \"76\"\nsecond line" {
		t.Errorf("lead76's metadata lost a type: %v", l76.md)
	}
	if _, ok := l76.md["email_address"]; ok {
		t.Errorf("lead76 keeps email_address though it is its email: %v", l76.md["email_address"])
	}
	if len(l76.md) != 40 {
		t.Errorf("lead76 has %d metadata keys, want its 40 non-NULL columns but email_address (email_3_* are NULL)", len(l76.md))
	}
	if l76.campaign == nil || *l76.campaign != w.camp.ID || l76.status != model.LeadContacted {
		t.Errorf("lead76: campaign %v status %s, want %d contacted (email_2_sent)", l76.campaign, l76.status, w.camp.ID)
	}
	if l := get("lead53@example.com"); l.campaign != nil {
		t.Errorf("lead53's campaign_name names no campaign of ohio, yet campaign %v", *l.campaign)
	}
	l7 := get("lead7@example.com")
	_, last := l7.md["last_name"]
	_, opted := l7.md["opted_out"]
	if l7.md["first_name"] != "First7" || last || opted || l7.status != model.LeadNew {
		t.Errorf("lead7 (NULLs left out): status %s, %v", l7.status, l7.md)
	}
	if l := get("lead34@example.com"); l.status != model.LeadUnsubscribed { // opted out; also replied? no: 34%11
		t.Errorf("lead34 (opted out): %s", l.status)
	}
	if l := get("lead22@example.com"); l.status != model.LeadReplied {
		t.Errorf("lead22 (replied): %s", l.status)
	}
	if l := get("lead1@example.com"); l.md["id"] != json.Number("498") || l.md["email_address"] != "LEAD1@EXAMPLE.COM" ||
		len(l.md["legacy_duplicates"].([]any)) != 3 || l.campaign == nil {
		t.Errorf("lead1: the newest of its four rows (498) on top, three kept under legacy_duplicates: id %v, %v", l.md["id"], l.md["legacy_duplicates"])
	}
	if l := get("lead5@example.com"); l.md["id"] != json.Number("5") || len(l.md["legacy_duplicates"].([]any)) != 1 {
		t.Errorf("lead5: the older repeat (455) goes under legacy_duplicates: id %v", l.md["id"])
	}
	if l := get("norm499@example.com"); l.md["email_norm"] != "norm499@example.com" || l.md["email_address"] != nil {
		t.Errorf("the row with a NULL email_address falls back to email_norm: %v", l.md)
	}
	if l := get("lead11@example.com"); l.md["email_address"] != " Lead11@EXAMPLE.com " {
		t.Errorf("lead11's email_address as written is kept: %v", l.md["email_address"])
	}
	if l := get("lead3@example.com"); l.md["industry"] != "Imported" || l.md["score"] != json.Number("7") ||
		l.md["first_name"] != "First3" || len(l.md["legacy_duplicates"].([]any)) != 2 || l.status != model.LeadContacted {
		t.Errorf("lead3 (imported first): its values win, the legacy row fills the rest and is kept whole: %s %v", l.status, l.md)
	}
	var keys int
	w.super.QueryRow(ctx, `SELECT count(*) FROM lead_keys WHERE workspace_id = $1 AND key IN (SELECT attname FROM pg_attribute
		WHERE attrelid = 'leads_ohio_migrated'::regclass AND attnum > 0 AND attname <> 'email_address')`, w.ws.ID).Scan(&keys)
	if keys != 42 {
		t.Errorf("lead_keys holds %d of the legacy table's 42 other columns", keys)
	}
	var missing []string
	w.super.QueryRow(ctx, `SELECT coalesce(array_agg(k), '{}') FROM (SELECT DISTINCT jsonb_object_keys(metadata) AS k FROM leads WHERE workspace_id = $1) x
		WHERE k NOT IN (SELECT key FROM lead_keys WHERE workspace_id = $1)`, w.ws.ID).Scan(&missing)
	if len(missing) > 0 {
		t.Errorf("metadata keys the leads hold but lead_keys lacks: %v", missing)
	}

	// A second run: re-verified, nothing written.
	done := w.snapshot(t)
	again, err := model.MigrateLegacyLeads(ctx, w.inZone(t, "America/New_York"), w.actor, model.LegacyLeadsMigration{Table: "leads_ohio", Workspace: "ohio", SkipInvalid: true})
	if err != nil {
		t.Fatal(err)
	}
	if !again.Already || again.Verified != 498 || again.Rows != 500 || again.MigratedAt.IsZero() {
		t.Errorf("second run: %+v", again)
	}
	if got := w.snapshot(t); got != done {
		t.Errorf("a second run changed something:\n%s\nwant\n%s", got, done)
	}
	// Into another workspace: refused, naming where they went.
	if _, err := w.store.CreateWorkspace(ctx, "erie", "Erie", nil); err != nil {
		t.Fatal(err)
	}
	if _, err := w.migrate(t, model.LegacyLeadsMigration{Workspace: "erie"}); err == nil || !strings.Contains(err.Error(), "migrated into workspace ohio") {
		t.Errorf("second run into another workspace: %v", err)
	}
}

// TestLegacyMigrationFailingMidwayLeavesEverything: a lead the database
// refuses half-way, or a lead whose checksum does not match, undoes the
// whole migration (the merge into the imported lead included).
func TestLegacyMigrationFailingMidwayLeavesEverything(t *testing.T) {
	w := newLegacyWorld(t)
	ctx := context.Background()
	start := w.snapshot(t)
	for _, tc := range []struct{ name, fn, want string }{
		{"refused", `RAISE EXCEPTION 'injected failure'`, "injected failure"},
		{"tampered", `NEW.metadata := NEW.metadata || '{"industry": "tampered"}'; RETURN NEW`, "checksums: 497 of 498 rows match their lead; the first that do not: id 200"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := w.super.Exec(ctx, `CREATE FUNCTION inject() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN `+tc.fn+`; END $$;
				CREATE TRIGGER inject BEFORE INSERT ON leads FOR EACH ROW WHEN (NEW.email = 'lead200@example.com') EXECUTE FUNCTION inject()`); err != nil {
				t.Fatal(err)
			}
			defer w.super.Exec(ctx, `DROP TRIGGER inject ON leads; DROP FUNCTION inject()`)
			_, err := w.migrate(t, model.LegacyLeadsMigration{SkipInvalid: true})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want %q", err, tc.want)
			}
			if got := w.snapshot(t); got != start {
				t.Errorf("a failed migration changed something:\n%s\nwant\n%s", got, start)
			}
		})
	}
	// Interrupted half-way (the caller gives up while a lead is being
	// written): the same.
	t.Run("interrupted", func(t *testing.T) {
		if _, err := w.super.Exec(ctx, `CREATE FUNCTION inject() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_sleep(30); RETURN NEW; END $$;
			CREATE TRIGGER inject BEFORE INSERT ON leads FOR EACH ROW WHEN (NEW.email = 'lead200@example.com') EXECUTE FUNCTION inject()`); err != nil {
			t.Fatal(err)
		}
		defer w.super.Exec(ctx, `DROP TRIGGER inject ON leads; DROP FUNCTION inject()`)
		short, cancel := context.WithTimeout(ctx, time.Second)
		defer cancel()
		_, err := model.MigrateLegacyLeads(short, w.store, w.actor, model.LegacyLeadsMigration{Table: "leads_ohio", Workspace: "ohio", SkipInvalid: true})
		if err == nil {
			t.Fatal("an interrupted migration reported success")
		}
		if got := w.snapshot(t); got != start {
			t.Errorf("an interrupted migration changed something:\n%s\nwant\n%s", got, start)
		}
	})
	// With the fault gone it just works.
	if _, err := w.migrate(t, model.LegacyLeadsMigration{SkipInvalid: true}); err != nil {
		t.Fatal(err)
	}
	w.checkEveryRowMoved(t, "leads_ohio_migrated")
}

// TestLegacyMigrationAuditsEveryAttemptWithoutLeadValues: refused, failed
// and done attempts are each one audit row naming the table, workspace and
// counts, never an email.
func TestLegacyMigrationAuditsEveryAttemptWithoutLeadValues(t *testing.T) {
	w := newLegacyWorld(t)
	ctx := context.Background()
	viewer := model.Actor{UserID: 0, Name: "vic@example.com", Roles: map[int64]model.Role{w.ws.ID: model.RoleOwner}}
	if _, err := model.MigrateLegacyLeads(ctx, w.store, viewer, model.LegacyLeadsMigration{Table: "leads_ohio", Workspace: "ohio"}); err == nil ||
		!strings.Contains(err.Error(), "super admins only") {
		t.Errorf("a workspace owner: %v", err)
	}
	w.migrate(t, model.LegacyLeadsMigration{Table: `leads"; DROP TABLE leads; --`})
	w.migrate(t, model.LegacyLeadsMigration{})
	w.migrate(t, model.LegacyLeadsMigration{SkipInvalid: true})
	rows, err := w.super.Query(ctx, `SELECT actor, outcome, before::text, coalesce(after::text, ''), error FROM audit_log
		WHERE action = 'leads.migrate_legacy' ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for rows.Next() {
		var actor, outcome, before, after, e string
		rows.Scan(&actor, &outcome, &before, &after, &e)
		got = append(got, outcome)
		all := before + after + e
		if strings.Contains(strings.ToLower(all), "example.com") && actor != "vic@example.com" || strings.Contains(all, "First") {
			t.Errorf("an audit row holds a lead's value: %s", all)
		}
		if !strings.Contains(before, `"table"`) || !strings.Contains(before, `"workspace"`) {
			t.Errorf("audit before: %s", before)
		}
		if outcome == "ok" && !strings.Contains(after, `"created": 449`) && !strings.Contains(after, `"created":449`) {
			t.Errorf("audit after: %s", after)
		}
	}
	if fmt.Sprint(got) != "[failed failed failed ok]" {
		t.Errorf("audit outcomes %v", got)
	}
	if _, err := w.super.Exec(ctx, `SELECT 1 FROM leads LIMIT 1`); err != nil {
		t.Errorf("leads after a hostile table name: %v", err)
	}
}

// TestLegacyMigrationRefusesWhatIsNotALegacyLeadsTable: each refused with
// what is wrong, and nothing changed.
func TestLegacyMigrationRefusesWhatIsNotALegacyLeadsTable(t *testing.T) {
	w := newLegacyWorld(t)
	ctx := context.Background()
	owner := w.store.Pool()
	for _, q := range []string{
		`CREATE TABLE leads_texas (id bigint, email text)`,
		`CREATE TABLE leads_erie (id bigint, email_address text, legacy_duplicates text)`,
		`CREATE TABLE leads_nameless (email_address text)`,
		`CREATE VIEW leads_view AS SELECT * FROM leads_ohio`,
		`CREATE TABLE leads_twice (id bigint, email_address text); INSERT INTO leads_twice VALUES (1, 'a@b.c'), (1, 'd@e.f')`,
		`CREATE TABLE leads_noid (id bigint, email_address text); INSERT INTO leads_noid VALUES (1, 'a@b.c'), (NULL, 'd@e.f')`,
		`CREATE TABLE leads_back (id bigint, email_address text); CREATE TABLE leads_back_migrated (id bigint, email_address text)`,
		`CREATE TABLE leads_other_migrated (id bigint, email_address text)`,
	} {
		if _, err := owner.Exec(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	start := w.snapshot(t)
	for _, tc := range []struct{ table, want string }{
		{"leads_texas", "leads_texas has no column email_address: it does not look like a legacy leads table"},
		{"leads_erie", "has a column legacy_duplicates"},
		{"leads_nameless", "has no column id"},
		{"leads_view", "not a plain table"},
		{"leads_twice", "its id column repeats or lacks a value in 1 rows"},
		{"leads_noid", "its id column repeats or lacks a value in 1 rows"},
		{"leads_back", "both leads_back and leads_back_migrated exist"},
		{"leads_other", "leads_other_migrated exists but godmode did not migrate it"},
		{"leads_none", "there is no table leads_none"},
		{"Leads_Ohio", "not a plain table name"},
		{"leads_ohio_migrated", "give the legacy table's own name"},
	} {
		if _, err := w.migrate(t, model.LegacyLeadsMigration{Table: tc.table, SkipInvalid: true}); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %q", tc.table, err, tc.want)
		}
	}
	if _, err := w.migrate(t, model.LegacyLeadsMigration{Workspace: "nowhere"}); err == nil || !strings.Contains(err.Error(), `--workspace "nowhere"`) {
		t.Errorf("no such workspace: %v", err)
	}
	gone, err := w.store.CreateWorkspace(ctx, "gone", "Gone", nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := w.store.ArchiveWorkspace(ctx, gone.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := w.migrate(t, model.LegacyLeadsMigration{Workspace: "gone", SkipInvalid: true}); err == nil || !strings.Contains(err.Error(), "workspace gone is archived") {
		t.Errorf("into an archived workspace: %v", err)
	}
	if got := w.snapshot(t); got != start {
		t.Errorf("a refusal changed something:\n%s\nwant\n%s", got, start)
	}
}
