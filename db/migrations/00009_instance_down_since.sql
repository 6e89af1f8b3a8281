-- When an instance stopped answering, so the console can say "down since"
-- rather than only "last checked": with thousands of instances some are
-- always down, and how long matters more than that they are.

-- +goose Up
ALTER TABLE n8n_instances ADD COLUMN down_since timestamptz;
UPDATE n8n_instances SET down_since = last_checked_at WHERE healthy = false;

-- +goose Down
ALTER TABLE n8n_instances DROP COLUMN down_since;
