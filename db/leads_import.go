package db

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/godmode-console/godmode/model"
)

// jsonNumber is a cell that lands as a JSON number: JSON's own syntax, at
// most 15 digits, so n8n's JavaScript reads back exactly what the file said
// (a zip code's leading zero, a 16-digit id, keep a column text).
const jsonNumber = `^-?(0|[1-9][0-9]*)(\.[0-9]+)?$`

// ImportLeads runs one import in one transaction of the workspace: the
// rows are COPYed as they come into a staging table dropped at commit,
// each key typed by what all its cells say, then merged into leads in one
// statement. An error anywhere, a cancelled ctx included, rolls back:
// the table is as it was.
func (s *Store) ImportLeads(ctx context.Context, workspaceID int64, in model.LeadStaging) (model.LeadMergeCounts, error) {
	var out model.LeadMergeCounts
	err := s.inWorkspace(ctx, workspaceID, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `CREATE TEMP TABLE leads_staging (n int, line int, email text, status text, vals text[]) ON COMMIT DROP`); err != nil {
			return err
		}
		staged, err := tx.CopyFrom(ctx, pgx.Identifier{"leads_staging"}, []string{"n", "line", "email", "status", "vals"}, &stagingSource{next: in.Next})
		if err != nil {
			return err
		}
		if in.Staged != nil {
			if err := in.Staged(int(staged)); err != nil {
				return err
			}
		}
		types, filled, err := typeKeys(ctx, tx, in.Keys, in.AsText)
		if err != nil {
			return err
		}
		out.Typed = map[string]string{}
		for i, t := range types {
			if t != "text" {
				out.Typed[in.Keys[i]] = t
			}
		}
		if err := tx.QueryRow(ctx, mergeSQL(in), workspaceID, in.Keys, types, in.CampaignID).Scan(&out.Inserted, &out.Updated, &out.Emails); err != nil {
			return err
		}
		if len(filled) > 0 {
			_, err = tx.Exec(ctx, `INSERT INTO lead_keys (workspace_id, key) SELECT $1, unnest($2::text[]) ON CONFLICT DO NOTHING`, workspaceID, filled)
		}
		return err
	})
	if err != nil {
		return model.LeadMergeCounts{}, dbErr(fmt.Sprintf("import into the leads of workspace %d", workspaceID), err)
	}
	return out, nil
}

// typeKeys decides each key's type over every staged cell ("number" when
// every non-empty cell is one, "boolean" likewise, else "text"; always
// "text" with asText) and lists the keys holding at least one value.
func typeKeys(ctx context.Context, tx pgx.Tx, keys []string, asText bool) (types, filled []string, err error) {
	types = make([]string, len(keys))
	for i := range types {
		types[i] = "text"
	}
	if len(keys) == 0 {
		return types, nil, nil
	}
	rows, err := tx.Query(ctx, `SELECT i::int,
			bool_and(v ~ $1 AND length(v) - (v LIKE '-%')::int - (v LIKE '%.%')::int <= 15),
			bool_and(lower(v) IN ('true', 'false'))
		FROM leads_staging, unnest(vals) WITH ORDINALITY AS u(v, i)
		WHERE v <> '' GROUP BY i`, jsonNumber)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var i int
		var num, boolean bool
		if err := rows.Scan(&i, &num, &boolean); err != nil {
			return nil, nil, err
		}
		if i < 1 || i > len(keys) {
			continue
		}
		filled = append(filled, keys[i-1])
		switch {
		case asText:
		case num:
			types[i-1] = "number"
		case boolean:
			types[i-1] = "boolean"
		}
	}
	return types, filled, rows.Err()
}

// mergeSQL is the one statement that lands the staged rows: duplicates of
// the file grouped by email (merge: metadata merged in file order, the
// last status given; skip: the first row), then inserted, an existing lead
// merged (metadata || the file's, the file winning) or left alone. Empty
// cells never land, so they never erase. It returns inserted, updated and
// the distinct emails. $1 workspace, $2 keys, $3 their types, $4 campaign.
func mergeSQL(in model.LeadStaging) string {
	typed := `typed AS (
		SELECT s.n, s.email, nullif(s.status, '') AS status,
			(SELECT coalesce(jsonb_object_agg(u.key, CASE u.t WHEN 'number' THEN u.v::jsonb
					WHEN 'boolean' THEN lower(u.v)::jsonb ELSE to_jsonb(u.v) END), '{}'::jsonb)
				FROM unnest(s.vals, $2::text[], $3::text[]) AS u(v, key, t) WHERE u.v <> '') AS md
		FROM leads_staging s)`
	grouped := `grouped AS (
		SELECT email, jsonb_merge_agg(md ORDER BY n) AS md,
			(array_agg(status ORDER BY n DESC) FILTER (WHERE status IS NOT NULL))[1] AS status
		FROM typed GROUP BY email)`
	if in.Skip {
		grouped = `grouped AS (SELECT DISTINCT ON (email) email, md, status FROM typed ORDER BY email, n)`
	}
	status, from := `coalesce(g.status, 'new')`, `grouped g`
	if in.HasStatus && !in.Skip {
		// An empty status cell keeps the lead's status: the row to insert
		// carries it already, as ON CONFLICT sees only that row.
		status = `coalesce(g.status, e.status, 'new')`
		from = `grouped g LEFT JOIN leads e ON e.workspace_id = $1 AND lower(e.email) = g.email`
	}
	conflict := `DO UPDATE SET metadata = l.metadata || EXCLUDED.metadata,
			campaign_id = coalesce(EXCLUDED.campaign_id, l.campaign_id)`
	if in.HasStatus {
		conflict += `, status = EXCLUDED.status`
	}
	if in.Skip {
		conflict = `DO NOTHING`
	}
	return `WITH ` + typed + `, ` + grouped + `, up AS (
		INSERT INTO leads AS l (workspace_id, campaign_id, email, status, metadata)
		SELECT $1::bigint, $4::bigint, g.email, ` + status + `, g.md FROM ` + from + ` ORDER BY g.email
		ON CONFLICT (workspace_id, lower(email)) ` + conflict + `
		RETURNING (xmax = 0) AS ins)
	SELECT (count(*) FILTER (WHERE ins))::int, (count(*) FILTER (WHERE NOT ins))::int, (SELECT count(*) FROM grouped)::int FROM up`
}

// stagingSource feeds CopyFrom from the import's reader, one row at a
// time, so memory does not grow with the file.
type stagingSource struct {
	next func() (model.LeadStagingRow, bool, error)
	row  model.LeadStagingRow
	vals []any
	err  error
}

func (s *stagingSource) Next() bool {
	row, ok, err := s.next()
	if err != nil {
		s.err = err
		return false
	}
	s.row = row
	return ok
}

func (s *stagingSource) Values() ([]any, error) {
	if s.vals == nil {
		s.vals = make([]any, 5)
	}
	s.vals[0], s.vals[1], s.vals[2], s.vals[3], s.vals[4] = int32(s.row.N), int32(s.row.Line), s.row.Email, s.row.Status, s.row.Vals
	return s.vals, nil
}

func (s *stagingSource) Err() error { return s.err }
