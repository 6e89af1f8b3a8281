-- Variables a blueprint marks admin_editable may be changed and applied by
-- a workspace's owners and admins, not only by super admins. The list is
-- the blueprint's, not a version's (versions stay as they were imported);
-- who set it last, and when, is kept with it (the audit trail has every
-- change).
--
-- A run records the values it applied that are not secret, and only the
-- names of the secret ones, so an owner's re-apply can take every other
-- variable from the workspace's last succeeded run; a credential given by
-- id is recorded by its id (an id is no secret: n8n shows it in every
-- workflow that uses it), one the run created is in its steps already.

-- +goose Up
ALTER TABLE blueprints
    ADD COLUMN admin_editable text[] NOT NULL DEFAULT '{}',
    ADD COLUMN admin_editable_edited_by bigint REFERENCES users (id) ON DELETE SET NULL,
    ADD COLUMN admin_editable_edited_at timestamptz;
-- A user's deletion sets the column to NULL: the index keeps that from
-- scanning every blueprint.
CREATE INDEX blueprints_admin_editable_edited_by_idx ON blueprints (admin_editable_edited_by);

ALTER TABLE provisioning_runs
    ADD COLUMN variable_values jsonb NOT NULL DEFAULT '{}'
        CONSTRAINT provisioning_runs_variable_values_check CHECK (jsonb_typeof(variable_values) = 'object'),
    ADD COLUMN secret_variables text[] NOT NULL DEFAULT '{}',
    ADD COLUMN credential_ids jsonb NOT NULL DEFAULT '{}'
        CONSTRAINT provisioning_runs_credential_ids_check CHECK (jsonb_typeof(credential_ids) = 'object');

-- +goose Down
ALTER TABLE provisioning_runs
    DROP COLUMN credential_ids,
    DROP COLUMN secret_variables,
    DROP COLUMN variable_values;
DROP INDEX blueprints_admin_editable_edited_by_idx;
ALTER TABLE blueprints
    DROP COLUMN admin_editable_edited_at,
    DROP COLUMN admin_editable_edited_by,
    DROP COLUMN admin_editable;
