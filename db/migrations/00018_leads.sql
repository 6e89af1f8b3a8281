-- Leads (DESIGN.md, "Leads"): one table for every workspace's leads.
--
-- What row-level security protects against: a godmode code path that forgets
-- its workspace. Every transaction on leads names one workspace with
-- set_config('godmode.workspace_id', …, true) (transaction-local, so a pooled
-- connection never carries it into the next transaction); a transaction that
-- names none sees and writes nothing. Reads that span workspaces (the super
-- admin's counts and exports) name the scope 'all' the same way, and only
-- for SELECT: a write always names its workspace. What it does not protect
-- against: someone holding the runtime role's password, who can set either
-- setting. Authorisation of who may act on which workspace is model's.
--
-- lead_counts keeps the number of leads per workspace and campaign (0 for
-- none), kept by statement triggers, so the fleet shows counts without
-- counting a million rows on every refresh.
--
-- lead_keys is the set of metadata keys a workspace's leads have held, kept
-- by godmode's writers (imports, legacy migrations) in the transaction that
-- adds them, so the :leads screen knows its columns without reading every
-- row. A key is never removed: a stale one shows an empty column.
--
-- jsonb_merge_agg(metadata ORDER BY n) merges the metadata of one email's
-- duplicate rows, the later key winning.

-- +goose Up
ALTER TABLE leads DROP CONSTRAINT leads_status_check;
UPDATE leads SET status = 'new'
    WHERE status NOT IN ('new', 'contacted', 'replied', 'bounced', 'unsubscribed', 'do_not_contact');
ALTER TABLE leads ADD CONSTRAINT leads_status_check
    CHECK (status IN ('new', 'contacted', 'replied', 'bounced', 'unsubscribed', 'do_not_contact'));

CREATE POLICY leads_all_workspaces ON leads FOR SELECT
    USING (current_setting('godmode.leads_scope', true) = 'all');

CREATE AGGREGATE jsonb_merge_agg(jsonb) (SFUNC = jsonb_concat, STYPE = jsonb, INITCOND = '{}');

CREATE TABLE lead_counts (
    workspace_id bigint NOT NULL,
    campaign_id  bigint NOT NULL DEFAULT 0,
    n            bigint NOT NULL,
    PRIMARY KEY (workspace_id, campaign_id)
);

CREATE TABLE lead_keys (
    workspace_id bigint NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    key          text NOT NULL CHECK (key <> ''),
    PRIMARY KEY (workspace_id, key)
);

-- +goose StatementBegin
CREATE FUNCTION lead_counts_add() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO lead_counts AS c (workspace_id, campaign_id, n)
        SELECT workspace_id, coalesce(campaign_id, 0), count(*) FROM lead_rows_new GROUP BY 1, 2 ORDER BY 1, 2
        ON CONFLICT (workspace_id, campaign_id) DO UPDATE SET n = c.n + EXCLUDED.n;
    RETURN NULL;
END $$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION lead_counts_remove() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    WITH gone AS (
        SELECT workspace_id, coalesce(campaign_id, 0) AS campaign_id, count(*) AS n
        FROM lead_rows_old GROUP BY 1, 2 ORDER BY 1, 2
    ), moved AS (
        UPDATE lead_counts c SET n = c.n - gone.n FROM gone
        WHERE c.workspace_id = gone.workspace_id AND c.campaign_id = gone.campaign_id
        RETURNING c.workspace_id, c.campaign_id, c.n
    )
    DELETE FROM lead_counts c USING moved
    WHERE c.workspace_id = moved.workspace_id AND c.campaign_id = moved.campaign_id AND moved.n <= 0;
    RETURN NULL;
END $$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION lead_counts_move() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- Most updates keep a lead's workspace and campaign: count only those
    -- that changed.
    WITH changed AS (
        SELECT o.workspace_id AS ow, coalesce(o.campaign_id, 0) AS oc,
               n.workspace_id AS nw, coalesce(n.campaign_id, 0) AS nc
        FROM lead_rows_old o JOIN lead_rows_new n USING (id)
        WHERE o.workspace_id <> n.workspace_id OR o.campaign_id IS DISTINCT FROM n.campaign_id
    ), delta AS (
        SELECT w, c, sum(d) AS d FROM (
            SELECT ow AS w, oc AS c, -1 AS d FROM changed
            UNION ALL
            SELECT nw, nc, 1 FROM changed
        ) x GROUP BY 1, 2 ORDER BY 1, 2
    )
    INSERT INTO lead_counts AS c (workspace_id, campaign_id, n)
        SELECT w, c, d FROM delta WHERE d <> 0
        ON CONFLICT (workspace_id, campaign_id) DO UPDATE SET n = c.n + EXCLUDED.n;
    DELETE FROM lead_counts WHERE n <= 0;
    RETURN NULL;
END $$;
-- +goose StatementEnd

CREATE TRIGGER lead_counts_insert AFTER INSERT ON leads
    REFERENCING NEW TABLE AS lead_rows_new FOR EACH STATEMENT EXECUTE FUNCTION lead_counts_add();
CREATE TRIGGER lead_counts_delete AFTER DELETE ON leads
    REFERENCING OLD TABLE AS lead_rows_old FOR EACH STATEMENT EXECUTE FUNCTION lead_counts_remove();
CREATE TRIGGER lead_counts_update AFTER UPDATE ON leads
    REFERENCING OLD TABLE AS lead_rows_old NEW TABLE AS lead_rows_new FOR EACH STATEMENT EXECUTE FUNCTION lead_counts_move();

-- The counts of the leads already there (the owner, too, reads leads only
-- in a named scope).
SELECT set_config('godmode.leads_scope', 'all', true);
INSERT INTO lead_counts (workspace_id, campaign_id, n)
    SELECT workspace_id, coalesce(campaign_id, 0), count(*) FROM leads GROUP BY 1, 2;
INSERT INTO lead_keys (workspace_id, key)
    SELECT DISTINCT workspace_id, jsonb_object_keys(metadata) FROM leads;

-- +goose Down
DROP TRIGGER lead_counts_update ON leads;
DROP TRIGGER lead_counts_delete ON leads;
DROP TRIGGER lead_counts_insert ON leads;
DROP FUNCTION lead_counts_move();
DROP FUNCTION lead_counts_remove();
DROP FUNCTION lead_counts_add();
DROP TABLE lead_keys;
DROP TABLE lead_counts;
DROP AGGREGATE jsonb_merge_agg(jsonb);
DROP POLICY leads_all_workspaces ON leads;
ALTER TABLE leads DROP CONSTRAINT leads_status_check;
ALTER TABLE leads ADD CONSTRAINT leads_status_check CHECK (status <> '');
