-- The :leads screen and exports page a workspace's leads by id (keyset:
-- "the 200 after id N"). Without an index led by the workspace, a page of
-- a small workspace sharing the table with a large one walks the primary
-- key past every row of the other; with it, a page is an index range.
--
-- leads_metadata_match lets a metadata filter use leads_metadata_idx
-- under row-level security. Postgres evaluates a query's own conditions
-- after the policies' unless they are LEAKPROOF, and jsonb's @> is not
-- (only a superuser may mark a function so), so `WHERE metadata @> …`
-- on leads is a filter over every row of the workspace, never an index
-- scan. A policy's condition is evaluated first and may use an index: the
-- db layer puts the filter's containment documents in
-- godmode.leads_match (and godmode.leads_match_alt, the same value typed
-- as a number or boolean), transaction-local like the workspace, and
-- keeps the condition in its WHERE as well. The policy is RESTRICTIVE: it
-- can only hide rows, never show one another policy hides; unset, both
-- documents are '{}', which every lead's metadata contains.

-- +goose Up
CREATE INDEX leads_workspace_id_idx ON leads (workspace_id, id);

CREATE POLICY leads_metadata_match ON leads AS RESTRICTIVE FOR SELECT
    USING (metadata @> coalesce(nullif(current_setting('godmode.leads_match', true), ''), '{}')::jsonb
        OR metadata @> coalesce(nullif(current_setting('godmode.leads_match_alt', true), ''), '{}')::jsonb);

-- +goose Down
DROP POLICY leads_metadata_match ON leads;
DROP INDEX leads_workspace_id_idx;
