package db

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/godmode-console/godmode/model"
)

// ImportLeads runs one import in one transaction of the workspace: the
// rows are COPYed as they come into a staging table dropped at commit,
// then merged into leads in one statement, the keys the import found
// numbers or booleans cast on the way. An error anywhere, a cancelled ctx
// included, rolls back: the table is as it was.
func (s *Store) ImportLeads(ctx context.Context, workspaceID int64, in model.LeadStaging) (model.LeadMergeCounts, error) {
	var out model.LeadMergeCounts
	err := s.inWorkspace(ctx, workspaceID, func(tx pgx.Tx) error {
		// The sorts of a million staged rows stay in memory (the default
		// 4 MB spills them to disk).
		if _, err := tx.Exec(ctx, `SET LOCAL work_mem = '128MB'`); err != nil {
			return err
		}
		// leads_metadata_idx's new entries go to its pending list (GIN's
		// fastupdate) instead of into the tree row by row, so the merge
		// does not pay for them; autovacuum (or a later insert past the
		// usual limit) folds them in at once, in bulk, which costs about
		// half of folding them one by one (a million rows of 12 keys:
		// 14 s against 23 s, measured). Searches read the pending list
		// until then, so filters stay right meanwhile.
		if _, err := tx.Exec(ctx, `SET LOCAL gin_pending_list_limit = '2000MB'`); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `CREATE TEMP TABLE leads_staging (n int, line int, email text, status text, md jsonb) ON COMMIT DROP`); err != nil {
			return err
		}
		staged, err := tx.CopyFrom(ctx, pgx.Identifier{"leads_staging"}, []string{"n", "line", "email", "status", "md"}, &stagingSource{next: in.Next})
		if err != nil {
			return err
		}
		var keys model.StagedKeys
		if in.Staged != nil {
			if keys, err = in.Staged(int(staged)); err != nil {
				return err
			}
		}
		sql, args := mergeSQL(in, keys.Typed)
		if err := tx.QueryRow(ctx, sql, append([]any{workspaceID, in.CampaignID}, args...)...).Scan(&out.Inserted, &out.Updated); err != nil {
			return err
		}
		if len(keys.Filled) > 0 {
			_, err = tx.Exec(ctx, `INSERT INTO lead_keys (workspace_id, key) SELECT $1, unnest($2::text[]) ON CONFLICT DO NOTHING`, workspaceID, keys.Filled)
		}
		return err
	})
	if err != nil {
		return model.LeadMergeCounts{}, dbErr(fmt.Sprintf("import into the leads of workspace %d", workspaceID), err)
	}
	return out, nil
}

// typedMetadata is a staged row's metadata with the typed keys cast
// (they were staged as strings): $3 holds the keys. jsonb_build_object
// takes at most 50 pairs (100 arguments), so more concatenate several.
func typedMetadata(typed map[string]string) (string, []any) {
	if len(typed) == 0 {
		return "s.md", nil
	}
	keys := make([]string, 0, len(typed))
	for k := range typed {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var parts, pairs []string
	for i, k := range keys {
		v := fmt.Sprintf("s.md ->> ($3::text[])[%d]", i+1)
		if typed[k] == "boolean" {
			v = "lower(" + v + ")"
		}
		pairs = append(pairs, fmt.Sprintf("($3::text[])[%d], (%s)::jsonb", i+1, v))
		if len(pairs) == 50 || i == len(keys)-1 {
			parts = append(parts, "jsonb_build_object("+strings.Join(pairs, ", ")+")")
			pairs = nil
		}
	}
	// A key the row lacks casts to NULL, which strip_nulls drops.
	return "s.md || jsonb_strip_nulls(" + strings.Join(parts, " || ") + ")", []any{keys}
}

// mergeSQL is the one statement that lands the staged rows: duplicates of
// the file grouped by email (merge: metadata merged in file order, the
// last status given; skip: the first row), then inserted, an existing lead
// merged (metadata || the file's, the file winning) or left alone. It
// returns the leads inserted and updated. $1 workspace, $2 campaign, then
// the typed keys' args.
func mergeSQL(in model.LeadStaging, typed map[string]string) (string, []any) {
	md, args := typedMetadata(typed)
	// Sorted by email then row, so each email's rows reach the aggregate
	// in file order (the later key winning) with no sort per email, and
	// the rows reach the index in its order.
	rows := `(SELECT s.n, s.email, nullif(s.status, '') AS status, ` + md + ` AS md
		FROM leads_staging s ORDER BY s.email, s.n) t`
	grouped := `SELECT email, jsonb_merge_agg(md) AS md,
			(array_agg(status) FILTER (WHERE status IS NOT NULL))[count(status)] AS status
		FROM ` + rows + ` GROUP BY email`
	if in.Skip {
		grouped = `SELECT DISTINCT ON (email) email, md, status FROM ` + rows + ` ORDER BY email, n`
	}
	status, from := `coalesce(g.status, 'new')`, `(`+grouped+`) g`
	if in.HasStatus && !in.Skip {
		// An empty status cell keeps the lead's status: the row to insert
		// carries it already, as ON CONFLICT sees only that row.
		status = `coalesce(g.status, e.status, 'new')`
		from += ` LEFT JOIN leads e ON e.workspace_id = $1 AND lower(e.email) = g.email`
	}
	conflict := `DO UPDATE SET metadata = l.metadata || EXCLUDED.metadata,
			campaign_id = coalesce(EXCLUDED.campaign_id, l.campaign_id)`
	if in.HasStatus {
		conflict += `, status = EXCLUDED.status`
	}
	if in.Skip {
		conflict = `DO NOTHING`
	}
	return `WITH up AS (
		INSERT INTO leads AS l (workspace_id, campaign_id, email, status, metadata)
		SELECT $1::bigint, $2::bigint, g.email, ` + status + `, g.md FROM ` + from + ` ORDER BY g.email
		ON CONFLICT (workspace_id, lower(email)) ` + conflict + `
		RETURNING (xmax = 0) AS ins)
	SELECT (count(*) FILTER (WHERE ins))::int, (count(*) FILTER (WHERE NOT ins))::int FROM up`, args
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
	s.vals[0], s.vals[1], s.vals[2], s.vals[3], s.vals[4] = int32(s.row.N), int32(s.row.Line), s.row.Email, s.row.Status, s.row.Metadata
	return s.vals, nil
}

func (s *stagingSource) Err() error { return s.err }
