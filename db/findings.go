package db

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/godmode-console/godmode/model"
)

// The read side of what the sync loop records; the loop itself writes
// sync_findings and sync_state.

var _ model.FindingReader = (*Store)(nil)

// Findings lists sync findings, newest first, with the names of their
// instance, workspace and campaign as they are now.
func (s *Store) Findings(ctx context.Context, f model.FindingFilter) ([]model.Finding, error) {
	var where []string
	var args []any
	arg := func(v any) string { args = append(args, v); return fmt.Sprintf("$%d", len(args)) }
	if f.Kind != "" {
		where = append(where, "f.kind = "+arg(f.Kind))
	}
	if f.Open {
		where = append(where, "f.resolved_at IS NULL")
	}
	if f.IDs != nil {
		where = append(where, "f.id = ANY("+arg(f.IDs)+")")
	}
	if f.Since != nil {
		where = append(where, "f.last_seen_at >= "+arg(*f.Since))
	}
	if f.WorkspaceIDs != nil {
		where = append(where, "f.workspace_id = ANY("+arg(f.WorkspaceIDs)+")")
	}
	limit := f.Limit
	if limit <= 0 || limit > 10000 {
		limit = 500
	}
	q := `SELECT f.id, f.kind, f.instance_id, coalesce(i.name, '') AS instance_name, f.workspace_id,
		coalesce(w.slug, '') AS workspace_slug, f.campaign_id, coalesce(c.name, '') AS campaign_name,
		f.workflow_id, f.workflow_name, f.detail, f.before, f.after, f.corrected,
		f.first_seen_at, f.last_seen_at, f.resolved_at
		FROM sync_findings f
		LEFT JOIN n8n_instances i ON i.id = f.instance_id
		LEFT JOIN workspaces w ON w.id = f.workspace_id
		LEFT JOIN campaigns c ON c.id = f.campaign_id`
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += " ORDER BY f.first_seen_at DESC, f.id DESC LIMIT " + arg(limit)
	rows, err := s.pool.Query(ctx, q, args...)
	return collect[model.Finding]("sync findings", rows, err)
}

// DriftCount counts the findings a person should know of: open ones sync
// could not correct, and those it corrected since the given time.
func (s *Store) DriftCount(ctx context.Context, correctedSince time.Time) (int, error) {
	var n int
	err := s.pool.QueryRow(ctx, `SELECT count(*) FROM sync_findings
		WHERE (resolved_at IS NULL AND NOT corrected) OR (corrected AND first_seen_at >= $1)`, correctedSince).Scan(&n)
	return n, dbErr("sync findings", err)
}

// SyncSummary says how many instances sync has reached and when the least
// and most recently synced had their last good cycle.
func (s *Store) SyncSummary(ctx context.Context) (model.SyncSummary, error) {
	var sum model.SyncSummary
	err := s.pool.QueryRow(ctx, `SELECT count(*), count(st.last_ok_at), min(st.last_ok_at), max(st.last_ok_at)
		FROM n8n_instances i LEFT JOIN sync_state st ON st.instance_id = i.id`).
		Scan(&sum.Instances, &sum.Synced, &sum.OldestOK, &sum.NewestOK)
	return sum, dbErr("sync state", err)
}
