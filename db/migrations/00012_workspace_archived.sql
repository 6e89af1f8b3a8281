-- A workspace can be archived: kept with its campaigns and audit trail, but
-- no longer run. No existing status says that (suspended is the kill
-- switch, which an unfreeze lifts), so it gets its own.

-- +goose Up
ALTER TYPE workspace_status ADD VALUE IF NOT EXISTS 'archived';

-- +goose Down
-- Postgres cannot drop an enum label. An unused one harms nothing (Up
-- tolerates it), but rows using it would be left meaning nothing: refused.
-- +goose StatementBegin
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM workspaces WHERE status = 'archived') THEN
        RAISE EXCEPTION 'workspaces are archived: set their status back before rolling back 00012';
    END IF;
END $$;
-- +goose StatementEnd
