-- A run's progress is announced like the other tables the console shows,
-- so the :runs screen follows a run applied by another session or the CLI
-- without waiting for the poll. The payload names the table and row only:
-- listeners re-read.

-- +goose Up
CREATE TRIGGER provisioning_runs_notify AFTER INSERT OR UPDATE OR DELETE ON provisioning_runs
    FOR EACH ROW EXECUTE FUNCTION godmode_notify();
CREATE TRIGGER provisioning_steps_notify AFTER INSERT OR UPDATE OR DELETE ON provisioning_steps
    FOR EACH ROW EXECUTE FUNCTION godmode_notify();

-- +goose Down
DROP TRIGGER provisioning_steps_notify ON provisioning_steps;
DROP TRIGGER provisioning_runs_notify ON provisioning_runs;
