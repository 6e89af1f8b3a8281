package dbtest

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// LegacyRows is how many rows LegacyLeadsTable makes.
const LegacyRows = 500

// LegacyLeadsTable creates a legacy per-client leads table with the real
// leads_ohio's columns and types (platform-facts.md, "Leads") and fills it
// with LegacyRows generated rows, through pool (a role that may create
// tables: the owner). What the rows hold, by id i:
//   - lead<i>@example.com; when i%10 == 1 written " Lead<i>@EXAMPLE.com "
//   - 451..496 repeat the email of i-450 upper-cased, 497 and 498 that of
//     lead 1 (so lead 1 has four rows); even ones are newer than the row
//     they repeat, odd ones older; updated_at is NULL when i%13 == 0
//   - 250: email_address "not-an-email"; 499: email_address NULL,
//     email_norm norm499@example.com; 500: no email at all
//   - opted_out when i%17 == 0, replied when i%11 == 0, email_1_sent when
//     i%3 == 0, email_2_sent when i%4 == 0; when i%7 == 0 most columns,
//     booleans included, are NULL
//   - campaign_name "Roofers Q1" for even i, "Gone campaign" for odd
//   - token numeric(10,2) (i*1.25, written with two decimals), founded_year
//     integer, research_report with quotes and a newline; email_3_subject
//     and email_3_body only when i%50 == 0
func LegacyLeadsTable(t testing.TB, pool *pgxpool.Pool, table string) {
	t.Helper()
	LegacyLeadsTableN(t, pool, table, LegacyRows)
}

// LegacyLeadsTableN is LegacyLeadsTable with n rows (n >= LegacyRows): the
// rows past LegacyRows are plain lead<i>@example.com, for benchmarks.
func LegacyLeadsTableN(t testing.TB, pool *pgxpool.Pool, table string, n int) {
	t.Helper()
	ctx := context.Background()
	name := pgx.Identifier{table}.Sanitize()
	stmts := []string{`CREATE TABLE ` + name + ` (
		id bigserial PRIMARY KEY,
		workspace_id text, first_name text, last_name text, full_name text,
		email_address text, email_norm text, linkedin_url text, position text, industry text,
		city text, state text, country text, organization_name text, organization_website text,
		organization_description text, organization_linkedin_url text, organization_size text,
		organization_specialities text, organization_city text, organization_state text,
		organization_country text, founded_year integer,
		"analyze" boolean, email_prep boolean, report_sent boolean, email_1_sent boolean,
		email_2_sent boolean, email_3_sent boolean, replied boolean, opted_out boolean,
		research_report text, email_1_subject text, email_1_body text, email_2_body text,
		email_3_subject text, email_3_body text, sender_email text, message_id text,
		token numeric(10,2), created_at timestamptz, updated_at timestamptz, campaign_name text)`,
		`INSERT INTO ` + name + ` (id, workspace_id, first_name, last_name, full_name, email_address, email_norm,
			linkedin_url, position, industry, city, state, country, organization_name, organization_website,
			organization_description, organization_linkedin_url, organization_size, organization_specialities,
			organization_city, organization_state, organization_country, founded_year,
			"analyze", email_prep, report_sent, email_1_sent, email_2_sent, email_3_sent, replied, opted_out,
			research_report, email_1_subject, email_1_body, email_2_body, email_3_subject, email_3_body,
			sender_email, message_id, token, created_at, updated_at, campaign_name)
		SELECT i, 'ohio-legacy', 'First' || i, pg_temp.nn(i, 'Last' || i), pg_temp.nn(i, 'First' || i || ' Last' || i),
			CASE WHEN i IN (499, 500) THEN NULL WHEN i = 250 THEN 'not-an-email'
				WHEN i IN (497, 498) THEN 'LEAD1@EXAMPLE.COM'
				WHEN i > 450 AND i < 497 THEN upper('lead' || (i - 450) || '@example.com')
				WHEN i % 10 = 1 THEN ' Lead' || i || '@EXAMPLE.com '
				ELSE 'lead' || i || '@example.com' END,
			CASE WHEN i = 499 THEN 'norm499@example.com' WHEN i = 500 OR i % 5 = 0 THEN NULL
				ELSE 'lead' || i || '@example.com' END,
			pg_temp.nn(i, 'https://linkedin.com/in/p' || i), pg_temp.nn(i, 'CEO'), pg_temp.nn(i, (ARRAY['Solar', 'Roofing', 'HVAC'])[1 + i % 3]),
			pg_temp.nn(i, 'Columbus'), pg_temp.nn(i, 'OH'), 'US', pg_temp.nn(i, 'Org ' || i), pg_temp.nn(i, 'https://org' || i || '.example'),
			pg_temp.nn(i, 'Makes things, "well"'), pg_temp.nn(i, 'https://linkedin.com/company/o' || i), pg_temp.nn(i, '11-50'),
			pg_temp.nn(i, 'roofs; gutters'), pg_temp.nn(i, 'Dayton'), pg_temp.nn(i, 'OH'), pg_temp.nn(i, 'US'),
			CASE WHEN i % 7 = 0 THEN NULL ELSE 1900 + i % 120 END,
			pg_temp.nb(i, i % 2 = 0), pg_temp.nb(i, i % 3 = 1), pg_temp.nb(i, false), pg_temp.nb(i, i % 3 = 0), pg_temp.nb(i, i % 4 = 0), pg_temp.nb(i, false),
			pg_temp.nb(i, i % 11 = 0), pg_temp.nb(i, i % 17 = 0),
			pg_temp.nn(i, 'Report "' || i || E'"\nsecond line'), pg_temp.nn(i, 'Hi ' || i), pg_temp.nn(i, 'Body 1'), pg_temp.nn(i, 'Body 2'),
			CASE WHEN i % 50 = 0 THEN 'Last try' END, CASE WHEN i % 50 = 0 THEN 'Body 3' END, 'sender@ohio.example', pg_temp.nn(i, '<m' || i || '@mail>'), i * 1.25,
			'2024-01-01T00:00:00Z'::timestamptz + i * interval '1 minute',
			CASE WHEN i % 13 = 0 THEN NULL
				WHEN i > 450 AND i <= 500 AND i % 2 = 0 THEN '2025-06-01T00:00:00Z'::timestamptz + i * interval '1 minute'
				WHEN i > 450 AND i <= 500 THEN '2023-01-01T00:00:00Z'::timestamptz + i * interval '1 minute'
				ELSE '2024-06-01T00:00:00Z'::timestamptz + i * interval '1 minute' END,
			CASE WHEN i % 2 = 0 THEN 'Roofers Q1' ELSE 'Gone campaign' END
		FROM generate_series(1, $1::int) i`,
		`SELECT setval(pg_get_serial_sequence(quote_ident($1), 'id'), $2::int)`,
	}
	tx, err := pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	// nn and nb make a value NULL for every seventh row.
	if _, err := tx.Exec(ctx, `CREATE OR REPLACE FUNCTION pg_temp.nn(i int, v text) RETURNS text LANGUAGE sql AS $$ SELECT CASE WHEN i % 7 = 0 THEN NULL ELSE v END $$`); err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(ctx, `CREATE OR REPLACE FUNCTION pg_temp.nb(i int, v boolean) RETURNS boolean LANGUAGE sql AS $$ SELECT CASE WHEN i % 7 = 0 THEN NULL ELSE v END $$`); err != nil {
		t.Fatal(err)
	}
	args := [][]any{nil, {n}, {table, n}}
	for i, s := range stmts {
		if _, err := tx.Exec(ctx, s, args[i]...); err != nil {
			t.Fatalf("legacy table %s: %v", table, err)
		}
	}
	if err := tx.Commit(ctx); err != nil {
		t.Fatal(err)
	}
}
