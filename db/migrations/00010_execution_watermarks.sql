-- How far each workflow's executions have been read, kept per workflow:
-- the instance-wide cursor in sync_state only says where the fleet listing
-- stopped, so a workflow adopted (or a campaign re-linked) after its runs
-- went past that cursor would show "never" run. A campaign whose workflow
-- has no row here is backfilled from n8n by workflow id, then the row is
-- written, so it is backfilled once.

-- +goose Up
CREATE TABLE execution_watermarks (
    instance_id        bigint NOT NULL REFERENCES n8n_instances (id) ON DELETE CASCADE,
    workflow_id        text NOT NULL CHECK (workflow_id <> ''),
    last_execution_id  text NOT NULL DEFAULT '',
    backfilled_at      timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (instance_id, workflow_id)
);
-- Campaigns that exist were read by the instance-wide cursor all along.
INSERT INTO execution_watermarks (instance_id, workflow_id, last_execution_id)
SELECT instance_id, n8n_workflow_id, last_exec_id FROM campaigns;

-- +goose Down
DROP TABLE execution_watermarks;
