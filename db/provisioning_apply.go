package db

import (
	"context"
	"fmt"

	"github.com/godmode-console/godmode/model"
)

const stepCols = `id, run_id, seq, kind, ref, n8n_id, status, error, created_at, fingerprint`

// StepStarted records a step before its n8n call, or records it again
// when a resume makes the call again.
func (s *Store) StepStarted(ctx context.Context, runID int64, seq int, kind, ref, fingerprint string) error {
	_, err := s.pool.Exec(ctx, `INSERT INTO provisioning_steps (run_id, seq, kind, ref, status, fingerprint)
		VALUES ($1, $2, $3, $4, 'started', $5)
		ON CONFLICT (run_id, seq) DO UPDATE SET status = 'started', error = '', fingerprint = EXCLUDED.fingerprint`,
		runID, seq, kind, ref, fingerprint)
	return dbErr(fmt.Sprintf("step %d of run %d", seq, runID), err)
}

// SetStepStatus records a step's outcome: done with the id n8n gave back,
// failed with the error, or undone by a rollback.
func (s *Store) SetStepStatus(ctx context.Context, runID int64, seq int, status, n8nID, errMsg string) error {
	tag, err := s.pool.Exec(ctx, `UPDATE provisioning_steps SET status = $3::step_status,
			n8n_id = CASE WHEN $3::step_status = 'done' THEN $4 ELSE n8n_id END, error = $5
		WHERE run_id = $1 AND seq = $2`, runID, seq, status, n8nID, errMsg)
	if err == nil && tag.RowsAffected() == 0 {
		return fmt.Errorf("step %d of run %d: %w", seq, runID, model.ErrNotFound)
	}
	return dbErr(fmt.Sprintf("step %d of run %d", seq, runID), err)
}

// RunSteps lists a run's steps in order, with their fingerprints.
func (s *Store) RunSteps(ctx context.Context, runID int64) ([]model.ProvisioningStep, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+stepCols+` FROM provisioning_steps WHERE run_id = $1 ORDER BY seq`, runID)
	return collect[model.ProvisioningStep]("steps", rows, err)
}

// Run returns one provisioning run.
func (s *Store) Run(ctx context.Context, runID int64) (model.ProvisioningRun, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+runCols+` FROM provisioning_runs WHERE id = $1`, runID)
	return one[model.ProvisioningRun](fmt.Sprintf("run %d", runID), rows, err)
}

// Runs lists a workspace's runs, newest first (0: every workspace's).
func (s *Store) Runs(ctx context.Context, workspaceID int64) ([]model.ProvisioningRun, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+runCols+` FROM provisioning_runs
		WHERE $1 = 0 OR workspace_id = $1 ORDER BY id DESC LIMIT 1000`, workspaceID)
	return collect[model.ProvisioningRun]("runs", rows, err)
}

// ProvisionedCredentials are slot → credential id of the credentials the
// workspace's succeeded runs created and did not undo.
func (s *Store) ProvisionedCredentials(ctx context.Context, workspaceID int64) (map[string]string, error) {
	rows, err := s.pool.Query(ctx, `SELECT st.ref, st.n8n_id FROM provisioning_steps st
		JOIN provisioning_runs r ON r.id = st.run_id
		WHERE r.workspace_id = $1 AND r.status = 'succeeded' AND st.kind = 'create_credential' AND st.status = 'done'
		ORDER BY st.run_id, st.seq`, workspaceID)
	if err != nil {
		return nil, dbErr("provisioned credentials", err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var ref, id string
		if err := rows.Scan(&ref, &id); err != nil {
			return nil, dbErr("provisioned credentials", err)
		}
		if len(ref) > len("credential:") {
			out[ref[len("credential:"):]] = id
		}
	}
	return out, dbErr("provisioned credentials", rows.Err())
}

// RecordProvisionedCampaign records the campaign of a provisioned
// workflow; the same workflow again is the same campaign (a resumed step,
// or a re-apply), whose name, webhook URL, version and applied hash are
// brought up to date (an empty URL or hash keeps the one recorded: a
// rollback asking for the campaign's id). Its status is not touched:
// toggles and sync own it. A campaign of another workspace holding the
// workflow is refused.
func (s *Store) RecordProvisionedCampaign(ctx context.Context, c model.ProvisionedCampaign) (int64, error) {
	status := model.CampaignPaused
	if c.Active {
		status = model.CampaignActive
	}
	var id, ws int64
	err := s.pool.QueryRow(ctx, `WITH ins AS (
			INSERT INTO campaigns (workspace_id, instance_id, name, n8n_workflow_id, status, webhook_url, blueprint_version_id, applied_hash)
			SELECT w.id, w.instance_id, $2, $3, $4, $5, $6, $7 FROM workspaces w WHERE w.id = $1
			ON CONFLICT (instance_id, n8n_workflow_id) DO UPDATE SET name = EXCLUDED.name,
				webhook_url = COALESCE(NULLIF(EXCLUDED.webhook_url, ''), campaigns.webhook_url),
				blueprint_version_id = EXCLUDED.blueprint_version_id,
				applied_hash = COALESCE(NULLIF(EXCLUDED.applied_hash, ''), campaigns.applied_hash)
			WHERE campaigns.workspace_id = EXCLUDED.workspace_id
			RETURNING id, workspace_id)
		SELECT id, workspace_id FROM ins
		UNION ALL
		SELECT c.id, c.workspace_id FROM campaigns c JOIN workspaces w ON w.id = $1
		WHERE c.instance_id = w.instance_id AND c.n8n_workflow_id = $3 AND NOT EXISTS (SELECT 1 FROM ins)`,
		c.WorkspaceID, c.Name, c.WorkflowID, status, c.WebhookURL, c.BlueprintVersionID, c.AppliedHash).Scan(&id, &ws)
	if err != nil {
		return 0, dbErr(fmt.Sprintf("campaign %q", c.Name), err)
	}
	if ws != c.WorkspaceID {
		return 0, fmt.Errorf("campaign %q: workflow %s is already campaign %d of another workspace: %w", c.Name, c.WorkflowID, id, model.ErrConflict)
	}
	return id, nil
}

// DeleteProvisionedCampaign deletes a campaign a rollback undoes.
func (s *Store) DeleteProvisionedCampaign(ctx context.Context, id int64) error {
	_, err := s.pool.Exec(ctx, `DELETE FROM campaigns WHERE id = $1`, id)
	return dbErr(fmt.Sprintf("campaign %d", id), err)
}

// CampaignAppliedHashes are name → applied content hash of a workspace's
// campaigns, for a re-apply to see what is unchanged.
func (s *Store) CampaignAppliedHashes(ctx context.Context, workspaceID int64) (map[string]string, error) {
	rows, err := s.pool.Query(ctx, `SELECT name, applied_hash FROM campaigns WHERE workspace_id = $1`, workspaceID)
	if err != nil {
		return nil, dbErr("campaign hashes", err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var n, h string
		if err := rows.Scan(&n, &h); err != nil {
			return nil, dbErr("campaign hashes", err)
		}
		out[n] = h
	}
	return out, dbErr("campaign hashes", rows.Err())
}

// RunVersion is the blueprint name and version a run applies.
func (s *Store) RunVersion(ctx context.Context, runID int64) (string, model.BlueprintVersion, error) {
	var name string
	err := s.pool.QueryRow(ctx, `SELECT b.name FROM provisioning_runs r JOIN blueprint_versions v ON v.id = r.blueprint_version_id
		JOIN blueprints b ON b.id = v.blueprint_id WHERE r.id = $1`, runID).Scan(&name)
	if err != nil {
		return "", model.BlueprintVersion{}, dbErr(fmt.Sprintf("run %d", runID), err)
	}
	rows, err := s.pool.Query(ctx, `SELECT `+versionCols+` FROM blueprint_versions v JOIN provisioning_runs r ON r.blueprint_version_id = v.id WHERE r.id = $1`, runID)
	bv, err := one[model.BlueprintVersion](fmt.Sprintf("blueprint version of run %d", runID), rows, err)
	return name, bv, err
}

// StartProvisioningRun opens a run that applies, recording whether it
// activates the workflows. A second open run of the workspace is refused
// with model.ErrConflict (a partial unique index).
func (s *Store) StartProvisioningRun(ctx context.Context, workspaceID, versionID int64, by *int64, activate bool) (model.ProvisioningRun, error) {
	rows, err := s.pool.Query(ctx, `INSERT INTO provisioning_runs (workspace_id, blueprint_version_id, started_by, status, activate)
		VALUES ($1, $2, $3, 'applying', $4) RETURNING `+runCols, workspaceID, versionID, by, activate)
	return one[model.ProvisioningRun](fmt.Sprintf("provisioning of workspace %d", workspaceID), rows, err)
}
