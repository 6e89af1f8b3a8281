package db

import (
	"context"
	"fmt"
	"slices"

	"github.com/jackc/pgx/v5"

	"github.com/godmode-console/godmode/model"
)

// The reads of the :leads screen and of exports. Each runs in a
// transaction scoped to its workspace (inWorkspace), and names the
// workspace in its WHERE as well: the policy's own test is on a text cast
// no index serves, the explicit one lets leads_workspace_id_idx and the
// unique index do their work.

// inLeadsRead is inWorkspace for a read filtered by f: it names f's
// first metadata equality to the leads_metadata_match policy too, so
// leads_metadata_idx can serve it (see migration 00020).
func (s *Store) inLeadsRead(ctx context.Context, workspaceID int64, f model.LeadFilter, fn func(tx pgx.Tx) error) error {
	return s.inWorkspace(ctx, workspaceID, func(tx pgx.Tx) error {
		if err := setLeadsMatch(ctx, tx, f); err != nil {
			return err
		}
		return fn(tx)
	})
}

func setLeadsMatch(ctx context.Context, tx pgx.Tx, f model.LeadFilter) error {
	match, alt, ok := indexMatch(f)
	if !ok {
		return nil
	}
	_, err := tx.Exec(ctx, `SELECT set_config('godmode.leads_match', $1, true), set_config('godmode.leads_match_alt', $2, true)`, match, alt)
	return err
}

const leadColumns = `l.id, l.workspace_id, l.campaign_id, l.email, l.status, l.metadata, l.created_at, l.updated_at`

// LeadKeys is the metadata keys the workspace's leads have held
// (lead_keys, kept by the writers), by name.
func (s *Store) LeadKeys(ctx context.Context, workspaceID int64, limit int) ([]string, error) {
	if limit <= 0 || limit > model.MaxLeadKeys {
		limit = model.MaxLeadKeys
	}
	var keys []string
	err := s.inWorkspace(ctx, workspaceID, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `SELECT key FROM lead_keys WHERE workspace_id = $1 ORDER BY key LIMIT $2`, workspaceID, limit)
		if err != nil {
			return err
		}
		keys, err = pgx.CollectRows(rows, pgx.RowTo[string])
		return err
	})
	if keys == nil {
		keys = []string{}
	}
	return keys, dbErr(fmt.Sprintf("lead keys of workspace %d", workspaceID), err)
}

// LeadTotal is the number of the workspace's leads, from lead_counts.
func (s *Store) LeadTotal(ctx context.Context, workspaceID int64) (int64, error) {
	var n int64
	err := s.inWorkspace(ctx, workspaceID, func(tx pgx.Tx) error {
		return tx.QueryRow(ctx, `SELECT coalesce(sum(n), 0)::bigint FROM lead_counts WHERE workspace_id = $1`, workspaceID).Scan(&n)
	})
	return n, dbErr(fmt.Sprintf("lead count of workspace %d", workspaceID), err)
}

// CountLeads counts the leads f matches, up to upTo+1 (so a caller can
// say "upTo+").
func (s *Store) CountLeads(ctx context.Context, workspaceID int64, f model.LeadFilter, upTo int) (int, error) {
	q, args := countLeadsSQL(workspaceID, f, upTo)
	var n int
	err := s.inLeadsRead(ctx, workspaceID, f, func(tx pgx.Tx) error {
		return tx.QueryRow(ctx, q, args...).Scan(&n)
	})
	return n, dbErr(fmt.Sprintf("counting leads of workspace %d", workspaceID), err)
}

func countLeadsSQL(workspaceID int64, f model.LeadFilter, upTo int) (string, []any) {
	a := &sqlArgs{}
	ws := a.add(workspaceID)
	return fmt.Sprintf(`SELECT count(*) FROM (SELECT 1 FROM leads l WHERE l.workspace_id = %s AND %s LIMIT %s) x`,
		ws, leadFilterSQL(f, a), a.add(upTo+1)), a.v
}

// leadsPageSQL is the statement of one page, with its arguments.
func leadsPageSQL(workspaceID int64, f model.LeadFilter, p model.LeadPageRequest) (string, []any) {
	limit := p.Limit
	if limit <= 0 {
		limit = model.DefaultLeadPage
	}
	limit = min(limit, model.MaxLeadPage)
	a := &sqlArgs{}
	where := fmt.Sprintf("l.workspace_id = %s AND %s", a.add(workspaceID), leadFilterSQL(f, a))
	order := "l.id"
	switch {
	case p.Before > 0:
		where += " AND l.id < " + a.add(p.Before)
		order = "l.id DESC"
	case p.Last:
		order = "l.id DESC"
	case p.After > 0:
		where += " AND l.id > " + a.add(p.After)
	}
	return fmt.Sprintf(`SELECT %s FROM leads l WHERE %s ORDER BY %s LIMIT %s`, leadColumns, where, order, a.add(limit)), a.v
}

// LeadsPage reads one keyset page, always returned in id order.
func (s *Store) LeadsPage(ctx context.Context, workspaceID int64, f model.LeadFilter, p model.LeadPageRequest) ([]model.Lead, error) {
	q, args := leadsPageSQL(workspaceID, f, p)
	var out []model.Lead
	err := s.inLeadsRead(ctx, workspaceID, f, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, q, args...)
		out, err = collect[model.Lead]("leads", rows, err)
		return err
	})
	if err != nil {
		return nil, dbErr(fmt.Sprintf("leads of workspace %d", workspaceID), err)
	}
	if p.Before > 0 || p.Last {
		slices.Reverse(out)
	}
	if out == nil {
		out = []model.Lead{}
	}
	return out, nil
}

// exportBatch is how many rows one FETCH of an export's cursor brings:
// memory holds one batch, whatever the number of leads.
const exportBatch = 1000

// ExportLeads streams the leads f matches through a cursor, in one
// read-only snapshot (repeatable read) so the keys and the rows agree.
// The keys are read of the rows themselves, not of lead_keys, so a column
// is there exactly when some exported lead has it.
func (s *Store) ExportLeads(ctx context.Context, workspaceID int64, f model.LeadFilter, keys func([]string) error, row func(model.Lead) error) (int64, error) {
	var n int64
	err := pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT set_config('godmode.workspace_id', $1, true)`, fmt.Sprint(workspaceID)); err != nil {
			return err
		}
		if err := setLeadsMatch(ctx, tx, f); err != nil {
			return err
		}
		a := &sqlArgs{}
		where := fmt.Sprintf("l.workspace_id = %s AND %s", a.add(workspaceID), leadFilterSQL(f, a))
		rows, err := tx.Query(ctx, fmt.Sprintf(`SELECT DISTINCT k FROM leads l, jsonb_object_keys(l.metadata) k WHERE %s ORDER BY k LIMIT %d`,
			where, model.MaxLeadKeys+1), a.v...)
		if err != nil {
			return err
		}
		ks, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			return err
		}
		if len(ks) > model.MaxLeadKeys {
			return fmt.Errorf("the leads hold more than %d metadata keys: narrow the export with --filter", model.MaxLeadKeys)
		}
		if ks == nil {
			ks = []string{}
		}
		if err := keys(ks); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, fmt.Sprintf(`DECLARE lead_export NO SCROLL CURSOR FOR SELECT %s FROM leads l WHERE %s ORDER BY l.id`, leadColumns, where), a.v...); err != nil {
			return err
		}
		for {
			rows, err := tx.Query(ctx, fmt.Sprintf(`FETCH %d FROM lead_export`, exportBatch))
			if err != nil {
				return err
			}
			got := 0
			for rows.Next() {
				l, err := pgx.RowToStructByNameLax[model.Lead](rows)
				if err != nil {
					rows.Close()
					return err
				}
				got++
				n++
				if err := row(l); err != nil {
					rows.Close()
					return err
				}
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return err
			}
			if got < exportBatch {
				return nil
			}
		}
	})
	return n, dbErr(fmt.Sprintf("exporting leads of workspace %d", workspaceID), err)
}
