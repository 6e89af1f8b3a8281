package db

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/godmode-console/godmode/model"
)

// legacyCommentPrefix starts the comment a migrated legacy table carries:
// the JSON after it says where its rows went, so a second run knows.
const legacyCommentPrefix = "godmode leads migrate-legacy: "

// legacyComment is what a migrated table's comment records.
type legacyComment struct {
	Workspace   string    `json:"workspace"`
	WorkspaceID int64     `json:"workspace_id"`
	MigratedAt  time.Time `json:"migrated_at"`
	Rows        int       `json:"rows"`
}

// legacyCol is one column of a legacy table.
type legacyCol struct {
	name string
	bool bool
}

var emailSentColumn = regexp.MustCompile(`^email_[0-9]+_sent$`)

// errLegacyVerifyOnly rolls back a re-verification, which changes nothing.
var errLegacyVerifyOnly = errors.New("verify only")

// MigrateLegacyLeads moves a legacy per-client leads table into the
// workspace's leads in one transaction (see model.LegacyLeadsStore): rows
// staged with their canonical JSON, one lead per normalised email,
// checksums and counts verified, lead_keys kept, then the table renamed
// with a comment saying where its rows went. Run by the table's owner.
func (s *Store) MigrateLegacyLeads(ctx context.Context, table string, ws model.Workspace, decide func(model.LegacyLeadsReport) error) (model.LegacyLeadsReport, error) {
	rep := model.LegacyLeadsReport{Table: table, WorkspaceID: ws.ID}
	what := fmt.Sprintf("legacy table %s", table)
	err := s.inWorkspace(ctx, ws.ID, func(tx pgx.Tx) error {
		// Sorting a million wide rows by email in memory rather than on disk;
		// and rows written as JSON the same way whatever the session's
		// settings, so a second run from another time zone rebuilds the
		// same checksums.
		if _, err := tx.Exec(ctx, `SET LOCAL lock_timeout = '10s'; SET LOCAL work_mem = '128MB';
			SET LOCAL TimeZone = 'UTC'; SET LOCAL IntervalStyle = 'postgres'; SET LOCAL extra_float_digits = 1`); err != nil {
			return err
		}
		var here, migrated bool
		if err := tx.QueryRow(ctx, `SELECT to_regclass(quote_ident($1)) IS NOT NULL, to_regclass(quote_ident($2)) IS NOT NULL`,
			table, table+model.LegacyMigratedSuffix).Scan(&here, &migrated); err != nil {
			return err
		}
		switch {
		case here && migrated:
			return fmt.Errorf("%w: both %s and %s%s exist: a table of that name came back after a migration; rename one of them first",
				model.ErrInvalid, table, table, model.LegacyMigratedSuffix)
		case !here && migrated:
			return s.reverifyLegacy(ctx, tx, table, ws, &rep)
		case !here:
			return fmt.Errorf("%w: there is no table %s (nor %s%s)", model.ErrNotFound, table, table, model.LegacyMigratedSuffix)
		}
		cols, err := legacyColumns(ctx, tx, table)
		if err != nil {
			return err
		}
		// Nothing writes to it while its rows move (the rename needs this
		// lock anyway, and taking it late could deadlock).
		if _, err := tx.Exec(ctx, `LOCK TABLE `+pgx.Identifier{table}.Sanitize()+` IN ACCESS EXCLUSIVE MODE`); err != nil {
			return err
		}
		if err := stageLegacy(ctx, tx, table, cols, ws.ID); err != nil {
			return err
		}
		var before int
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM leads WHERE workspace_id = $1`, ws.ID).Scan(&before); err != nil {
			return err
		}
		if err := legacyCounts(ctx, tx, table, &rep); err != nil {
			return err
		}
		// Leads already there (an import came first) keep their values: the
		// legacy row fills the keys they lack, every legacy row of that email
		// is kept whole under legacy_duplicates, and the stronger status wins.
		tag, err := tx.Exec(ctx, `UPDATE leads l SET
				metadata = (g.top - 'email_address') || (l.metadata - 'legacy_duplicates')
					|| jsonb_build_object('legacy_duplicates',
						CASE WHEN jsonb_typeof(l.metadata->'legacy_duplicates') = 'array' THEN l.metadata->'legacy_duplicates' ELSE '[]' END
						|| jsonb_build_array(g.top) || coalesce(g.dups, '[]')),
				status = CASE WHEN coalesce(array_position($2::text[], l.status), 0) >= g.st THEN l.status ELSE ($2::text[])[g.st] END,
				campaign_id = coalesce(l.campaign_id, g.campaign_id)
			FROM legacy_leads g WHERE g.existing AND l.workspace_id = $1 AND lower(l.email) = g.email`, ws.ID, model.LeadStatuses)
		if err != nil {
			return err
		}
		if int(tag.RowsAffected()) != rep.Merged {
			return fmt.Errorf("%d leads merged, %d expected: a lead changed while migrating; nothing was migrated", tag.RowsAffected(), rep.Merged)
		}
		// The lead's email is normalised; when the row's email_address was
		// written otherwise (case, spaces, empty, NULL) metadata keeps it as
		// written, so the row can be rebuilt exactly from its lead.
		tag, err = tx.Exec(ctx, `INSERT INTO leads (workspace_id, campaign_id, email, status, metadata)
			SELECT $1, g.campaign_id, g.email, ($2::text[])[g.st],
				(g.top - 'email_address')
				|| CASE WHEN g.top->>'email_address' IS DISTINCT FROM g.email
					THEN jsonb_build_object('email_address', g.top->'email_address') ELSE '{}' END
				|| CASE WHEN g.dups IS NULL THEN '{}' ELSE jsonb_build_object('legacy_duplicates', g.dups) END
			FROM legacy_leads g WHERE NOT g.existing ORDER BY g.email`, ws.ID, model.LeadStatuses)
		if err != nil {
			return err
		}
		if int(tag.RowsAffected()) != rep.Created {
			return fmt.Errorf("%d leads made, %d expected; nothing was migrated", tag.RowsAffected(), rep.Created)
		}
		var after int
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM leads WHERE workspace_id = $1`, ws.ID).Scan(&after); err != nil {
			return err
		}
		if after != before+rep.Created {
			return fmt.Errorf("the workspace had %d leads and has %d after making %d; nothing was migrated", before, after, rep.Created)
		}
		if err := verifyLegacy(ctx, tx, ws.ID, &rep); err != nil {
			return err
		}
		// A new lead's keys are the legacy columns its top row has, and the
		// two the migration adds: one probe per column rather than every key
		// of every lead. Merged leads are few: their keys are read.
		var names []string
		for name := range cols {
			names = append(names, name)
		}
		if _, err := tx.Exec(ctx, `INSERT INTO lead_keys (workspace_id, key)
			SELECT $1::bigint, k FROM unnest($2::text[]) k
				WHERE k <> 'email_address' AND EXISTS (SELECT 1 FROM legacy_leads g WHERE NOT g.existing AND g.top ? k)
			UNION SELECT $1, 'email_address'
				WHERE EXISTS (SELECT 1 FROM legacy_leads g WHERE NOT g.existing AND g.top->>'email_address' IS DISTINCT FROM g.email)
			UNION SELECT $1, 'legacy_duplicates' WHERE EXISTS (SELECT 1 FROM legacy_leads g WHERE NOT g.existing AND g.dups IS NOT NULL)
			UNION SELECT $1, k FROM leads l CROSS JOIN LATERAL jsonb_object_keys(l.metadata) k
				WHERE l.workspace_id = $1 AND lower(l.email) IN (SELECT email FROM legacy_leads WHERE existing)
			ON CONFLICT DO NOTHING`, ws.ID, names); err != nil {
			return err
		}
		if err := decide(rep); err != nil {
			return err
		}
		rep.RenamedTo = table + model.LegacyMigratedSuffix
		if _, err := tx.Exec(ctx, `ALTER TABLE `+pgx.Identifier{table}.Sanitize()+` RENAME TO `+pgx.Identifier{rep.RenamedTo}.Sanitize()); err != nil {
			return err
		}
		c, _ := json.Marshal(legacyComment{Workspace: ws.Slug, WorkspaceID: ws.ID, MigratedAt: time.Now().UTC().Truncate(time.Second), Rows: rep.Rows})
		var stmt string
		if err := tx.QueryRow(ctx, `SELECT format('COMMENT ON TABLE %I IS %L', $1::text, $2::text)`, rep.RenamedTo, legacyCommentPrefix+string(c)).Scan(&stmt); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, stmt)
		return err
	})
	switch {
	case errors.Is(err, errLegacyVerifyOnly):
		return rep, nil
	case err == nil:
		return rep, nil
	}
	var dberr error = err
	if !errors.Is(err, model.ErrInvalid) && !errors.Is(err, model.ErrNotFound) {
		dberr = dbErr(what, err)
	}
	if rep.RenamedTo != "" && !rep.Already {
		rep.RenamedTo = ""
	}
	return rep, dberr
}

// legacyColumns reads the table's columns and checks it looks like a
// leads table the caller may rename.
func legacyColumns(ctx context.Context, tx pgx.Tx, table string) (map[string]legacyCol, error) {
	var kind, owner string
	var mine bool
	if err := tx.QueryRow(ctx, `SELECT c.relkind::text, pg_get_userbyid(c.relowner)::text, pg_has_role(current_user, c.relowner, 'USAGE')
		FROM pg_class c WHERE c.oid = to_regclass(quote_ident($1))`, table).Scan(&kind, &owner, &mine); err != nil {
		return nil, err
	}
	if kind != "r" {
		return nil, fmt.Errorf("%w: %s is not a plain table", model.ErrInvalid, table)
	}
	if !mine {
		return nil, fmt.Errorf("%w: %s is owned by %s: renaming it needs its owner's URL (owner_database_url, or GODMODE_OWNER_DATABASE_URL)", model.ErrForbidden, table, owner)
	}
	rows, err := tx.Query(ctx, `SELECT attname::text, atttypid = 'boolean'::regtype FROM pg_attribute
		WHERE attrelid = to_regclass(quote_ident($1)) AND attnum > 0 AND NOT attisdropped ORDER BY attnum LIMIT 1600`, table)
	if err != nil {
		return nil, err
	}
	cols := map[string]legacyCol{}
	for rows.Next() {
		var c legacyCol
		if err := rows.Scan(&c.name, &c.bool); err != nil {
			return nil, err
		}
		cols[c.name] = c
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, need := range []string{"email_address", "id"} {
		if _, ok := cols[need]; !ok {
			return nil, fmt.Errorf("%w: %s has no column %s: it does not look like a legacy leads table", model.ErrInvalid, table, need)
		}
	}
	if _, ok := cols["legacy_duplicates"]; ok {
		return nil, fmt.Errorf("%w: %s has a column legacy_duplicates, the metadata key its repeated rows would go under: rename that column first", model.ErrInvalid, table)
	}
	return cols, nil
}

// stageLegacy copies the table into legacy_rows (each row's canonical JSON,
// its normalised email, why it is unusable, the status its flags say, its
// rank among the rows of its email, newest first) and legacy_leads (one
// row per usable email: what its lead gets). Both go at commit.
func stageLegacy(ctx context.Context, tx pgx.Tx, table string, cols map[string]legacyCol, wsID int64) error {
	col := func(name string) string { return "r." + pgx.Identifier{name}.Sanitize() }
	clean := func(name string) string {
		if _, ok := cols[name]; !ok {
			return "NULL::text"
		}
		return `nullif(btrim(` + col(name) + `::text, E' \t\r\n'), '')`
	}
	flag := func(name string) string {
		if c, ok := cols[name]; ok && c.bool {
			return "coalesce(" + col(name) + ", false)"
		}
		return "false"
	}
	var sent []string
	for name, c := range cols {
		if c.bool && emailSentColumn.MatchString(name) {
			sent = append(sent, flag(name))
		}
	}
	if len(sent) == 0 {
		sent = []string{"false"}
	}
	updated := "NULL::timestamptz"
	if _, ok := cols["updated_at"]; ok {
		updated = col("updated_at")
	}
	noEmail := "no email: email_address is empty"
	if _, ok := cols["email_norm"]; ok {
		noEmail = "no email: email_address and email_norm are empty"
	}
	q := fmt.Sprintf(`CREATE TEMP TABLE legacy_rows ON COMMIT DROP AS
		SELECT s.lid, s.idsort, s.doc, s.email, s.st, s.campaign_name,
			coalesce(s.email ~ '^[^@[:space:]]+@[^@[:space:]]+$', false) AS valid,
			CASE WHEN s.email IS NULL THEN %s
				ELSE s.src || ' is not an email address' END AS why,
			row_number() OVER (PARTITION BY s.email ORDER BY s.upd DESC NULLS LAST, s.idsort DESC) AS rk
		FROM (SELECT r.id::text AS lid, r.id AS idsort, %s AS upd,
				jsonb_strip_nulls(to_jsonb(r)) AS doc,
				lower(coalesce(%s, %s)) AS email,
				CASE WHEN %s IS NOT NULL THEN 'email_address' ELSE 'email_norm' END AS src,
				array_position($1::text[], CASE WHEN %s THEN 'unsubscribed' WHEN %s THEN 'replied'
					WHEN %s THEN 'contacted' ELSE 'new' END) AS st,
				%s AS campaign_name
			FROM %s r) s`,
		quoteLiteral(noEmail), updated, clean("email_address"), clean("email_norm"), clean("email_address"),
		flag("opted_out"), flag("replied"), strings.Join(sent, " OR "), clean("campaign_name"),
		pgx.Identifier{table}.Sanitize())
	if _, err := tx.Exec(ctx, q, model.LeadStatuses); err != nil {
		return err
	}
	// The newest row of each email is its lead's top; only the rows after
	// it are aggregated (most emails have one row: nothing to sort).
	_, err := tx.Exec(ctx, `CREATE TEMP TABLE legacy_leads ON COMMIT DROP AS
		SELECT t.email, s.st, s.n, t.doc AS top, d.dups,
			(SELECT min(c.id) FROM campaigns c WHERE c.workspace_id = $1 AND c.name = t.campaign_name) AS campaign_id,
			EXISTS (SELECT 1 FROM leads l WHERE l.workspace_id = $1 AND lower(l.email) = t.email) AS existing
		FROM legacy_rows t
		JOIN (SELECT email, max(st) AS st, count(*) AS n FROM legacy_rows WHERE valid GROUP BY email) s ON s.email = t.email
		LEFT JOIN (SELECT email, jsonb_agg(doc ORDER BY rk) AS dups FROM legacy_rows WHERE valid AND rk > 1 GROUP BY email) d ON d.email = t.email
		WHERE t.valid AND t.rk = 1`, wsID)
	if err != nil {
		return err
	}
	// Temporary tables get no statistics of their own (autovacuum skips
	// them): without these the joins below are planned for a handful of rows.
	_, err = tx.Exec(ctx, `ANALYZE legacy_rows; ANALYZE legacy_leads`)
	return err
}

// quoteLiteral quotes a constant of this file's own as an SQL string.
func quoteLiteral(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// legacyCounts fills the report from the staged rows and checks that every
// row of the table is accounted for exactly once.
func legacyCounts(ctx context.Context, tx pgx.Tx, table string, rep *model.LegacyLeadsReport) error {
	var inTable int
	if err := tx.QueryRow(ctx, `SELECT count(*) FROM `+pgx.Identifier{table}.Sanitize()).Scan(&inTable); err != nil {
		return err
	}
	var repeats int
	if err := tx.QueryRow(ctx, `SELECT count(*), count(*) - count(DISTINCT lid), count(*) FILTER (WHERE NOT valid)
		FROM legacy_rows`).Scan(&rep.Rows, &repeats, &rep.Invalid); err != nil {
		return err
	}
	if repeats > 0 || rep.Rows != inTable {
		return fmt.Errorf("%w: %s: its id column repeats or lacks a value in %d rows: rows could not be told apart", model.ErrInvalid, table, repeats)
	}
	rows, err := tx.Query(ctx, `SELECT lid, why FROM legacy_rows WHERE NOT valid ORDER BY idsort LIMIT $1`, model.MaxLegacyInvalidListed)
	if err != nil {
		return err
	}
	rep.InvalidRows = nil
	for rows.Next() {
		var r model.LegacyInvalidRow
		if err := rows.Scan(&r.ID, &r.Why); err != nil {
			return err
		}
		rep.InvalidRows = append(rep.InvalidRows, r)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if err := tx.QueryRow(ctx, `SELECT count(*), count(*) FILTER (WHERE NOT existing), count(*) FILTER (WHERE existing),
			coalesce(sum(CASE WHEN existing THEN n ELSE n - 1 END), 0)
		FROM legacy_leads`).Scan(&rep.Leads, &rep.Created, &rep.Merged, &rep.Duplicates); err != nil {
		return err
	}
	if rep.Created+rep.Duplicates+rep.Invalid != rep.Rows {
		return fmt.Errorf("%d rows, but %d leads made + %d duplicates kept + %d invalid: nothing was migrated",
			rep.Rows, rep.Created, rep.Duplicates, rep.Invalid)
	}
	rep.Statuses = map[string]int{}
	srows, err := tx.Query(ctx, `SELECT ($1::text[])[st], count(*) FROM legacy_leads GROUP BY 1 ORDER BY 1`, model.LeadStatuses)
	if err != nil {
		return err
	}
	for srows.Next() {
		var st string
		var n int
		if err := srows.Scan(&st, &n); err != nil {
			return err
		}
		rep.Statuses[st] = n
	}
	return srows.Err()
}

// verifyLegacy checks every usable staged row against the leads: the md5
// of its canonical JSON must be that of its lead rebuilt (metadata minus
// legacy_duplicates, plus the email as email_address unless metadata
// keeps it as written) or of one of the lead's legacy_duplicates. Row ids
// are unique, so each row matches its own copy.
func verifyLegacy(ctx context.Context, tx pgx.Tx, wsID int64, rep *model.LegacyLeadsReport) error {
	var bad []string
	err := tx.QueryRow(ctx, `WITH mine AS (
			SELECT l.email, l.metadata FROM leads l
			WHERE l.workspace_id = $1 AND lower(l.email) IN (SELECT email FROM legacy_rows WHERE valid)
		), cand AS (
			SELECT DISTINCT lower(email) AS email, h FROM (
				SELECT email, md5(jsonb_strip_nulls(CASE WHEN (metadata - 'legacy_duplicates') ? 'email_address'
					THEN metadata - 'legacy_duplicates'
					ELSE (metadata - 'legacy_duplicates') || jsonb_build_object('email_address', email) END)::text) AS h
				FROM mine
				UNION ALL
				SELECT email, md5(d::text) FROM mine CROSS JOIN LATERAL jsonb_array_elements(
					CASE WHEN jsonb_typeof(metadata->'legacy_duplicates') = 'array' THEN metadata->'legacy_duplicates' ELSE '[]' END) d
			) x
		)
		SELECT count(*) FILTER (WHERE c.h IS NOT NULL),
			coalesce((array_agg(r.lid ORDER BY r.idsort) FILTER (WHERE c.h IS NULL))[1:5], '{}')
		FROM legacy_rows r LEFT JOIN cand c ON c.email = r.email AND c.h = md5(r.doc::text)
		WHERE r.valid`, wsID).Scan(&rep.Verified, &bad)
	if err != nil {
		return err
	}
	if want := rep.Rows - rep.Invalid; rep.Verified != want || len(bad) > 0 {
		return fmt.Errorf("checksums: %d of %d rows match their lead; the first that do not: id %s",
			rep.Verified, want, strings.Join(bad, ", id "))
	}
	return nil
}

// reverifyLegacy is a second run: the table was renamed by a migration
// whose comment names the workspace. Its rows are checked against the
// leads again and nothing changes (the transaction is rolled back).
func (s *Store) reverifyLegacy(ctx context.Context, tx pgx.Tx, table string, ws model.Workspace, rep *model.LegacyLeadsReport) error {
	renamed := table + model.LegacyMigratedSuffix
	var comment *string
	if err := tx.QueryRow(ctx, `SELECT left(obj_description(to_regclass(quote_ident($1)), 'pg_class'), 4096)`, renamed).Scan(&comment); err != nil {
		return err
	}
	var c legacyComment
	if comment == nil || !strings.HasPrefix(*comment, legacyCommentPrefix) ||
		json.Unmarshal([]byte(strings.TrimPrefix(*comment, legacyCommentPrefix)), &c) != nil {
		return fmt.Errorf("%w: there is no table %s; %s exists but godmode did not migrate it (its comment does not say so)",
			model.ErrNotFound, table, renamed)
	}
	if c.WorkspaceID != ws.ID {
		return fmt.Errorf("%w: %s was migrated into workspace %s (id %d) on %s, not %s",
			model.ErrInvalid, table, c.Workspace, c.WorkspaceID, c.MigratedAt.Format(time.RFC3339), ws.Slug)
	}
	cols, err := legacyColumns(ctx, tx, renamed)
	if err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `LOCK TABLE `+pgx.Identifier{renamed}.Sanitize()+` IN SHARE MODE`); err != nil {
		return err
	}
	if err := stageLegacy(ctx, tx, renamed, cols, ws.ID); err != nil {
		return err
	}
	if err := legacyCounts(ctx, tx, renamed, rep); err != nil {
		return err
	}
	rep.Already, rep.MigratedAt, rep.RenamedTo = true, c.MigratedAt, renamed
	// The leads exist now: what was made then cannot be told from what was
	// merged, so the report says leads and rows.
	rep.Created, rep.Merged, rep.Duplicates = 0, 0, 0
	if err := verifyLegacy(ctx, tx, ws.ID, rep); err != nil {
		return fmt.Errorf("%s was migrated on %s but its rows no longer all match their leads (were the leads changed since?): %w",
			table, c.MigratedAt.Format(time.RFC3339), err)
	}
	return errLegacyVerifyOnly
}
