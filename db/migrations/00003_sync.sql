-- What the synchronization loop finds and where it stopped reading.

-- +goose Up
CREATE TYPE drift_kind AS ENUM ('orphan_workflow', 'orphan_db_record', 'state_mismatch', 'webhook_mismatch', 'version_mismatch');

-- One row per thing sync found. A finding that is still true on the next
-- cycle is the same row (last_seen_at moves); one that is no longer true is
-- resolved. The unique index keeps one open finding per kind and subject.
CREATE TABLE sync_findings (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind           drift_kind NOT NULL,
    instance_id    bigint NOT NULL REFERENCES n8n_instances (id) ON DELETE CASCADE,
    workspace_id   bigint REFERENCES workspaces (id) ON DELETE CASCADE,
    campaign_id    bigint REFERENCES campaigns (id) ON DELETE CASCADE,
    workflow_id    text NOT NULL DEFAULT '',
    workflow_name  text NOT NULL DEFAULT '',
    detail         text NOT NULL DEFAULT '',
    before         jsonb,
    after          jsonb,
    -- corrected: sync fixed Postgres itself; otherwise a person must look.
    corrected      boolean NOT NULL,
    first_seen_at  timestamptz NOT NULL DEFAULT now(),
    last_seen_at   timestamptz NOT NULL DEFAULT now(),
    resolved_at    timestamptz
);
CREATE UNIQUE INDEX sync_findings_open_idx ON sync_findings (kind, instance_id, workflow_id, coalesce(campaign_id, 0))
    WHERE resolved_at IS NULL;
CREATE INDEX sync_findings_recent_idx ON sync_findings (last_seen_at DESC);
CREATE INDEX sync_findings_workspace_idx ON sync_findings (workspace_id, last_seen_at DESC);

-- Where each instance's incremental execution reading stopped, and how its
-- last cycle went (for the header, /metrics and the instances view).
CREATE TABLE sync_state (
    instance_id        bigint PRIMARY KEY REFERENCES n8n_instances (id) ON DELETE CASCADE,
    last_execution_id  text NOT NULL DEFAULT '',
    last_cycle_at      timestamptz,
    last_ok_at         timestamptz,
    last_error         text NOT NULL DEFAULT '',
    last_cycle_ms      integer NOT NULL DEFAULT 0,
    leader             text NOT NULL DEFAULT ''
);

CREATE TRIGGER sync_findings_notify AFTER INSERT OR UPDATE ON sync_findings FOR EACH ROW EXECUTE FUNCTION godmode_notify();

-- +goose Down
DROP TABLE sync_state;
DROP TABLE sync_findings;
DROP TYPE drift_kind;
