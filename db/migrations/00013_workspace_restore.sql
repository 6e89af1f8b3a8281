-- An archived workspace can be restored: it goes back to the status it
-- had, and the campaigns its archive retired go back to theirs. Each
-- remembers what it was; a campaign archived on its own keeps NULL and
-- stays archived through a restore.

-- +goose Up
ALTER TABLE workspaces
    ADD COLUMN archived_from workspace_status,
    ADD COLUMN archived_freeze_reason text NOT NULL DEFAULT '';
ALTER TABLE campaigns ADD COLUMN archived_from campaign_status;

-- +goose Down
ALTER TABLE campaigns DROP COLUMN archived_from;
ALTER TABLE workspaces DROP COLUMN archived_freeze_reason, DROP COLUMN archived_from;
