-- The kill switch leaves a trace before it touches n8n, so a process killed
-- halfway can be found and finished by sync: a toggle's wish names who
-- wished it, and a workspace being frozen says since when and by whom.

-- +goose Up
ALTER TABLE campaigns
    ADD COLUMN pending_actor         text NOT NULL DEFAULT '',
    -- No foreign key, as in audit_log: the name is what the trail records.
    ADD COLUMN pending_actor_user_id bigint,
    ADD COLUMN pending_action        text NOT NULL DEFAULT '';
ALTER TABLE workspaces
    ADD COLUMN freezing_since timestamptz,
    ADD COLUMN freezing_by    text NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE workspaces DROP COLUMN freezing_by, DROP COLUMN freezing_since;
ALTER TABLE campaigns DROP COLUMN pending_action, DROP COLUMN pending_actor_user_id, DROP COLUMN pending_actor;
