-- The trust boundary of DESIGN.md ("Trust boundary and database roles"):
-- this migration runs as the schema OWNER; sessions run as a login role that
-- is a member of godmode_runtime, which may change the ordinary tables but
-- may only read and append to audit_log. Each audit row is chained to the
-- previous one by a hash, so even an owner's edit is found by
-- `godmode audit verify`. The schema items of issue 9 ride along: indexes on
-- every foreign key, campaigns no longer follow a workspace to another
-- instance, and leads' row-level security binds the owner too.
--
-- Later migrations: tables they create are granted to godmode_runtime by the
-- default privileges below, as long as they run as the same owner role. A
-- column added to audit_log must also be added to audit_log_hash(), to the
-- runtime's column grant and to db/audit_chain.go, or verify will not cover it
-- (db's TestAuditChainCoversEveryColumn fails until it is).

-- +goose Up
-- +goose StatementBegin
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'godmode_runtime') THEN
        CREATE ROLE godmode_runtime NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS;
    END IF;
EXCEPTION WHEN insufficient_privilege THEN
    RAISE EXCEPTION 'the role godmode_runtime does not exist and % may not create it; create it first (README, "Database roles")', current_user
        USING ERRCODE = 'insufficient_privilege';
END $$;
-- +goose StatementEnd

GRANT USAGE ON SCHEMA public TO godmode_runtime;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO godmode_runtime;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO godmode_runtime;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO godmode_runtime;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO godmode_runtime;
-- Sessions read goose's table to know whether the schema is current; only
-- the owner migrates.
REVOKE ALL ON goose_db_version FROM godmode_runtime;
GRANT SELECT ON goose_db_version TO godmode_runtime;

-- The chain: seq numbers the rows without gaps, prev_hash is the hash of
-- the row before (empty for the first), hash covers the row's content and
-- prev_hash. All three and `at` are set by the trigger below, never by the
-- client.
ALTER TABLE audit_log ADD COLUMN seq bigint, ADD COLUMN prev_hash text, ADD COLUMN hash text;

-- The canonical encoding, mirrored by db/audit_chain.go: a version tag, then
-- every field as |LEN:VALUE (LEN in bytes) or |~ for NULL, in this order.
-- jsonb is hashed in Postgres's own canonical text form, `at` as UTC with
-- microseconds.
-- +goose StatementBegin
CREATE FUNCTION audit_log_hash(r audit_log) RETURNS text LANGUAGE sql STABLE AS $$
    SELECT encode(sha256(convert_to('godmode-audit-v1' || (
        SELECT string_agg(CASE WHEN f IS NULL THEN '|~' ELSE '|' || octet_length(f) || ':' || f END, '' ORDER BY n)
        FROM unnest(ARRAY[
            r.seq::text, r.id::text,
            to_char(r.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
            r.actor_user_id::text, r.actor, r.key_fingerprint, r.action,
            r.workspace_id::text, r.campaign_id::text, r.before::text, r.after::text,
            r.outcome::text, r.error, r.prev_hash
        ]) WITH ORDINALITY AS t(f, n)
    ), 'UTF8')), 'hex')
$$;
-- +goose StatementEnd

-- Existing rows join the chain in id order, with the times they carry.
ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update;
-- +goose StatementBegin
DO $$
DECLARE
    r audit_log;
    n bigint := 0;
    prev text := '';
BEGIN
    FOR r IN SELECT * FROM audit_log ORDER BY id LOOP
        n := n + 1;
        r.seq := n;
        r.prev_hash := prev;
        r.hash := audit_log_hash(r);
        UPDATE audit_log SET seq = r.seq, prev_hash = r.prev_hash, hash = r.hash WHERE id = r.id;
        prev := r.hash;
    END LOOP;
END $$;
-- +goose StatementEnd
ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_update;
ALTER TABLE audit_log ALTER COLUMN seq SET NOT NULL, ALTER COLUMN prev_hash SET NOT NULL, ALTER COLUMN hash SET NOT NULL;
CREATE UNIQUE INDEX audit_log_seq_idx ON audit_log (seq);

-- One lock for every append, so concurrent writers form one line; it is
-- held to the end of the inserting transaction, so audit rows belong in
-- short transactions. The unique index on seq refuses a fork should a
-- writer's snapshot ever miss the row before it.
-- +goose StatementBegin
CREATE FUNCTION audit_log_chain() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    last_seq bigint;
    last_hash text;
BEGIN
    PERFORM pg_advisory_xact_lock(7469620529152368441); -- 'godmode audit' chain
    NEW.at := clock_timestamp();
    SELECT seq, hash INTO last_seq, last_hash FROM audit_log ORDER BY seq DESC LIMIT 1;
    NEW.seq := coalesce(last_seq, 0) + 1;
    NEW.prev_hash := coalesce(last_hash, '');
    NEW.hash := audit_log_hash(NEW);
    RETURN NEW;
END $$;
-- +goose StatementEnd
-- Named to run after any other BEFORE INSERT trigger (they fire by name),
-- so the hash covers the final row.
CREATE TRIGGER audit_log_zz_chain BEFORE INSERT ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_chain();

-- The runtime reads and appends, and names only the columns a client may
-- set; everything else on audit_log is refused by privilege, before the
-- append-only triggers are even reached.
REVOKE ALL ON audit_log FROM godmode_runtime;
GRANT SELECT ON audit_log TO godmode_runtime;
GRANT INSERT (actor_user_id, actor, key_fingerprint, action, workspace_id, campaign_id, before, after, outcome, error)
    ON audit_log TO godmode_runtime;

-- Every foreign key gets an index, so deletes of the parent and joins do
-- not scan the child (db's TestEveryForeignKeyHasAnIndex keeps it so).
CREATE INDEX campaigns_blueprint_version_idx ON campaigns (blueprint_version_id);
CREATE INDEX campaigns_workspace_instance_idx ON campaigns (workspace_id, instance_id);
CREATE INDEX provisioning_runs_workspace_idx ON provisioning_runs (workspace_id);
CREATE INDEX provisioning_runs_blueprint_version_idx ON provisioning_runs (blueprint_version_id);
CREATE INDEX provisioning_runs_started_by_idx ON provisioning_runs (started_by);
CREATE INDEX blueprint_versions_created_by_idx ON blueprint_versions (created_by);
CREATE INDEX sync_findings_instance_idx ON sync_findings (instance_id);
CREATE INDEX sync_findings_campaign_idx ON sync_findings (campaign_id);

-- A campaign's workflows live on its instance's n8n: moving the workspace
-- to another instance must not silently carry campaigns to an n8n that does
-- not hold them. Changing a workspace's instance while it has campaigns is
-- refused.
ALTER TABLE campaigns DROP CONSTRAINT campaigns_workspace_id_instance_id_fkey;
ALTER TABLE campaigns ADD CONSTRAINT campaigns_workspace_id_instance_id_fkey
    FOREIGN KEY (workspace_id, instance_id) REFERENCES workspaces (id, instance_id) ON DELETE CASCADE;

-- The owner, too, sees only the workspace its session names.
ALTER TABLE leads FORCE ROW LEVEL SECURITY;

-- +goose Down
ALTER TABLE leads NO FORCE ROW LEVEL SECURITY;
ALTER TABLE campaigns DROP CONSTRAINT campaigns_workspace_id_instance_id_fkey;
ALTER TABLE campaigns ADD CONSTRAINT campaigns_workspace_id_instance_id_fkey
    FOREIGN KEY (workspace_id, instance_id) REFERENCES workspaces (id, instance_id) ON DELETE CASCADE ON UPDATE CASCADE;
DROP INDEX sync_findings_campaign_idx;
DROP INDEX sync_findings_instance_idx;
DROP INDEX blueprint_versions_created_by_idx;
DROP INDEX provisioning_runs_started_by_idx;
DROP INDEX provisioning_runs_blueprint_version_idx;
DROP INDEX provisioning_runs_workspace_idx;
DROP INDEX campaigns_workspace_instance_idx;
DROP INDEX campaigns_blueprint_version_idx;
DROP TRIGGER audit_log_zz_chain ON audit_log;
DROP FUNCTION audit_log_chain();
ALTER TABLE audit_log DROP COLUMN seq, DROP COLUMN prev_hash, DROP COLUMN hash;
DROP FUNCTION audit_log_hash(audit_log);
ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE ALL ON SEQUENCES FROM godmode_runtime;
ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE ALL ON TABLES FROM godmode_runtime;
REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM godmode_runtime;
REVOKE ALL ON ALL TABLES IN SCHEMA public FROM godmode_runtime;
REVOKE USAGE ON SCHEMA public FROM godmode_runtime;
-- The role itself stays: roles belong to the whole server, and other
-- databases or login roles may use it.
