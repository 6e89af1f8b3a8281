-- Lead counts, continued (00018).
--
-- lead_counts_remove of 00018 updated and deleted the same row in one
-- statement (a data-modifying CTE), and Postgres applies only one of two
-- modifications of a row in one statement: a count that fell to zero kept
-- its row at n = 0. It now subtracts, then deletes the emptied rows of the
-- keys it touched, in two statements.
--
-- A change of lead_counts is announced on the godmode channel like the
-- fleet's other tables, so every console's lead counts follow an import,
-- a migration or a deletion made anywhere. It is a row trigger on
-- lead_counts, not on leads: a million-row import touches one row per
-- campaign it fills, so it sends a handful of notifications, not a million.
-- godmode_notify() cannot serve (lead_counts has no id column); the payload
-- names the workspace, and the campaign (0 for none) as the id.

-- +goose Up
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION lead_counts_remove() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    WITH gone AS (
        SELECT workspace_id, coalesce(campaign_id, 0) AS campaign_id, count(*) AS n
        FROM lead_rows_old GROUP BY 1, 2 ORDER BY 1, 2
    )
    UPDATE lead_counts c SET n = c.n - gone.n FROM gone
    WHERE c.workspace_id = gone.workspace_id AND c.campaign_id = gone.campaign_id;
    DELETE FROM lead_counts c
    WHERE c.n <= 0 AND (c.workspace_id, c.campaign_id) IN (
        SELECT DISTINCT workspace_id, coalesce(campaign_id, 0) FROM lead_rows_old);
    RETURN NULL;
END $$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION lead_counts_notify() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    r record;
BEGIN
    IF TG_OP = 'DELETE' THEN r := OLD; ELSE r := NEW; END IF;
    PERFORM pg_notify('godmode', json_build_object(
        'table', TG_TABLE_NAME, 'op', lower(TG_OP),
        'id', r.campaign_id, 'workspace_id', r.workspace_id)::text);
    RETURN NULL;
END $$;
-- +goose StatementEnd

CREATE TRIGGER lead_counts_notify AFTER INSERT OR UPDATE OR DELETE ON lead_counts
    FOR EACH ROW EXECUTE FUNCTION lead_counts_notify();

-- Rows the old function left at zero.
DELETE FROM lead_counts WHERE n <= 0;

-- +goose Down
DROP TRIGGER lead_counts_notify ON lead_counts;
DROP FUNCTION lead_counts_notify();
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION lead_counts_remove() RETURNS trigger LANGUAGE plpgsql AS $$
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
