-- What an import or a capture records with a blueprint version beyond the
-- workflows: the file each workflow came from (named in every message and
-- in the export), the detector's whole report (triggers and hardcoded
-- candidates have no column of their own), the secrets an operator allowed
-- after review (masked), whether it came from files or a workspace, and for a
-- capture where each of the workspace's values became a variable.

-- +goose Up
ALTER TABLE blueprint_versions
    ADD COLUMN files jsonb NOT NULL DEFAULT '[]' CONSTRAINT blueprint_versions_files_check CHECK (jsonb_typeof(files) = 'array'),
    ADD COLUMN report jsonb NOT NULL DEFAULT '{}' CONSTRAINT blueprint_versions_report_check CHECK (jsonb_typeof(report) = 'object'),
    ADD COLUMN allowed_secrets jsonb NOT NULL DEFAULT '[]' CONSTRAINT blueprint_versions_allowed_secrets_check CHECK (jsonb_typeof(allowed_secrets) = 'array'),
    ADD COLUMN origin text NOT NULL DEFAULT 'import' CONSTRAINT blueprint_versions_origin_check CHECK (origin IN ('import', 'capture')),
    ADD COLUMN substitutions jsonb NOT NULL DEFAULT '[]' CONSTRAINT blueprint_versions_substitutions_check CHECK (jsonb_typeof(substitutions) = 'array');

-- +goose Down
ALTER TABLE blueprint_versions
    DROP COLUMN substitutions,
    DROP COLUMN origin,
    DROP COLUMN allowed_secrets,
    DROP COLUMN report,
    DROP COLUMN files;
