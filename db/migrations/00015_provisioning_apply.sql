-- Apply records a step before its n8n call ('started': its outcome is
-- unknown until it is done or failed), with a fingerprint of what the step
-- sends (taken from the masked preview, never from a secret) so a resume
-- with other values is refused. A campaign remembers the content hash of
-- what provisioning applied.

-- +goose Up
ALTER TYPE step_status ADD VALUE IF NOT EXISTS 'started' BEFORE 'done';
ALTER TABLE provisioning_steps ADD COLUMN fingerprint text NOT NULL DEFAULT '';
ALTER TABLE campaigns ADD COLUMN applied_hash text NOT NULL DEFAULT '';
-- A resume must plan what the first attempt planned: with or without
-- the activation steps.
ALTER TABLE provisioning_runs ADD COLUMN activate boolean NOT NULL DEFAULT false;

-- +goose Down
ALTER TABLE provisioning_runs DROP COLUMN activate;
ALTER TABLE campaigns DROP COLUMN applied_hash;
ALTER TABLE provisioning_steps DROP COLUMN fingerprint;
ALTER TYPE step_status RENAME TO step_status_old;
CREATE TYPE step_status AS ENUM ('done', 'failed', 'undone');
ALTER TABLE provisioning_steps ALTER COLUMN status TYPE step_status
    USING (CASE WHEN status::text = 'started' THEN 'failed' ELSE status::text END)::step_status;
DROP TYPE step_status_old;
