-- What each n8n instance can do, as godmode last probed it (n8n reports
-- its version nowhere in the public API): the major it behaves like,
-- publish/unpublish, credential listing, waiting executions in lists.
-- NULL until the first probe; rewritten when a probe answers differently.

-- +goose Up
ALTER TABLE n8n_instances ADD COLUMN capabilities jsonb
    CHECK (capabilities IS NULL OR jsonb_typeof(capabilities) = 'object');

-- +goose Down
ALTER TABLE n8n_instances DROP COLUMN capabilities;
