package db

import (
	"context"

	"github.com/godmode-console/godmode/model"
)

// RunSummaries lists the newest runs of every workspace with the slug,
// the blueprint version and how many of the recorded steps are done.
func (s *Store) RunSummaries(ctx context.Context, limit int) ([]model.RunSummary, error) {
	rows, err := s.pool.Query(ctx, `SELECT r.id, r.workspace_id, r.blueprint_version_id, r.status, r.started_by, r.error,
			r.started_at, r.finished_at, r.activate, w.slug, b.name, v.version,
			(SELECT count(*) FILTER (WHERE st.status = 'done') FROM provisioning_steps st WHERE st.run_id = r.id),
			(SELECT count(*) FROM provisioning_steps st WHERE st.run_id = r.id)
		FROM provisioning_runs r
		JOIN workspaces w ON w.id = r.workspace_id
		JOIN blueprint_versions v ON v.id = r.blueprint_version_id
		JOIN blueprints b ON b.id = v.blueprint_id
		ORDER BY r.id DESC LIMIT $1`, limit)
	if err != nil {
		return nil, dbErr("runs", err)
	}
	defer rows.Close()
	var out []model.RunSummary
	for rows.Next() {
		var r model.RunSummary
		if err := rows.Scan(&r.ID, &r.WorkspaceID, &r.BlueprintVersionID, &r.Status, &r.StartedBy, &r.Error,
			&r.StartedAt, &r.FinishedAt, &r.Activate, &r.WorkspaceSlug, &r.Blueprint, &r.Version, &r.StepsDone, &r.StepsTotal); err != nil {
			return nil, dbErr("runs", err)
		}
		out = append(out, r)
	}
	return out, dbErr("runs", rows.Err())
}
