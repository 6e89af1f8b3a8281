package db

import (
	"context"
	"fmt"
	"sort"

	"github.com/jackc/pgx/v5"

	"github.com/godmode-console/godmode/model"
)

const workspaceCols = `w.id, w.slug, w.name, w.status, w.instance_id, w.freeze_reason, w.frozen_at, w.freezing_since, w.freezing_by, w.created_at, w.updated_at`

// CreateWorkspace records a tenant. It never starts provisioning.
func (s *Store) CreateWorkspace(ctx context.Context, slug, name string, instanceID *int64) (model.Workspace, error) {
	rows, err := s.pool.Query(ctx, `INSERT INTO workspaces AS w (slug, name, instance_id) VALUES ($1, $2, $3) RETURNING `+workspaceCols,
		slug, name, instanceID)
	return one[model.Workspace](fmt.Sprintf("workspace %q", slug), rows, err)
}

// Workspace returns one workspace by id.
func (s *Store) Workspace(ctx context.Context, id int64) (model.Workspace, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+workspaceCols+` FROM workspaces w WHERE w.id = $1`, id)
	return one[model.Workspace](fmt.Sprintf("workspace %d", id), rows, err)
}

// WorkspaceBySlug returns one workspace by slug.
func (s *Store) WorkspaceBySlug(ctx context.Context, slug string) (model.Workspace, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+workspaceCols+` FROM workspaces w WHERE w.slug = $1`, slug)
	return one[model.Workspace](fmt.Sprintf("workspace %q", slug), rows, err)
}

// SetWorkspaceStatus moves a workspace to status, recording why for freezes.
func (s *Store) SetWorkspaceStatus(ctx context.Context, id int64, status model.WorkspaceStatus, reason string) (model.Workspace, error) {
	rows, err := s.pool.Query(ctx, `UPDATE workspaces w SET status = $2::workspace_status,
			freeze_reason = CASE WHEN $2::workspace_status = 'suspended' THEN $3 ELSE '' END,
			frozen_at = CASE WHEN $2::workspace_status = 'suspended' THEN coalesce(frozen_at, now()) ELSE NULL END,
			freezing_since = CASE WHEN $2::workspace_status = 'suspended' THEN freezing_since END,
			freezing_by = CASE WHEN $2::workspace_status = 'suspended' THEN freezing_by ELSE '' END
		WHERE id = $1 RETURNING `+workspaceCols, id, status, reason)
	return one[model.Workspace](fmt.Sprintf("workspace %d", id), rows, err)
}

// BeginFreeze suspends a workspace and marks the freeze as under way, in
// one statement, before any campaign is paused: a freeze cut off halfway
// leaves the mark for sync to find.
func (s *Store) BeginFreeze(ctx context.Context, id int64, reason, by string) (model.Workspace, error) {
	rows, err := s.pool.Query(ctx, `UPDATE workspaces w SET status = 'suspended', freeze_reason = $2,
			frozen_at = coalesce(frozen_at, now()), freezing_since = coalesce(freezing_since, now()), freezing_by = $3
		WHERE id = $1 RETURNING `+workspaceCols, id, reason, by)
	return one[model.Workspace](fmt.Sprintf("workspace %d", id), rows, err)
}

// EndFreeze clears the mark once every campaign of the freeze is paused.
func (s *Store) EndFreeze(ctx context.Context, id int64) (model.Workspace, error) {
	rows, err := s.pool.Query(ctx, `UPDATE workspaces w SET freezing_since = NULL, freezing_by = ''
		WHERE id = $1 RETURNING `+workspaceCols, id)
	return one[model.Workspace](fmt.Sprintf("workspace %d", id), rows, err)
}

// DeleteWorkspace removes a workspace with its campaigns, members and leads.
func (s *Store) DeleteWorkspace(ctx context.Context, id int64) error {
	tag, err := s.pool.Exec(ctx, `DELETE FROM workspaces WHERE id = $1`, id)
	if err != nil {
		return dbErr(fmt.Sprintf("workspace %d", id), err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("workspace %d: %w", id, model.ErrNotFound)
	}
	return nil
}

// WorkspaceSummaries lists every workspace with its campaign counts,
// failures and lead count, in one query whatever the number of campaigns
// or leads (lead_counts, not the leads).
func (s *Store) WorkspaceSummaries(ctx context.Context) ([]model.WorkspaceSummary, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+workspaceCols+`, coalesce(i.name, '') AS instance_name,
			count(c.id) FILTER (WHERE c.status = 'active')   AS active,
			count(c.id) FILTER (WHERE c.status = 'paused')   AS paused,
			count(c.id) FILTER (WHERE c.status = 'archived') AS archived,
			count(c.id) FILTER (WHERE c.status = 'error')    AS errored,
			coalesce(sum(c.failures_24h), 0) AS failures,
			coalesce((SELECT sum(n) FROM lead_counts lc WHERE lc.workspace_id = w.id), 0) AS leads
		FROM workspaces w
		LEFT JOIN n8n_instances i ON i.id = w.instance_id
		LEFT JOIN campaigns c ON c.workspace_id = w.id
		GROUP BY w.id, i.name
		ORDER BY w.slug`)
	if err != nil {
		return nil, dbErr("workspaces", err)
	}
	defer rows.Close()
	var out []model.WorkspaceSummary
	for rows.Next() {
		var ws model.WorkspaceSummary
		var active, paused, archived, errored, failures int
		if err := rows.Scan(&ws.ID, &ws.Slug, &ws.Name, &ws.Status, &ws.InstanceID, &ws.FreezeReason, &ws.FrozenAt, &ws.FreezingSince, &ws.FreezingBy,
			&ws.CreatedAt, &ws.UpdatedAt, &ws.InstanceName, &active, &paused, &archived, &errored, &failures, &ws.Leads); err != nil {
			return nil, dbErr("workspaces", err)
		}
		ws.CampaignCounts = map[model.CampaignStatus]int{
			model.CampaignActive: active, model.CampaignPaused: paused,
			model.CampaignArchived: archived, model.CampaignError: errored,
		}
		ws.Campaigns = active + paused + archived + errored
		ws.Failures24h = failures
		out = append(out, ws)
	}
	return out, dbErr("workspaces", rows.Err())
}

// WorkspaceMembers lists the people of a workspace with their roles, by
// email.
func (s *Store) WorkspaceMembers(ctx context.Context, workspaceID int64) ([]model.WorkspaceMember, error) {
	rows, err := s.pool.Query(ctx, `SELECT u.id AS user_id, u.email, u.name, m.role FROM workspace_members m
		JOIN users u ON u.id = m.user_id WHERE m.workspace_id = $1 ORDER BY lower(u.email)`, workspaceID)
	return collect[model.WorkspaceMember](fmt.Sprintf("members of workspace %d", workspaceID), rows, err)
}

// ArchiveWorkspace archives a workspace and every campaign of it not
// archived yet, in one transaction, and returns the workspace and the names
// of the campaigns it archived. Each keeps the status it had (and a frozen
// workspace its reason) for RestoreWorkspace. The caller has checked none
// is active.
func (s *Store) ArchiveWorkspace(ctx context.Context, id int64) (model.Workspace, []string, error) {
	what := fmt.Sprintf("workspace %d", id)
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return model.Workspace{}, nil, dbErr(what, err)
	}
	defer tx.Rollback(ctx)
	// The workspace row first: an adoption writing meanwhile holds it, so
	// its campaign is either archived below or refused.
	rows, err := tx.Query(ctx, `UPDATE workspaces w SET archived_from = status, archived_freeze_reason = freeze_reason,
			status = 'archived', freeze_reason = '', frozen_at = NULL, freezing_since = NULL, freezing_by = ''
		WHERE id = $1 RETURNING `+workspaceCols, id)
	ws, err := one[model.Workspace](what, rows, err)
	if err != nil {
		return ws, nil, err
	}
	rows, err = tx.Query(ctx, `UPDATE campaigns SET archived_from = status, status = 'archived', resume_on_unfreeze = false, version = version + 1
		WHERE workspace_id = $1 AND status <> 'archived' RETURNING name`, id)
	if err != nil {
		return model.Workspace{}, nil, dbErr(what, err)
	}
	names, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return model.Workspace{}, nil, dbErr(what, err)
	}
	if err := tx.Commit(ctx); err != nil {
		return ws, nil, dbErr(what, err)
	}
	sort.Strings(names)
	return ws, names, nil
}

// RestoreWorkspace undoes ArchiveWorkspace in one transaction: the
// workspace goes back to the status it had (suspended with its freeze
// reason), except that one awaiting setup, or archived before godmode
// remembered, is active when a campaign comes back; and the campaigns its
// archive retired to theirs, never active (one archived then was paused
// or in error). Campaigns archived on their own stay archived. It returns
// the workspace as restored and the names of the campaigns restored.
func (s *Store) RestoreWorkspace(ctx context.Context, id int64) (model.Workspace, []string, error) {
	what := fmt.Sprintf("workspace %d", id)
	var ws model.Workspace
	var names []string
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `UPDATE campaigns SET status = CASE WHEN archived_from = 'active' THEN 'paused' ELSE archived_from END,
				archived_from = NULL, version = version + 1
			WHERE workspace_id = $1 AND status = 'archived' AND archived_from IS NOT NULL RETURNING name`, id)
		if err != nil {
			return err
		}
		if names, err = pgx.CollectRows(rows, pgx.RowTo[string]); err != nil {
			return err
		}
		rows, err = tx.Query(ctx, `UPDATE workspaces w SET
				status = CASE WHEN coalesce(archived_from, 'awaiting_setup') <> 'awaiting_setup' THEN archived_from
					WHEN EXISTS (SELECT 1 FROM campaigns c WHERE c.workspace_id = w.id AND c.status <> 'archived') THEN 'active'
					ELSE 'awaiting_setup' END,
				freeze_reason = CASE WHEN archived_from = 'suspended' THEN archived_freeze_reason ELSE '' END,
				frozen_at = CASE WHEN archived_from = 'suspended' THEN now() END,
				archived_from = NULL, archived_freeze_reason = ''
			WHERE id = $1 AND status = 'archived' RETURNING `+workspaceCols, id)
		ws, err = one[model.Workspace](what, rows, err)
		return err
	})
	sort.Strings(names)
	return ws, names, dbErr(what, err)
}
