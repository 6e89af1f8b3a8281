package db

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/godmode-console/godmode/model"
)

var _ model.SyncStore = (*Store)(nil)

// ErrNotLeader refuses a sync write from a runner whose lead was lost.
var ErrNotLeader = errors.New("this runner no longer leads the instance (its lock connection was lost); nothing was written, the next cycle asks again")

// InstanceWorkspaces lists the workspaces living on an instance.
func (s *Store) InstanceWorkspaces(ctx context.Context, instanceID int64) ([]model.Workspace, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+workspaceCols+` FROM workspaces w WHERE w.instance_id = $1 ORDER BY w.slug`, instanceID)
	return collect[model.Workspace](fmt.Sprintf("workspaces of instance %d", instanceID), rows, err)
}

// InstanceSyncState reads sync_state for one instance; an instance never
// synced has a zero state.
func (s *Store) InstanceSyncState(ctx context.Context, instanceID int64) (model.InstanceSyncState, error) {
	st := model.InstanceSyncState{InstanceID: instanceID}
	var ms int64
	err := s.pool.QueryRow(ctx, `SELECT last_execution_id, last_cycle_at, last_ok_at, last_error, last_cycle_ms, leader
		FROM sync_state WHERE instance_id = $1`, instanceID).
		Scan(&st.LastExecutionID, &st.LastCycleAt, &st.LastOKAt, &st.LastError, &ms, &st.Leader)
	if errors.Is(err, pgx.ErrNoRows) {
		return st, nil
	}
	st.LastCycle = time.Duration(ms) * time.Millisecond
	return st, dbErr(fmt.Sprintf("sync state of instance %d", instanceID), err)
}

// RecordSyncFailure notes a cycle that wrote nothing; last_ok_at stays, so
// consoles show how stale the instance's data is.
func (s *Store) RecordSyncFailure(ctx context.Context, instanceID int64, leader, reason string, took time.Duration) error {
	_, err := s.pool.Exec(ctx, `INSERT INTO sync_state (instance_id, last_cycle_at, last_error, last_cycle_ms, leader)
		VALUES ($1, now(), $2, $3, $4)
		ON CONFLICT (instance_id) DO UPDATE SET last_cycle_at = now(), last_error = EXCLUDED.last_error,
			last_cycle_ms = EXCLUDED.last_cycle_ms, leader = EXCLUDED.leader`,
		instanceID, reason, clampMS(took), leader)
	return dbErr(fmt.Sprintf("sync state of instance %d", instanceID), err)
}

func clampMS(d time.Duration) int32 {
	return int32(min(d.Milliseconds(), 1<<31-1))
}

// ApplySync writes one cycle in one transaction: corrections (compare-and-
// set, each audited), findings, executions and their summaries, and
// sync_state. Rows that do not change are not touched, since each UPDATE
// NOTIFYs every console. The transaction first checks that the lease's
// lock is still held by the runner's connection.
func (s *Store) ApplySync(ctx context.Context, w model.SyncWrite) (model.SyncApplied, error) {
	var out model.SyncApplied
	inst := w.Lease.InstanceID
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		out = model.SyncApplied{}
		key := instanceLockKey(inst)
		var held bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted
				AND pid = $1 AND classid::bigint = $2 AND objid::bigint = $3 AND objsubid = 1)`,
			w.Lease.Token, key>>32, key&0xffffffff).Scan(&held); err != nil {
			return err
		}
		if !held {
			return fmt.Errorf("instance %d: %w", inst, ErrNotLeader)
		}
		keep := append([]int64(nil), w.KeepOpen...)
		var findings []model.Finding
		var audits []model.AuditEntry
		for _, c := range w.Corrections {
			after, ok, err := correct(ctx, tx, c, w.At)
			if err != nil {
				return err
			}
			if !ok {
				out.Skipped = append(out.Skipped, c.Before.ID)
				keep = append(keep, c.Before.ID)
				continue
			}
			out.Corrected = append(out.Corrected, after)
			audits = append(audits, c.Audit(after))
			if e, ok := c.CutOff(after); ok {
				audits = append(audits, e)
			}
			if c.Finding != nil {
				findings = append(findings, *c.Finding)
			}
		}
		findings = append(findings, w.Findings...)
		opened, err := upsertFindings(ctx, tx, inst, findings, w.At, w.FindingRefresh)
		if err != nil {
			return err
		}
		out.Opened = opened
		if out.Resolved, err = resolveFindings(ctx, tx, inst, findings, keep, w.At); err != nil {
			return err
		}
		touched, err := insertExecutions(ctx, tx, w.Executions)
		if err != nil {
			return err
		}
		if out.Summaries, err = summarise(ctx, tx, inst, touched, w.FailuresSince, w.At); err != nil {
			return err
		}
		if err := upsertWatermarks(ctx, tx, inst, w.Watermarks, w.At); err != nil {
			return err
		}
		if err := insertSummaries(ctx, tx, w.Summaries, w.At); err != nil {
			return err
		}
		if out.PendingSummaries, out.OldestPending, err = pendingSummaries(ctx, tx, inst, w.At.Add(-model.PulseWindow)); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `INSERT INTO sync_state (instance_id, last_execution_id, last_cycle_at, last_ok_at, last_error, last_cycle_ms, leader,
				summary_budget)
			VALUES ($1, $2, $3, $3, '', $4, $5, $6)
			ON CONFLICT (instance_id) DO UPDATE SET last_execution_id = EXCLUDED.last_execution_id, last_cycle_at = EXCLUDED.last_cycle_at,
				last_ok_at = EXCLUDED.last_ok_at, last_error = '', last_cycle_ms = EXCLUDED.last_cycle_ms, leader = EXCLUDED.leader,
				summary_budget = EXCLUDED.summary_budget`,
			inst, w.LastExecutionID, w.At, clampMS(w.Took), w.Lease.Leader, w.SummaryBudget)
		if err != nil {
			return err
		}
		// Last, so the audit chain's lock (held to commit) is held for as
		// short a time as possible: every other writer of the trail waits on it.
		for _, e := range audits {
			if _, err := appendAudit(ctx, tx, e); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		if errors.Is(err, ErrNotLeader) {
			return model.SyncApplied{}, err
		}
		return model.SyncApplied{}, dbErr(fmt.Sprintf("sync of instance %d", inst), err)
	}
	return out, nil
}

// correct applies one correction if the campaign is still as the cycle read
// it (same version, same pending wish): a toggle in flight or finished
// since then wins, and the next cycle judges again. A workspace frozen
// since the read is never given an active campaign: the next cycle
// deactivates the workflow instead. ApplySync audits it.
func correct(ctx context.Context, tx pgx.Tx, c model.SyncCorrection, at time.Time) (model.Campaign, bool, error) {
	rows, err := tx.Query(ctx, `UPDATE campaigns SET status = $3, last_error = $4, pending_status = NULL, pending_since = NULL,
			pending_actor = '', pending_actor_user_id = NULL, pending_action = '', version = version + 1, last_synced_at = $6
		WHERE id = $1 AND version = $2 AND pending_since IS NOT DISTINCT FROM $5
		  AND ($3::campaign_status <> 'active' OR NOT EXISTS (SELECT 1 FROM workspaces w
			WHERE w.id = campaigns.workspace_id AND w.status = 'suspended'))
		RETURNING `+campaignCols, c.Before.ID, c.Before.Version, c.Status, c.LastError, c.Before.PendingSince, at)
	if err != nil {
		return model.Campaign{}, false, err
	}
	after, err := pgx.CollectRows(rows, pgx.RowToStructByNameLax[model.Campaign])
	if err != nil || len(after) == 0 {
		return model.Campaign{}, false, err
	}
	return after[0], true, nil
}

// findingKey is what makes an open finding the same row from cycle to cycle.
type findingKey struct {
	kind     model.DriftKind
	workflow string
	campaign int64
}

func keyOf(f model.Finding) findingKey {
	k := findingKey{kind: f.Kind, workflow: f.WorkflowID}
	if f.CampaignID != nil {
		k.campaign = *f.CampaignID
	}
	return k
}

// upsertFindings records open findings (one open row per key; an unchanged
// one has last_seen_at moved only every refresh) and inserts findings
// resolved on the spot. It returns how many rows were new.
func upsertFindings(ctx context.Context, tx pgx.Tx, inst int64, fs []model.Finding, at time.Time, refresh time.Duration) (int, error) {
	var (
		kinds, wfs, wfNames, details []string
		wss, camps                   []*int64
		befores, afters              []*string
		corrected                    []bool
		resolved                     []*time.Time
	)
	seen := map[findingKey]bool{}
	for _, f := range fs {
		if f.ResolvedAt == nil {
			if seen[keyOf(f)] {
				continue // one statement may not update a row twice
			}
			seen[keyOf(f)] = true
		}
		kinds, wfs, wfNames, details = append(kinds, string(f.Kind)), append(wfs, f.WorkflowID), append(wfNames, f.WorkflowName), append(details, f.Detail)
		wss, camps = append(wss, f.WorkspaceID), append(camps, f.CampaignID)
		befores, afters = append(befores, jsonText(f.Before)), append(afters, jsonText(f.After))
		corrected, resolved = append(corrected, f.Corrected), append(resolved, f.ResolvedAt)
	}
	if len(kinds) == 0 {
		return 0, nil
	}
	// Rows whose campaign or workspace vanished meanwhile are dropped, and
	// so is an unmanaged workflow a campaign created meanwhile owns.
	const src = `FROM unnest($2::text[], $3::bigint[], $4::bigint[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::bool[], $11::timestamptz[])
			AS u(k, ws, c, wf, wfn, d, b, a, corr, res)
		WHERE (u.c IS NULL OR EXISTS (SELECT 1 FROM campaigns WHERE id = u.c))
		  AND (u.ws IS NULL OR EXISTS (SELECT 1 FROM workspaces WHERE id = u.ws))
		  AND (u.k <> 'orphan_workflow' OR NOT EXISTS (SELECT 1 FROM campaigns WHERE instance_id = $1 AND n8n_workflow_id = u.wf))`
	args := []any{inst, kinds, wss, camps, wfs, wfNames, details, befores, afters, corrected, resolved, at, refresh.Seconds()}
	var opened int
	err := tx.QueryRow(ctx, `WITH ins AS (
			INSERT INTO sync_findings AS f (kind, instance_id, workspace_id, campaign_id, workflow_id, workflow_name, detail, before, after,
				corrected, first_seen_at, last_seen_at, resolved_at)
			SELECT u.k::drift_kind, $1, u.ws, u.c, u.wf, u.wfn, u.d, u.b::jsonb, u.a::jsonb, u.corr, $12, $12, u.res `+src+` AND u.res IS NULL
			ON CONFLICT (kind, instance_id, workflow_id, coalesce(campaign_id, 0)) WHERE resolved_at IS NULL
			DO UPDATE SET last_seen_at = EXCLUDED.last_seen_at, detail = EXCLUDED.detail, workflow_name = EXCLUDED.workflow_name,
				workspace_id = EXCLUDED.workspace_id, corrected = EXCLUDED.corrected
			WHERE f.detail IS DISTINCT FROM EXCLUDED.detail OR f.workflow_name IS DISTINCT FROM EXCLUDED.workflow_name
				OR f.workspace_id IS DISTINCT FROM EXCLUDED.workspace_id OR f.corrected IS DISTINCT FROM EXCLUDED.corrected
				OR f.last_seen_at < $12::timestamptz - $13::float8 * interval '1 second'
			RETURNING (xmax = 0) AS inserted
		), done AS (
			INSERT INTO sync_findings (kind, instance_id, workspace_id, campaign_id, workflow_id, workflow_name, detail, before, after,
				corrected, first_seen_at, last_seen_at, resolved_at)
			SELECT u.k::drift_kind, $1, u.ws, u.c, u.wf, u.wfn, u.d, u.b::jsonb, u.a::jsonb, u.corr, $12, $12, u.res `+src+` AND u.res IS NOT NULL
			RETURNING 1
		)
		SELECT (SELECT count(*) FROM ins WHERE inserted) + (SELECT count(*) FROM done)`, args...).Scan(&opened)
	return opened, err
}

// resolveFindings closes the instance's open findings that this cycle did
// not find again, except those of campaigns it did not judge.
func resolveFindings(ctx context.Context, tx pgx.Tx, inst int64, current []model.Finding, keep []int64, at time.Time) (int, error) {
	var kinds, wfs []string
	var camps []int64
	for _, f := range current {
		if f.ResolvedAt != nil {
			continue
		}
		k := keyOf(f)
		kinds, wfs, camps = append(kinds, string(k.kind)), append(wfs, k.workflow), append(camps, k.campaign)
	}
	tag, err := tx.Exec(ctx, `UPDATE sync_findings f SET resolved_at = $2
		WHERE f.instance_id = $1 AND f.resolved_at IS NULL
		  AND NOT (coalesce(f.campaign_id, 0) = ANY(coalesce($3::bigint[], '{}')))
		  AND NOT EXISTS (SELECT 1 FROM unnest($4::text[], $5::text[], $6::bigint[]) AS u(k, wf, c)
			WHERE u.k = f.kind::text AND u.wf = f.workflow_id AND u.c = coalesce(f.campaign_id, 0))`,
		inst, at, keep, kinds, wfs, camps)
	return int(tag.RowsAffected()), err
}

// insertExecutions stores new executions and returns the campaigns that got
// some.
func insertExecutions(ctx context.Context, tx pgx.Tx, es []model.SyncExecution) ([]int64, error) {
	if len(es) == 0 {
		return nil, nil
	}
	var (
		camps                   []int64
		ids, sts, modes, retrys []string
		started                 []time.Time
		stopped                 []*time.Time
	)
	seen := map[int64]bool{}
	var touched []int64
	for _, e := range es {
		camps, ids, sts, modes, retrys = append(camps, e.CampaignID), append(ids, e.ID), append(sts, e.Status), append(modes, e.Mode), append(retrys, e.RetryOf)
		started, stopped = append(started, e.StartedAt), append(stopped, e.StoppedAt)
		if !seen[e.CampaignID] {
			seen[e.CampaignID] = true
			touched = append(touched, e.CampaignID)
		}
	}
	_, err := tx.Exec(ctx, `INSERT INTO executions (campaign_id, n8n_execution_id, status, mode, started_at, stopped_at, retry_of)
		SELECT u.c, u.id, u.st, u.m, u.sa, u.so, u.r
		FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::timestamptz[], $6::timestamptz[], $7::text[]) AS u(c, id, st, m, sa, so, r)
		WHERE EXISTS (SELECT 1 FROM campaigns WHERE id = u.c)
		ON CONFLICT (campaign_id, n8n_execution_id) DO NOTHING`,
		camps, ids, sts, modes, started, stopped, retrys)
	return touched, err
}

// summarise recomputes the last execution and 24-hour failure count of the
// campaigns that got executions, and of those whose failures may have aged
// out, writing only the rows whose summary changed.
func summarise(ctx context.Context, tx pgx.Tx, inst int64, touched []int64, since, at time.Time) (int, error) {
	tag, err := tx.Exec(ctx, `WITH t AS (
			SELECT id FROM campaigns WHERE instance_id = $1 AND (id = ANY(coalesce($2::bigint[], '{}')) OR failures_24h > 0)
		), s AS (
			SELECT t.id, l.n8n_execution_id, l.status, l.started_at,
				(SELECT count(*) FROM executions e WHERE e.campaign_id = t.id AND e.status IN ('error', 'crashed') AND e.started_at > $3)::int AS f
			FROM t LEFT JOIN LATERAL (
				SELECT n8n_execution_id, status, started_at FROM executions e WHERE e.campaign_id = t.id
				ORDER BY started_at DESC, length(n8n_execution_id) DESC, n8n_execution_id DESC LIMIT 1) l ON true
		)
		UPDATE campaigns c SET last_exec_id = coalesce(s.n8n_execution_id, c.last_exec_id),
			last_exec_status = coalesce(s.status, c.last_exec_status), last_exec_at = coalesce(s.started_at, c.last_exec_at),
			failures_24h = s.f, last_synced_at = $4
		FROM s WHERE c.id = s.id AND (c.last_exec_id IS DISTINCT FROM coalesce(s.n8n_execution_id, c.last_exec_id)
			OR c.last_exec_status IS DISTINCT FROM coalesce(s.status, c.last_exec_status)
			OR c.last_exec_at IS DISTINCT FROM coalesce(s.started_at, c.last_exec_at) OR c.failures_24h <> s.f)`,
		inst, touched, since, at)
	return int(tag.RowsAffected()), err
}

func jsonText(b []byte) *string {
	if len(b) == 0 {
		return nil
	}
	s := string(b)
	return &s
}
