package db

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/godmode-console/godmode/model"
)

// PruneSync deletes one batch of an instance's executions started before
// p.ExecutionsBefore and findings resolved before p.FindingsBefore (a zero
// time keeps that kind), at most p.Limit rows of each, in one transaction
// that first checks the lease: only an instance's leader prunes it, so two
// runners never delete the same rows.
func (s *Store) PruneSync(ctx context.Context, p model.SyncPrune) (model.PruneCount, error) {
	var n model.PruneCount
	inst := p.Lease.InstanceID
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		n = model.PruneCount{}
		if err := checkLease(ctx, tx, p.Lease); err != nil {
			return err
		}
		if !p.ExecutionsBefore.IsZero() {
			tag, err := tx.Exec(ctx, `DELETE FROM executions e USING (
					SELECT e.campaign_id, e.n8n_execution_id FROM executions e JOIN campaigns c ON c.id = e.campaign_id
					WHERE c.instance_id = $1 AND e.started_at < $2 LIMIT $3) old
				WHERE e.campaign_id = old.campaign_id AND e.n8n_execution_id = old.n8n_execution_id`,
				inst, p.ExecutionsBefore, p.Limit)
			if err != nil {
				return err
			}
			n.Executions = int(tag.RowsAffected())
		}
		if !p.FindingsBefore.IsZero() {
			tag, err := tx.Exec(ctx, `DELETE FROM sync_findings WHERE id IN (
					SELECT id FROM sync_findings WHERE instance_id = $1 AND resolved_at IS NOT NULL AND resolved_at < $2 LIMIT $3)`,
				inst, p.FindingsBefore, p.Limit)
			if err != nil {
				return err
			}
			n.Findings = int(tag.RowsAffected())
		}
		return nil
	})
	if err != nil {
		return model.PruneCount{}, dbErr(fmt.Sprintf("retention of instance %d", inst), err)
	}
	return n, nil
}

// checkLease refuses a write from a runner whose lock connection no longer
// holds the instance's advisory lock.
func checkLease(ctx context.Context, tx pgx.Tx, lease model.SyncLease) error {
	key := instanceLockKey(lease.InstanceID)
	var held bool
	if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted
			AND pid = $1 AND classid::bigint = $2 AND objid::bigint = $3 AND objsubid = 1)`,
		lease.Token, key>>32, key&0xffffffff).Scan(&held); err != nil {
		return err
	}
	if !held {
		return fmt.Errorf("instance %d: %w", lease.InstanceID, ErrNotLeader)
	}
	return nil
}
