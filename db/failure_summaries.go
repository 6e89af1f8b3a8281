package db

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/godmode-console/godmode/model"
)

var _ model.FailureSummaryStore = (*Store)(nil)

// PendingFailures lists the instance's failed executions started after
// since that have no summary, newest first (executions_failures_idx per
// campaign, the summary's primary key for the anti-join).
func (s *Store) PendingFailures(ctx context.Context, instanceID int64, since time.Time, limit int) ([]model.SyncExecution, error) {
	rows, err := s.pool.Query(ctx, `SELECT e.campaign_id, e.n8n_execution_id, e.status, e.mode, e.started_at, e.stopped_at, e.retry_of
		FROM campaigns c JOIN executions e ON e.campaign_id = c.id
		WHERE c.instance_id = $1 AND e.status IN ('error', 'crashed') AND e.started_at > $2
		  AND NOT EXISTS (SELECT 1 FROM failure_summaries f WHERE f.campaign_id = e.campaign_id AND f.n8n_execution_id = e.n8n_execution_id)
		ORDER BY e.started_at DESC, length(e.n8n_execution_id) DESC, e.n8n_execution_id DESC
		LIMIT $3`, instanceID, since, limit)
	if err != nil {
		return nil, dbErr(fmt.Sprintf("pending failures of instance %d", instanceID), err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (model.SyncExecution, error) {
		var e model.SyncExecution
		err := r.Scan(&e.CampaignID, &e.ID, &e.Status, &e.Mode, &e.StartedAt, &e.StoppedAt, &e.RetryOf)
		return e, err
	})
	return out, dbErr(fmt.Sprintf("pending failures of instance %d", instanceID), err)
}

// insertSummaries stores a cycle's failure summaries, in ApplySync's
// transaction after the executions they summarise. A summary of an
// execution gone meanwhile (retention, its campaign deleted) is dropped;
// one already there is kept.
func insertSummaries(ctx context.Context, tx pgx.Tx, ss []model.FailureSummary, at time.Time) error {
	if len(ss) == 0 {
		return nil
	}
	var (
		camps, items                                        []int64
		ids, kinds, nodes, types, classes, msgs, raws, keys []string
		started                                             []time.Time
	)
	for _, x := range ss {
		camps, ids, kinds, started = append(camps, x.CampaignID), append(ids, x.ExecutionID), append(kinds, x.Kind), append(started, x.StartedAt)
		nodes, types, classes = append(nodes, x.Node), append(types, x.NodeType), append(classes, x.Class)
		msgs, raws, items, keys = append(msgs, x.Message), append(raws, x.RawMessage), append(items, int64(x.Items)), append(keys, x.GroupKey)
	}
	_, err := tx.Exec(ctx, `INSERT INTO failure_summaries (campaign_id, n8n_execution_id, kind, started_at, node, node_type, error_class,
			message, raw_message, items, group_key, summarised_at)
		SELECT u.c, u.id, u.k, u.sa, u.n, u.t, u.cl, u.m, u.r, u.i, u.g, $12
		FROM unnest($1::bigint[], $2::text[], $3::text[], $4::timestamptz[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[],
			$10::bigint[], $11::text[]) AS u(c, id, k, sa, n, t, cl, m, r, i, g)
		WHERE EXISTS (SELECT 1 FROM executions e WHERE e.campaign_id = u.c AND e.n8n_execution_id = u.id)
		ON CONFLICT (campaign_id, n8n_execution_id) DO NOTHING`,
		camps, ids, kinds, started, nodes, types, classes, msgs, raws, items, keys, at)
	return err
}

// pendingSummaries counts the instance's failed executions since then
// still without a summary, and the start of the oldest.
func pendingSummaries(ctx context.Context, tx pgx.Tx, inst int64, since time.Time) (int, *time.Time, error) {
	var n int
	var oldest *time.Time
	err := tx.QueryRow(ctx, `SELECT count(*), min(e.started_at)
		FROM campaigns c JOIN executions e ON e.campaign_id = c.id
		WHERE c.instance_id = $1 AND e.status IN ('error', 'crashed') AND e.started_at > $2
		  AND NOT EXISTS (SELECT 1 FROM failure_summaries f WHERE f.campaign_id = e.campaign_id AND f.n8n_execution_id = e.n8n_execution_id)`,
		inst, since).Scan(&n, &oldest)
	return n, oldest, err
}
