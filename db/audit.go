package db

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/godmode-console/godmode/model"
)

// AppendAudit adds one entry to the append-only trail and returns it with
// its id and time.
func (s *Store) AppendAudit(ctx context.Context, e model.AuditEntry) (model.AuditEntry, error) {
	return appendAudit(ctx, s.pool, e)
}

func appendAudit(ctx context.Context, q querier, e model.AuditEntry) (model.AuditEntry, error) {
	if e.Outcome == "" {
		e.Outcome = model.OutcomeOK
	}
	err := q.QueryRow(ctx, `INSERT INTO audit_log (actor_user_id, actor, key_fingerprint, action, workspace_id, campaign_id, before, after, outcome, error)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id, at`,
		e.ActorUserID, e.ActorName, e.KeyFingerprint, e.Action, e.WorkspaceID, e.CampaignID,
		jsonOrNil(e.Before), jsonOrNil(e.After), e.Outcome, e.Error).Scan(&e.ID, &e.At)
	return e, dbErr("audit", err)
}

func jsonOrNil(b json.RawMessage) any {
	if len(b) == 0 {
		return nil
	}
	return string(b)
}

// Audit lists the trail newest first, filtered.
func (s *Store) Audit(ctx context.Context, f model.AuditFilter) ([]model.AuditEntry, error) {
	return s.AuditScoped(ctx, model.AuditScope{AuditFilter: f})
}

var _ model.ScopedAuditReader = (*Store)(nil)

// AuditScoped lists the trail newest first, filtered, since a time and
// within some workspaces if the scope says so.
func (s *Store) AuditScoped(ctx context.Context, sc model.AuditScope) ([]model.AuditEntry, error) {
	f := sc.AuditFilter
	var where []string
	var args []any
	arg := func(v any) string { args = append(args, v); return fmt.Sprintf("$%d", len(args)) }
	if f.WorkspaceID != nil {
		where = append(where, "a.workspace_id = "+arg(*f.WorkspaceID))
	}
	if f.Actor != "" {
		where = append(where, "a.actor = "+arg(f.Actor))
	}
	if f.Outcome != "" {
		where = append(where, "a.outcome = "+arg(f.Outcome))
	}
	if f.Before != nil {
		where = append(where, "a.at < "+arg(*f.Before))
	}
	if sc.Since != nil {
		where = append(where, "a.at >= "+arg(*sc.Since))
	}
	if sc.WorkspaceIDs != nil {
		where = append(where, "a.workspace_id = ANY("+arg(sc.WorkspaceIDs)+")")
	}
	limit := f.Limit
	if limit <= 0 || limit > 10000 {
		limit = 500
	}
	// Names come from the rows as they are now; a deleted campaign's name
	// comes from what the entry recorded.
	q := `SELECT a.id, a.at, a.actor_user_id, a.actor, a.key_fingerprint, a.action, a.workspace_id, a.campaign_id,
		coalesce(w.slug, ''), coalesce(c.name, a.before ->> 'campaign', a.after ->> 'campaign', ''),
		coalesce(a.before::text, ''), coalesce(a.after::text, ''), a.outcome, a.error
		FROM audit_log a
		LEFT JOIN workspaces w ON w.id = a.workspace_id
		LEFT JOIN campaigns c ON c.id = a.campaign_id`
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += " ORDER BY a.at DESC, a.id DESC LIMIT " + arg(limit)
	rows, err := s.pool.Query(ctx, q, args...)
	if err != nil {
		return nil, dbErr("audit", err)
	}
	defer rows.Close()
	var out []model.AuditEntry
	for rows.Next() {
		var e model.AuditEntry
		var before, after string
		if err := rows.Scan(&e.ID, &e.At, &e.ActorUserID, &e.ActorName, &e.KeyFingerprint, &e.Action, &e.WorkspaceID,
			&e.CampaignID, &e.WorkspaceSlug, &e.CampaignName, &before, &after, &e.Outcome, &e.Error); err != nil {
			return nil, dbErr("audit", err)
		}
		if before != "" {
			e.Before = json.RawMessage(before)
		}
		if after != "" {
			e.After = json.RawMessage(after)
		}
		out = append(out, e)
	}
	return out, dbErr("audit", rows.Err())
}
