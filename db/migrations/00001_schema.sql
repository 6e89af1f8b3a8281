-- The schema of DESIGN.md. Ids are bigint identities; slugs and names are
-- what people read. Enums make an unknown status impossible to store.

-- +goose Up
CREATE TYPE workspace_status AS ENUM ('awaiting_setup', 'provisioning', 'active', 'suspended', 'error');
CREATE TYPE campaign_status AS ENUM ('active', 'paused', 'archived', 'error');
CREATE TYPE member_role AS ENUM ('owner', 'admin', 'member', 'viewer');
CREATE TYPE audit_outcome AS ENUM ('ok', 'noop', 'failed', 'rolled_back');
CREATE TYPE run_status AS ENUM ('planned', 'applying', 'succeeded', 'failed', 'rolled_back');
CREATE TYPE step_status AS ENUM ('done', 'failed', 'undone');

-- +goose StatementBegin
CREATE FUNCTION godmode_touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.updated_at := now();
    RETURN NEW;
END $$;
-- +goose StatementEnd

-- Every change other sessions must see is announced on one channel; a
-- trigger does it so no code path can forget. The payload is small on
-- purpose (NOTIFY payloads are capped at 8000 bytes): listeners re-read.
-- +goose StatementBegin
CREATE FUNCTION godmode_notify() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    r record;
BEGIN
    IF TG_OP = 'DELETE' THEN r := OLD; ELSE r := NEW; END IF;
    PERFORM pg_notify('godmode', json_build_object(
        'table', TG_TABLE_NAME,
        'op', lower(TG_OP),
        'id', r.id,
        'workspace_id', CASE WHEN TG_TABLE_NAME = 'workspaces' THEN r.id
                             WHEN TG_TABLE_NAME = 'campaigns' THEN (to_jsonb(r) ->> 'workspace_id')::bigint
                             WHEN TG_TABLE_NAME = 'audit_log' THEN (to_jsonb(r) ->> 'workspace_id')::bigint
                        END)::text);
    RETURN NULL;
END $$;
-- +goose StatementEnd

CREATE TABLE n8n_instances (
    id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name               text NOT NULL UNIQUE CHECK (name ~ '^[a-z0-9][a-z0-9_.-]{0,62}$'),
    base_url           text NOT NULL CHECK (base_url ~ '^https?://[^[:space:]]+$'),
    webhook_base_url   text NOT NULL DEFAULT '' CHECK (webhook_base_url = '' OR webhook_base_url ~ '^https?://[^[:space:]]+$'),
    -- AES-256-GCM: nonce || ciphertext || tag, under the master key named by api_key_key_id.
    api_key_ciphertext bytea NOT NULL CHECK (length(api_key_ciphertext) > 28),
    api_key_key_id     text NOT NULL,
    healthy            boolean,
    last_latency_ms    integer CHECK (last_latency_ms >= 0),
    last_error         text NOT NULL DEFAULT '',
    last_checked_at    timestamptz,
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE workspaces (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    slug          text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
    name          text NOT NULL CHECK (name <> ''),
    status        workspace_status NOT NULL DEFAULT 'awaiting_setup',
    -- An instance holding workspaces cannot be removed by accident.
    instance_id   bigint REFERENCES n8n_instances (id) ON DELETE RESTRICT,
    freeze_reason text NOT NULL DEFAULT '',
    frozen_at     timestamptz,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    -- Lets campaigns reference (workspace, instance) so a campaign can only
    -- sit on its workspace's instance.
    UNIQUE (id, instance_id),
    CHECK (status <> 'suspended' OR freeze_reason <> '')
);
CREATE INDEX workspaces_instance_idx ON workspaces (instance_id);

CREATE TABLE users (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email       text NOT NULL CHECK (email ~ '^[^@[:space:]]+@[^@[:space:]]+$'),
    name        text NOT NULL DEFAULT '',
    super_admin boolean NOT NULL DEFAULT false,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX users_email_idx ON users (lower(email));

CREATE TABLE user_keys (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id     bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    fingerprint text NOT NULL UNIQUE CHECK (fingerprint ~ '^SHA256:'),
    public_key  text NOT NULL,
    comment     text NOT NULL DEFAULT '',
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX user_keys_user_idx ON user_keys (user_id);

CREATE TABLE workspace_members (
    workspace_id bigint NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    user_id      bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role         member_role NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (workspace_id, user_id)
);
CREATE INDEX workspace_members_user_idx ON workspace_members (user_id);

CREATE TABLE blueprints (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name        text NOT NULL UNIQUE CHECK (name <> ''),
    description text NOT NULL DEFAULT '',
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE blueprint_versions (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    blueprint_id     bigint NOT NULL REFERENCES blueprints (id) ON DELETE CASCADE,
    version          integer NOT NULL CHECK (version > 0),
    workflows        jsonb NOT NULL CHECK (jsonb_typeof(workflows) = 'array'),
    variables        jsonb NOT NULL DEFAULT '[]',
    credential_slots jsonb NOT NULL DEFAULT '[]',
    webhook_nodes    jsonb NOT NULL DEFAULT '[]',
    lead_schema      jsonb NOT NULL DEFAULT '{}',
    content_hash     text NOT NULL CHECK (content_hash ~ '^[0-9a-f]{64}$'),
    created_by       bigint REFERENCES users (id) ON DELETE SET NULL,
    created_at       timestamptz NOT NULL DEFAULT now(),
    UNIQUE (blueprint_id, version),
    UNIQUE (blueprint_id, content_hash)
);

CREATE TABLE campaigns (
    id                   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    workspace_id         bigint NOT NULL,
    instance_id          bigint NOT NULL,
    name                 text NOT NULL CHECK (name <> ''),
    n8n_workflow_id      text NOT NULL CHECK (n8n_workflow_id <> ''),
    status               campaign_status NOT NULL DEFAULT 'paused',
    pending_status       campaign_status,
    pending_since        timestamptz,
    last_error           text NOT NULL DEFAULT '',
    version              bigint NOT NULL DEFAULT 1,
    webhook_url          text NOT NULL DEFAULT '',
    blueprint_version_id bigint REFERENCES blueprint_versions (id) ON DELETE SET NULL,
    last_exec_id         text NOT NULL DEFAULT '',
    last_exec_status     text NOT NULL DEFAULT '',
    last_exec_at         timestamptz,
    failures_24h         integer NOT NULL DEFAULT 0 CHECK (failures_24h >= 0),
    last_synced_at       timestamptz,
    created_at           timestamptz NOT NULL DEFAULT now(),
    updated_at           timestamptz NOT NULL DEFAULT now(),
    -- Deleting a workspace deletes its campaigns; moving it to another
    -- instance moves them with it.
    FOREIGN KEY (workspace_id, instance_id) REFERENCES workspaces (id, instance_id)
        ON DELETE CASCADE ON UPDATE CASCADE,
    FOREIGN KEY (instance_id) REFERENCES n8n_instances (id) ON DELETE RESTRICT,
    -- One campaign per n8n workflow per n8n instance.
    UNIQUE (instance_id, n8n_workflow_id),
    UNIQUE (workspace_id, name),
    CHECK ((pending_status IS NULL) = (pending_since IS NULL))
);
CREATE INDEX campaigns_workspace_idx ON campaigns (workspace_id, name);
CREATE INDEX campaigns_pending_idx ON campaigns (pending_since) WHERE pending_status IS NOT NULL;

-- What the console's executions pane and failure counts read, filled by the
-- sync loop from n8n's lists (ids are n8n's, strings).
CREATE TABLE executions (
    campaign_id     bigint NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
    n8n_execution_id text NOT NULL,
    status          text NOT NULL CHECK (status IN ('canceled', 'crashed', 'error', 'new', 'running', 'success', 'unknown', 'waiting')),
    mode            text NOT NULL DEFAULT '',
    started_at      timestamptz NOT NULL,
    stopped_at      timestamptz,
    retry_of        text NOT NULL DEFAULT '',
    PRIMARY KEY (campaign_id, n8n_execution_id)
);
CREATE INDEX executions_campaign_started_idx ON executions (campaign_id, started_at DESC);
CREATE INDEX executions_failures_idx ON executions (campaign_id, started_at) WHERE status IN ('error', 'crashed');

CREATE TABLE audit_log (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at              timestamptz NOT NULL DEFAULT clock_timestamp(),
    -- No foreign keys: the trail outlives the users, workspaces and
    -- campaigns it speaks of, and must never be rewritten by a cascade.
    actor_user_id   bigint,
    actor           text NOT NULL CHECK (actor <> ''),
    key_fingerprint text NOT NULL DEFAULT '',
    action          text NOT NULL CHECK (action <> ''),
    workspace_id    bigint,
    campaign_id     bigint,
    before          jsonb,
    after           jsonb,
    outcome         audit_outcome NOT NULL,
    error           text NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_at_idx ON audit_log (at DESC, id DESC);
CREATE INDEX audit_log_workspace_idx ON audit_log (workspace_id, at DESC, id DESC);
CREATE INDEX audit_log_actor_idx ON audit_log (actor, at DESC, id DESC);

-- +goose StatementBegin
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END $$;
-- +goose StatementEnd
CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();

CREATE TABLE provisioning_runs (
    id                   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    workspace_id         bigint NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    blueprint_version_id bigint NOT NULL REFERENCES blueprint_versions (id) ON DELETE RESTRICT,
    status               run_status NOT NULL DEFAULT 'planned',
    started_by           bigint REFERENCES users (id) ON DELETE SET NULL,
    error                text NOT NULL DEFAULT '',
    started_at           timestamptz NOT NULL DEFAULT now(),
    finished_at          timestamptz
);
-- At most one run per workspace at a time.
CREATE UNIQUE INDEX provisioning_runs_one_open_idx ON provisioning_runs (workspace_id)
    WHERE status IN ('planned', 'applying');

CREATE TABLE provisioning_steps (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    run_id     bigint NOT NULL REFERENCES provisioning_runs (id) ON DELETE CASCADE,
    seq        integer NOT NULL CHECK (seq > 0),
    kind       text NOT NULL CHECK (kind <> ''),
    ref        text NOT NULL DEFAULT '',
    n8n_id     text NOT NULL DEFAULT '',
    status     step_status NOT NULL,
    error      text NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (run_id, seq)
);

CREATE TABLE leads (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    workspace_id bigint NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    campaign_id  bigint REFERENCES campaigns (id) ON DELETE SET NULL,
    email        text NOT NULL CHECK (email ~ '^[^@[:space:]]+@[^@[:space:]]+$'),
    status       text NOT NULL DEFAULT 'new' CHECK (status <> ''),
    metadata     jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(metadata) = 'object'),
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX leads_workspace_email_idx ON leads (workspace_id, lower(email));
CREATE INDEX leads_metadata_idx ON leads USING gin (metadata jsonb_path_ops);
CREATE INDEX leads_campaign_idx ON leads (campaign_id);
-- Row-level security keyed on the workspace, for roles that are not the
-- table owner (e.g. a Supabase client role): they see only the workspace
-- named by the session setting godmode.workspace_id.
ALTER TABLE leads ENABLE ROW LEVEL SECURITY;
CREATE POLICY leads_workspace_isolation ON leads
    USING (workspace_id::text = current_setting('godmode.workspace_id', true))
    WITH CHECK (workspace_id::text = current_setting('godmode.workspace_id', true));

CREATE TRIGGER n8n_instances_touch BEFORE UPDATE ON n8n_instances FOR EACH ROW EXECUTE FUNCTION godmode_touch();
CREATE TRIGGER workspaces_touch BEFORE UPDATE ON workspaces FOR EACH ROW EXECUTE FUNCTION godmode_touch();
CREATE TRIGGER campaigns_touch BEFORE UPDATE ON campaigns FOR EACH ROW EXECUTE FUNCTION godmode_touch();
CREATE TRIGGER leads_touch BEFORE UPDATE ON leads FOR EACH ROW EXECUTE FUNCTION godmode_touch();

CREATE TRIGGER workspaces_notify AFTER INSERT OR UPDATE OR DELETE ON workspaces FOR EACH ROW EXECUTE FUNCTION godmode_notify();
CREATE TRIGGER campaigns_notify AFTER INSERT OR UPDATE OR DELETE ON campaigns FOR EACH ROW EXECUTE FUNCTION godmode_notify();
CREATE TRIGGER n8n_instances_notify AFTER INSERT OR UPDATE OR DELETE ON n8n_instances FOR EACH ROW EXECUTE FUNCTION godmode_notify();
CREATE TRIGGER audit_log_notify AFTER INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION godmode_notify();

-- +goose Down
-- The audit trail outlives the schema: a rollback that would drop it while
-- it holds rows is refused, whoever runs it.
-- +goose StatementBegin
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM audit_log) THEN
        RAISE EXCEPTION 'refusing to drop a non-empty audit_log'
            USING ERRCODE = 'object_in_use';
    END IF;
END $$;
-- +goose StatementEnd
DROP TABLE leads;
DROP TABLE provisioning_steps;
DROP TABLE provisioning_runs;
DROP TABLE audit_log;
DROP FUNCTION audit_log_append_only();
DROP TABLE executions;
DROP TABLE campaigns;
DROP TABLE blueprint_versions;
DROP TABLE blueprints;
DROP TABLE workspace_members;
DROP TABLE user_keys;
DROP TABLE users;
DROP TABLE workspaces;
DROP TABLE n8n_instances;
DROP FUNCTION godmode_notify();
DROP FUNCTION godmode_touch();
DROP TYPE step_status;
DROP TYPE run_status;
DROP TYPE audit_outcome;
DROP TYPE member_role;
DROP TYPE campaign_status;
DROP TYPE workspace_status;
