-- The kill switch must restart exactly the campaigns it paused: the flag
-- lives on the campaign, not in the audit trail, so a half-done unfreeze can
-- be run again.

-- +goose Up
ALTER TABLE campaigns ADD COLUMN resume_on_unfreeze boolean NOT NULL DEFAULT false;
CREATE INDEX campaigns_resume_idx ON campaigns (workspace_id) WHERE resume_on_unfreeze;

-- +goose Down
ALTER TABLE campaigns DROP COLUMN resume_on_unfreeze;
