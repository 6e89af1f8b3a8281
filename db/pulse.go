package db

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/godmode-console/godmode/model"
)

var _ model.PulseReader = (*Store)(nil)

// PulseRead counts the window's executions by workspace and hour ago
// (executions_started_idx), its top failure groups
// (failure_summaries_started_idx) and the summariser's backlog, in one
// snapshot so the numbers agree with each other.
func (s *Store) PulseRead(ctx context.Context, q model.PulseQuery) (model.PulseData, error) {
	var out model.PulseData
	since := q.Now.Add(-model.PulseWindow)
	err := pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		out = model.PulseData{}
		rows, err := tx.Query(ctx, `SELECT c.workspace_id,
				least(23, greatest(0, floor(extract(epoch FROM ($1::timestamptz - e.started_at)) / 3600)))::int AS ago,
				count(*) FILTER (WHERE e.status = 'success' AND f.kind IS NULL),
				count(*) FILTER (WHERE e.status = 'error'),
				count(*) FILTER (WHERE e.status = 'success' AND f.kind IS NOT NULL),
				count(*) FILTER (WHERE e.status = 'waiting'),
				count(*) FILTER (WHERE e.status = 'crashed'),
				count(*)
			FROM executions e JOIN campaigns c ON c.id = e.campaign_id
			LEFT JOIN failure_summaries f ON f.campaign_id = e.campaign_id AND f.n8n_execution_id = e.n8n_execution_id AND f.kind = 'swallowed'
			WHERE e.started_at > $2 AND ($3 OR c.workspace_id = ANY($4::bigint[]))
			GROUP BY 1, 2 ORDER BY 1, 2`, q.Now, since, q.All, q.WorkspaceIDs)
		if err != nil {
			return err
		}
		by := map[int64]int{}
		for rows.Next() {
			var ws int64
			var ago int
			var n model.PulseCounts
			var total int
			if err := rows.Scan(&ws, &ago, &n.OK, &n.Error, &n.Soft, &n.Waiting, &n.Crashed, &total); err != nil {
				rows.Close()
				return err
			}
			i, ok := by[ws]
			if !ok {
				i = len(out.Rows)
				by[ws] = i
				out.Rows = append(out.Rows, model.PulseRow{WorkspaceID: ws, Failures: make([]int, 24), Runs: make([]int, 24)})
			}
			r := &out.Rows[i]
			if ago == 0 {
				r.Hour = n
			}
			r.Day.OK, r.Day.Error, r.Day.Soft = r.Day.OK+n.OK, r.Day.Error+n.Error, r.Day.Soft+n.Soft
			r.Day.Waiting, r.Day.Crashed = r.Day.Waiting+n.Waiting, r.Day.Crashed+n.Crashed
			r.Failures[23-ago] += n.Error + n.Crashed
			r.Runs[23-ago] += total
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		rows, err = tx.Query(ctx, `SELECT f.group_key, f.kind, f.node_type, f.error_class, f.message,
				count(*)::int, count(DISTINCT c.workspace_id)::int, max(f.started_at)
			FROM failure_summaries f JOIN campaigns c ON c.id = f.campaign_id
			WHERE f.started_at > $1 AND ($2 OR c.workspace_id = ANY($3::bigint[]))
			GROUP BY 1, 2, 3, 4, 5
			ORDER BY 6 DESC, 8 DESC, 1
			LIMIT $4`, since, q.All, q.WorkspaceIDs, q.Groups)
		if err != nil {
			return err
		}
		for rows.Next() {
			var g model.FailureGroup
			if err := rows.Scan(&g.Key, &g.Kind, &g.NodeType, &g.Class, &g.Message, &g.Executions, &g.Workspaces, &g.Latest); err != nil {
				rows.Close()
				return err
			}
			out.Groups = append(out.Groups, g)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		var oldest *time.Time
		if err := tx.QueryRow(ctx, `SELECT count(*), min(e.started_at)
			FROM executions e JOIN campaigns c ON c.id = e.campaign_id
			WHERE e.status IN ('error', 'crashed') AND e.started_at > $1 AND ($2 OR c.workspace_id = ANY($3::bigint[]))
			  AND NOT EXISTS (SELECT 1 FROM failure_summaries f WHERE f.campaign_id = e.campaign_id AND f.n8n_execution_id = e.n8n_execution_id)`,
			since, q.All, q.WorkspaceIDs).Scan(&out.Backlog.Pending, &oldest); err != nil {
			return err
		}
		if oldest != nil {
			out.Backlog.OldestSince = *oldest
		}
		// The budget the instances of these workspaces last ran with.
		return tx.QueryRow(ctx, `SELECT coalesce(max(s.summary_budget), 0) FROM sync_state s
			WHERE $1 OR s.instance_id IN (SELECT instance_id FROM workspaces WHERE id = ANY($2::bigint[]))`,
			q.All, q.WorkspaceIDs).Scan(&out.Backlog.Budget)
	})
	return out, dbErr("the pulse", err)
}

// FailureGroupRows lists one group's executions of the window in the
// query's workspaces, newest first.
func (s *Store) FailureGroupRows(ctx context.Context, q model.PulseQuery, key string, limit int) ([]model.PulseExecution, error) {
	rows, err := s.pool.Query(ctx, `SELECT e.n8n_execution_id, c.n8n_workflow_id, c.id, e.status, e.mode, e.started_at, e.stopped_at, e.retry_of,
			w.slug, c.name, f.node, f.raw_message
		FROM failure_summaries f
		JOIN executions e ON e.campaign_id = f.campaign_id AND e.n8n_execution_id = f.n8n_execution_id
		JOIN campaigns c ON c.id = f.campaign_id
		JOIN workspaces w ON w.id = c.workspace_id
		WHERE f.group_key = $1 AND f.started_at > $2 AND ($3 OR c.workspace_id = ANY($4::bigint[]))
		ORDER BY f.started_at DESC, length(f.n8n_execution_id) DESC, f.n8n_execution_id DESC
		LIMIT $5`, key, q.Now.Add(-model.PulseWindow), q.All, q.WorkspaceIDs, limit)
	if err != nil {
		return nil, dbErr("executions of a failure group", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (model.PulseExecution, error) {
		var x model.PulseExecution
		err := r.Scan(&x.ID, &x.WorkflowID, &x.CampaignID, &x.Status, &x.Mode, &x.StartedAt, &x.StoppedAt, &x.RetryOf,
			&x.Workspace, &x.Campaign, &x.Node, &x.Message)
		return x, err
	})
	return out, dbErr("executions of a failure group", err)
}
