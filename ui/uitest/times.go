package uitest

import (
	"context"
	"time"

	"github.com/godmode-console/godmode/db/dbtest"
	"github.com/jackc/pgx/v5"
)

// Postgres stamps rows with its own clock (now()), the fake n8n and the
// screens read the fleet's fixed one, months earlier. PinTimes moves the
// stamps a screen shows that Postgres wrote since the last pinning (they
// are after Epoch) onto the fixed clock, as the owner role, so the same
// test draws the same screen every run: last sync and instance checks 4 s
// ago, freezes 26 h ago, findings 2 min ago in a fixed order (the sync
// writes instances concurrently, so their ids are in no fixed order), a
// later batch of findings 10 s newer than the one before. Measured
// latencies become 80 ms. Audit rows keep the time Postgres gave them: the
// trail is append-only for every role.
func (f *Fleet) PinTimes() {
	f.t.Helper()
	f.pins++
	f.exec(`UPDATE sync_state SET last_cycle_at = $1::timestamptz - interval '4 seconds' WHERE last_cycle_at >= $1`, f.Now)
	f.exec(`UPDATE sync_state SET last_ok_at = $1::timestamptz - interval '4 seconds' WHERE last_ok_at >= $1`, f.Now)
	f.exec(`UPDATE n8n_instances SET last_checked_at = $1::timestamptz - interval '4 seconds',
		last_latency_ms = CASE WHEN last_latency_ms IS NULL THEN NULL ELSE 80 END WHERE last_checked_at >= $1`, f.Now)
	f.exec(`UPDATE n8n_instances SET down_since = $1::timestamptz - interval '4 seconds' WHERE down_since >= $1`, f.Now)
	f.exec(`WITH fresh AS (
			SELECT id, row_number() OVER (ORDER BY instance_id, kind, coalesce(workflow_id, ''), coalesce(campaign_id, 0)) AS n
			FROM sync_findings WHERE first_seen_at >= $1)
		UPDATE sync_findings s SET first_seen_at = $1::timestamptz - interval '2 minutes' + ($2 - 1) * interval '10 seconds' - fresh.n * interval '1 second'
		FROM fresh WHERE s.id = fresh.id`, f.Now, f.pins)
	f.exec(`UPDATE sync_findings SET last_seen_at = greatest(first_seen_at, $1::timestamptz - interval '4 seconds') WHERE last_seen_at >= $1`, f.Now)
	f.exec(`UPDATE sync_findings SET resolved_at = first_seen_at WHERE resolved_at >= $1`, f.Now)
	f.exec(`UPDATE workspaces SET frozen_at = $1::timestamptz - interval '26 hours' WHERE frozen_at >= $1`, f.Now)
	f.exec(`UPDATE campaigns SET last_synced_at = $1::timestamptz - interval '4 seconds' WHERE last_synced_at >= $1`, f.Now)
}

// DownSince says the instance has been down since d before the fleet's
// now (after a sync or a call recorded it down).
func (f *Fleet) DownSince(instance string, d time.Duration) {
	f.t.Helper()
	f.exec(`UPDATE n8n_instances SET down_since = $1 WHERE name = $2`, f.Now.Add(-d), instance)
}

func (f *Fleet) exec(sql string, args ...any) {
	f.t.Helper()
	if _, err := f.owner.Exec(context.Background(), sql, args...); err != nil {
		f.t.Fatalf("pinning times: %v", err)
	}
}

// CutPostgres makes this test's database refuse every connection and ends
// those open, as a Postgres that went away would look to the console;
// RestorePostgres lets connections in again.
func (f *Fleet) CutPostgres() {
	f.t.Helper()
	f.super(`ALTER DATABASE ` + f.dbName + ` ALLOW_CONNECTIONS false`)
	f.super(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '` + f.dbName + `' AND pid <> pg_backend_pid()`)
	// The pools forget the connections just ended, so that after
	// RestorePostgres the first read gets a new one, not a dead one.
	f.Store.Pool().Reset()
	f.owner.Reset()
}

// RestorePostgres undoes CutPostgres.
func (f *Fleet) RestorePostgres() {
	f.t.Helper()
	f.super(`ALTER DATABASE ` + f.dbName + ` ALLOW_CONNECTIONS true`)
}

func (f *Fleet) super(sql string) {
	f.t.Helper()
	ctx := context.Background()
	c, err := pgx.Connect(ctx, dbtest.Server(f.t).URL())
	if err != nil {
		f.t.Fatal(err)
	}
	defer c.Close(ctx)
	if _, err := c.Exec(ctx, sql); err != nil {
		f.t.Fatalf("%s: %v", sql, err)
	}
}
