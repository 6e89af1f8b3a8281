-- Retention: sync deletes each instance's resolved findings past their
-- age. Open findings are never deleted, so the index holds resolved ones
-- only. Executions are pruned through executions_campaign_started_idx.

-- +goose Up
CREATE INDEX sync_findings_resolved_idx ON sync_findings (instance_id, resolved_at) WHERE resolved_at IS NOT NULL;

-- +goose Down
DROP INDEX sync_findings_resolved_idx;
