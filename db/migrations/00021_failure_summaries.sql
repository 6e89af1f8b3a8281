-- The fleet pulse (issue 15): what failed across the fleet, grouped by
-- what it was. The executions table holds only what n8n's lists say (id,
-- status, times); why an execution failed is in its run data, which sync
-- fetches one execution at a time within a budget of n8n calls per cycle
-- and boils down to one row here: the failed node, its type, the error's
-- class (the HTTP code when there is one, else the error's name) and its
-- message normalised (ids, numbers, emails, quoted values replaced) so the
-- same failure groups across workspaces. kind says what the row is:
--   failed      a failed execution, summarised
--   swallowed   a successful execution whose nodes continued on failure
--               with errors in their output items
--   unreadable  a failed execution whose data could not be summarised
--               (too big, not JSON, gone from n8n); the message says why,
--               so it never blocks the queue
-- Only the message is kept (capped, cleaned of control characters), never
-- item data: n8n's items are leads and credentials' answers.
--
-- Like executions, the table has no row-level security: authorisation of
-- who may read which workspace's rows is model's, and the runtime role is
-- granted it by 00004's default privileges. A summary goes with its
-- execution (retention deletes both).
--
-- sync_state.summary_budget is the budget the instance's last cycle ran
-- with, so a console that does not sync (a script, another SSH server)
-- can say it.

-- +goose Up
CREATE TABLE failure_summaries (
    campaign_id      bigint NOT NULL,
    n8n_execution_id text NOT NULL,
    kind             text NOT NULL CHECK (kind IN ('failed', 'swallowed', 'unreadable')),
    -- the execution's start, copied so the pulse's windows need no join
    started_at       timestamptz NOT NULL,
    node             text NOT NULL DEFAULT '',
    node_type        text NOT NULL DEFAULT '',
    error_class      text NOT NULL DEFAULT '',
    message          text NOT NULL DEFAULT '' CHECK (length(message) <= 300),
    raw_message      text NOT NULL DEFAULT '' CHECK (length(raw_message) <= 1000),
    -- swallowed: how many output items carried an error
    items            integer NOT NULL DEFAULT 0 CHECK (items >= 0),
    -- what groups rows: a hash of kind, node type, class and message
    group_key        text NOT NULL CHECK (group_key ~ '^[0-9a-f]{16}$'),
    summarised_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (campaign_id, n8n_execution_id),
    FOREIGN KEY (campaign_id, n8n_execution_id) REFERENCES executions (campaign_id, n8n_execution_id) ON DELETE CASCADE
);
-- The pulse's top groups (the last 24 hours) and a group's executions.
CREATE INDEX failure_summaries_started_idx ON failure_summaries (started_at DESC);
CREATE INDEX failure_summaries_group_idx ON failure_summaries (group_key, started_at DESC);

-- The pulse counts every execution of the last 24 hours across the fleet:
-- by start time, not campaign by campaign.
CREATE INDEX executions_started_idx ON executions (started_at DESC);

ALTER TABLE sync_state ADD COLUMN summary_budget integer CHECK (summary_budget >= 0);

-- +goose Down
ALTER TABLE sync_state DROP COLUMN summary_budget;
DROP INDEX executions_started_idx;
DROP TABLE failure_summaries;
