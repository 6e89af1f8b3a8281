package db

import (
	"context"
	"fmt"

	"github.com/godmode-console/godmode/model"
)

const runCols = `id, workspace_id, blueprint_version_id, status, started_by, error, started_at, finished_at, activate`

// StartRun opens a provisioning run. A second open run for the same
// workspace is refused with model.ErrConflict.
func (s *Store) StartRun(ctx context.Context, workspaceID, versionID int64, by *int64) (model.ProvisioningRun, error) {
	rows, err := s.pool.Query(ctx, `INSERT INTO provisioning_runs (workspace_id, blueprint_version_id, started_by) VALUES ($1, $2, $3) RETURNING `+runCols,
		workspaceID, versionID, by)
	r, err := one[model.ProvisioningRun](fmt.Sprintf("provisioning of workspace %d", workspaceID), rows, err)
	return r, err
}

// SetRunStatus moves a run on; finished states stamp finished_at.
func (s *Store) SetRunStatus(ctx context.Context, runID int64, status model.RunStatus, errMsg string) (model.ProvisioningRun, error) {
	rows, err := s.pool.Query(ctx, `UPDATE provisioning_runs SET status = $2::run_status, error = $3,
			finished_at = CASE WHEN $2::run_status IN ('succeeded', 'failed', 'rolled_back') THEN now() END
		WHERE id = $1 RETURNING `+runCols, runID, status, errMsg)
	return one[model.ProvisioningRun](fmt.Sprintf("run %d", runID), rows, err)
}

// AddStep records one n8n call of a run with what n8n gave back.
func (s *Store) AddStep(ctx context.Context, st model.ProvisioningStep) (model.ProvisioningStep, error) {
	rows, err := s.pool.Query(ctx, `INSERT INTO provisioning_steps (run_id, seq, kind, ref, n8n_id, status, error)
		SELECT $1, coalesce(max(seq), 0) + 1, $2, $3, $4, $5, $6 FROM provisioning_steps WHERE run_id = $1
		RETURNING id, run_id, seq, kind, ref, n8n_id, status, error, created_at`,
		st.RunID, st.Kind, st.Ref, st.N8nID, st.Status, st.Error)
	return one[model.ProvisioningStep](fmt.Sprintf("step of run %d", st.RunID), rows, err)
}

// Steps lists a run's steps in the order they were made.
func (s *Store) Steps(ctx context.Context, runID int64) ([]model.ProvisioningStep, error) {
	rows, err := s.pool.Query(ctx, `SELECT id, run_id, seq, kind, ref, n8n_id, status, error, created_at
		FROM provisioning_steps WHERE run_id = $1 ORDER BY seq`, runID)
	return collect[model.ProvisioningStep]("steps", rows, err)
}
