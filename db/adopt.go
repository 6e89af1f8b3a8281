package db

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/godmode-console/godmode/model"
)

var _ model.AdoptStore = (*Store)(nil)

// AdoptCampaign records an n8n workflow as a campaign with its backfilled
// executions, in one transaction with its audit row.
func (s *Store) AdoptCampaign(ctx context.Context, w model.AdoptWrite) (model.Campaign, error) {
	var camp model.Campaign
	what := fmt.Sprintf("adopting workflow %s as campaign %q", w.WorkflowID, w.Name)
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `INSERT INTO campaigns (workspace_id, instance_id, name, n8n_workflow_id, status)
			SELECT w.id, w.instance_id, $2, $3, $4 FROM workspaces w WHERE w.id = $1 AND w.instance_id = $5 AND w.status <> 'archived'
			RETURNING `+campaignCols, w.WorkspaceID, w.Name, w.WorkflowID, w.Status, w.InstanceID)
		if camp, err = one[model.Campaign]("campaign", rows, err); err != nil {
			return err
		}
		// The row lock makes one of two adoptions racing into a new
		// workspace the one that sets it up.
		rows, err = tx.Query(ctx, `UPDATE workspaces w SET status = 'active' WHERE id = $1 AND status = 'awaiting_setup'
			RETURNING `+workspaceCols, w.WorkspaceID)
		if err != nil {
			return err
		}
		set, err := pgx.CollectRows(rows, pgx.RowToStructByNameLax[model.Workspace])
		if err != nil {
			return err
		}
		if len(set) == 1 && w.SetUp != nil {
			if _, err := appendAudit(ctx, tx, w.SetUp(set[0])); err != nil {
				return err
			}
		}
		if camp, err = backfill(ctx, tx, camp, w.Backfill); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE sync_findings SET resolved_at = $3
			WHERE kind = 'orphan_workflow' AND instance_id = $1 AND workflow_id = $2 AND resolved_at IS NULL`,
			camp.InstanceID, camp.N8nWorkflowID, w.Backfill.At); err != nil {
			return err
		}
		_, err = appendAudit(ctx, tx, w.Audit(camp))
		return err
	})
	return camp, dbErr(what, err)
}

// RelinkCampaign points a campaign at another workflow of its instance.
func (s *Store) RelinkCampaign(ctx context.Context, w model.RelinkWrite) (model.Campaign, error) {
	var camp model.Campaign
	what := fmt.Sprintf("re-linking campaign %q to workflow %s", w.Before.Name, w.WorkflowID)
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `UPDATE campaigns SET n8n_workflow_id = $3, status = $4, last_error = '',
				pending_status = NULL, pending_since = NULL, pending_actor = '', pending_actor_user_id = NULL, pending_action = '',
				last_exec_id = '', last_exec_status = '', last_exec_at = NULL, failures_24h = 0, version = version + 1
			WHERE id = $1 AND version = $2 RETURNING `+campaignCols, w.Before.ID, w.Before.Version, w.WorkflowID, w.Status)
		if camp, err = one[model.Campaign]("campaign", rows, err); err != nil {
			return err
		}
		// The old workflow's runs are not this campaign's any more.
		if _, err := tx.Exec(ctx, `DELETE FROM executions WHERE campaign_id = $1`, camp.ID); err != nil {
			return err
		}
		if camp, err = backfill(ctx, tx, camp, w.Backfill); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE sync_findings SET resolved_at = $4
			WHERE instance_id = $1 AND resolved_at IS NULL
			  AND ((kind = 'orphan_workflow' AND workflow_id = $2) OR (kind = 'orphan_db_record' AND campaign_id = $3))`,
			camp.InstanceID, camp.N8nWorkflowID, camp.ID, w.Backfill.At); err != nil {
			return err
		}
		_, err = appendAudit(ctx, tx, w.Audit(camp))
		return err
	})
	if errors.Is(err, model.ErrNotFound) {
		return camp, fmt.Errorf("%s: campaign changed since version %d: %w", what, w.Before.Version, model.ErrStale)
	}
	return camp, dbErr(what, err)
}

// ArchiveCampaign sets a campaign archived.
func (s *Store) ArchiveCampaign(ctx context.Context, w model.ArchiveWrite) (model.Campaign, error) {
	var camp model.Campaign
	what := fmt.Sprintf("archiving campaign %q", w.Before.Name)
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `UPDATE campaigns SET status = 'archived', archived_from = NULL, pending_status = NULL, pending_since = NULL,
				pending_actor = '', pending_actor_user_id = NULL, pending_action = '', version = version + 1
			WHERE id = $1 AND version = $2 RETURNING `+campaignCols, w.Before.ID, w.Before.Version)
		if camp, err = one[model.Campaign]("campaign", rows, err); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE sync_findings SET resolved_at = now()
			WHERE kind = 'orphan_db_record' AND campaign_id = $1 AND resolved_at IS NULL`, camp.ID); err != nil {
			return err
		}
		_, err = appendAudit(ctx, tx, w.Audit(camp))
		return err
	})
	if errors.Is(err, model.ErrNotFound) {
		return camp, fmt.Errorf("%s: campaign changed since version %d: %w", what, w.Before.Version, model.ErrStale)
	}
	return camp, dbErr(what, err)
}

// backfill stores a campaign's executions read by workflow id, its
// summary, and the workflow's watermark, returning the campaign as written.
func backfill(ctx context.Context, tx pgx.Tx, camp model.Campaign, b model.Backfill) (model.Campaign, error) {
	es := make([]model.SyncExecution, len(b.Executions))
	for i, e := range b.Executions {
		e.CampaignID = camp.ID
		es[i] = e
	}
	if _, err := insertExecutions(ctx, tx, es); err != nil {
		return camp, err
	}
	if _, err := summarise(ctx, tx, camp.InstanceID, []int64{camp.ID}, b.FailuresSince, b.At); err != nil {
		return camp, err
	}
	if err := upsertWatermarks(ctx, tx, camp.InstanceID, map[string]string{camp.N8nWorkflowID: b.Watermark}, b.At); err != nil {
		return camp, err
	}
	rows, err := tx.Query(ctx, `SELECT `+campaignCols+` FROM campaigns WHERE id = $1`, camp.ID)
	return one[model.Campaign]("campaign", rows, err)
}

// upsertWatermarks records the newest execution read of each workflow; a
// watermark never moves back, and "" only creates the row (backfilled,
// nothing run yet).
func upsertWatermarks(ctx context.Context, tx pgx.Tx, inst int64, marks map[string]string, at time.Time) error {
	if len(marks) == 0 {
		return nil
	}
	wfs, ids := make([]string, 0, len(marks)), make([]string, 0, len(marks))
	for wf, id := range marks {
		wfs, ids = append(wfs, wf), append(ids, id)
	}
	_, err := tx.Exec(ctx, `INSERT INTO execution_watermarks AS m (instance_id, workflow_id, last_execution_id, backfilled_at, updated_at)
		SELECT $1, u.wf, u.id, $4, $4 FROM unnest($2::text[], $3::text[]) AS u(wf, id)
		ON CONFLICT (instance_id, workflow_id) DO UPDATE SET last_execution_id = EXCLUDED.last_execution_id, updated_at = EXCLUDED.updated_at
		WHERE m.last_execution_id = '' OR (EXCLUDED.last_execution_id <> '' AND (length(EXCLUDED.last_execution_id), EXCLUDED.last_execution_id)
			> (length(m.last_execution_id), m.last_execution_id))`, inst, wfs, ids, at)
	return err
}

// ExecutionWatermarks returns the newest execution read of each workflow
// of an instance that has a watermark; a workflow missing from the map has
// never been backfilled.
func (s *Store) ExecutionWatermarks(ctx context.Context, instanceID int64) (map[string]string, error) {
	rows, err := s.pool.Query(ctx, `SELECT workflow_id, last_execution_id FROM execution_watermarks WHERE instance_id = $1`, instanceID)
	if err != nil {
		return nil, dbErr("execution watermarks", err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var wf, id string
		if err := rows.Scan(&wf, &id); err != nil {
			return nil, dbErr("execution watermarks", err)
		}
		out[wf] = id
	}
	return out, dbErr("execution watermarks", rows.Err())
}
