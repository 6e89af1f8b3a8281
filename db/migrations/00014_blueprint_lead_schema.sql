-- A blueprint version's lead schema (lead_schema->'columns', an ordered
-- list of column names) starts as the lead columns detection found and
-- can then be edited by a super admin: the version's workflows stay as
-- they were imported, the schema is what provisioning gives the
-- workspace's leads table. Who edited it last, and when, is kept with it
-- (the audit trail has every edit).

-- +goose Up
ALTER TABLE blueprint_versions
    ADD COLUMN lead_schema_edited_by bigint REFERENCES users (id) ON DELETE SET NULL,
    ADD COLUMN lead_schema_edited_at timestamptz,
    ADD CONSTRAINT blueprint_versions_lead_schema_check CHECK (
        jsonb_typeof(lead_schema) = 'object'
        AND (NOT lead_schema ? 'columns' OR jsonb_typeof(lead_schema -> 'columns') = 'array'));
-- A user's deletion sets the column to NULL: the index keeps that from
-- scanning every version.
CREATE INDEX blueprint_versions_lead_schema_edited_by_idx ON blueprint_versions (lead_schema_edited_by);

-- +goose Down
DROP INDEX blueprint_versions_lead_schema_edited_by_idx;
ALTER TABLE blueprint_versions
    DROP CONSTRAINT blueprint_versions_lead_schema_check,
    DROP COLUMN lead_schema_edited_at,
    DROP COLUMN lead_schema_edited_by;
