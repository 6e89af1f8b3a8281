package db

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/godmode-console/godmode/model"
)

// LeadsResult says what an upsert did.
type LeadsResult struct{ Inserted, Updated int }

// UpsertLeads loads leads of one workspace in bulk (the demo's seeds and
// tests; files go through ImportLeads): COPY into a temp table,
// then one INSERT … ON CONFLICT, so a million rows cost one round trip and
// a lead seen again keeps its id and merges its metadata. All or nothing.
func (s *Store) UpsertLeads(ctx context.Context, workspaceID int64, leads []model.Lead) (LeadsResult, error) {
	var res LeadsResult
	err := s.inWorkspace(ctx, workspaceID, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `CREATE TEMP TABLE leads_in (n int, campaign_id bigint, email text, status text, metadata jsonb) ON COMMIT DROP`); err != nil {
			return err
		}
		_, err := tx.CopyFrom(ctx, pgx.Identifier{"leads_in"}, []string{"n", "campaign_id", "email", "status", "metadata"},
			pgx.CopyFromSlice(len(leads), func(i int) ([]any, error) {
				l := leads[i]
				md := string(l.Metadata)
				if md == "" {
					md = "{}"
				}
				st := l.Status
				if st == "" {
					st = "new"
				}
				return []any{i + 1, l.CampaignID, l.Email, st, md}, nil
			}))
		if err != nil {
			return err
		}
		// Like every writer of leads, it keeps the workspace's key set.
		if _, err := tx.Exec(ctx, `INSERT INTO lead_keys (workspace_id, key)
			SELECT DISTINCT $1::bigint, jsonb_object_keys(metadata) FROM leads_in ON CONFLICT DO NOTHING`, workspaceID); err != nil {
			return err
		}
		// The last occurrence of an email in one batch wins, like a re-import.
		rows, err := tx.Query(ctx, `INSERT INTO leads AS l (workspace_id, campaign_id, email, status, metadata)
			SELECT DISTINCT ON (lower(email)) $1::bigint, campaign_id, email, status, metadata FROM leads_in ORDER BY lower(email), n DESC
			ON CONFLICT (workspace_id, lower(email)) DO UPDATE
				SET metadata = l.metadata || EXCLUDED.metadata,
				    campaign_id = coalesce(EXCLUDED.campaign_id, l.campaign_id),
				    status = EXCLUDED.status
			RETURNING (xmax = 0) AS inserted`, workspaceID)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var ins bool
			if err := rows.Scan(&ins); err != nil {
				return err
			}
			if ins {
				res.Inserted++
			} else {
				res.Updated++
			}
		}
		return rows.Err()
	})
	if err != nil {
		return LeadsResult{}, dbErr(fmt.Sprintf("leads of workspace %d", workspaceID), err)
	}
	return res, nil
}

// Leads lists a workspace's leads whose metadata contains match (a JSON
// object; empty for all), using the GIN index.
func (s *Store) Leads(ctx context.Context, workspaceID int64, match string, limit int) ([]model.Lead, error) {
	if match == "" {
		match = "{}"
	}
	if limit <= 0 {
		limit = 1000
	}
	var out []model.Lead
	err := s.inWorkspace(ctx, workspaceID, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `SELECT id, workspace_id, campaign_id, email, status, metadata, created_at, updated_at
			FROM leads WHERE workspace_id = $1 AND metadata @> $2::jsonb ORDER BY id LIMIT $3`, workspaceID, match, limit)
		out, err = collect[model.Lead]("leads", rows, err)
		return err
	})
	return out, err
}

// inWorkspace runs fn in a transaction scoped to one workspace for leads'
// row-level security, which binds every role, the owner too: a transaction
// that names no workspace sees no lead and may write none. The setting is
// transaction-local (set_config's third argument), never a session SET, so
// a pooled connection cannot carry one workspace's scope into another's
// work.
func (s *Store) inWorkspace(ctx context.Context, workspaceID int64, fn func(tx pgx.Tx) error) error {
	return s.inTx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT set_config('godmode.workspace_id', $1, true)`, fmt.Sprint(workspaceID)); err != nil {
			return err
		}
		return fn(tx)
	})
}

// inAllWorkspaces runs fn in a transaction that may read (never write) the
// leads of every workspace: for the super admin's reads only (counts,
// exports across workspaces), which model authorises before calling.
func (s *Store) inAllWorkspaces(ctx context.Context, fn func(tx pgx.Tx) error) error {
	return s.inTx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT set_config('godmode.leads_scope', 'all', true)`); err != nil {
			return err
		}
		return fn(tx)
	})
}
