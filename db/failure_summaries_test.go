package db_test

import (
	"context"
	"strings"
	"testing"

	"github.com/godmode-console/godmode/db"
	"github.com/godmode-console/godmode/db/dbtest"
)

// 00021 goes down and up again cleanly, and the runtime role (what every
// session uses) may write and read summaries, which go with their
// execution and refuse a kind they do not know.
func TestFailureSummariesMigrationAndRights(t *testing.T) {
	ctx := context.Background()
	d := dbtest.Fresh(t)
	owner, err := db.Connect(ctx, d.Owner)
	if err != nil {
		t.Fatal(err)
	}
	defer owner.Close()
	exists := func(q string) bool {
		var ok bool
		if err := owner.QueryRow(ctx, q).Scan(&ok); err != nil {
			t.Fatal(err)
		}
		return ok
	}
	const table = `SELECT to_regclass('public.failure_summaries') IS NOT NULL`
	const index = `SELECT to_regclass('public.executions_started_idx') IS NOT NULL`
	const column = `SELECT EXISTS (SELECT 1 FROM information_schema.columns WHERE table_name = 'sync_state' AND column_name = 'summary_budget')`
	m, err := db.NewMigrator(owner)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	if _, err := m.DownTo(ctx, 20); err != nil {
		t.Fatalf("down to 20: %v", err)
	}
	if exists(table) || exists(index) || exists(column) {
		t.Fatal("00021 down left its table, index or column")
	}
	if _, err := m.Up(ctx); err != nil {
		t.Fatalf("up again: %v", err)
	}
	if !exists(table) || !exists(index) || !exists(column) {
		t.Fatal("00021 up did not create its table, index and column")
	}

	rt, err := db.Connect(ctx, d.Runtime)
	if err != nil {
		t.Fatal(err)
	}
	defer rt.Close()
	for _, q := range []string{
		`INSERT INTO n8n_instances (name, base_url, api_key_ciphertext, api_key_key_id) VALUES ('i', 'http://x', decode(repeat('00', 40), 'hex'), 'k')`,
		`INSERT INTO workspaces (slug, name, instance_id) SELECT 'ohio', 'Ohio', id FROM n8n_instances`,
		`INSERT INTO campaigns (workspace_id, instance_id, name, n8n_workflow_id) SELECT id, instance_id, 'c', 'wf' FROM workspaces`,
		`INSERT INTO executions (campaign_id, n8n_execution_id, status, started_at) SELECT id, '7', 'error', now() FROM campaigns`,
		`INSERT INTO failure_summaries (campaign_id, n8n_execution_id, kind, started_at, message, group_key)
			SELECT id, '7', 'failed', now(), 'boom', '0123456789abcdef' FROM campaigns`,
	} {
		if _, err := rt.Exec(ctx, q); err != nil {
			t.Fatalf("as the runtime role: %v\n%s", err, q)
		}
	}
	_, err = rt.Exec(ctx, `INSERT INTO failure_summaries (campaign_id, n8n_execution_id, kind, started_at, group_key)
		SELECT campaign_id, n8n_execution_id, 'maybe', now(), '0123456789abcdef' FROM executions`)
	if err == nil || !strings.Contains(err.Error(), "kind") {
		t.Errorf("an unknown kind: %v", err)
	}
	if _, err := rt.Exec(ctx, `DELETE FROM executions`); err != nil {
		t.Fatal(err)
	}
	var left int
	rt.QueryRow(ctx, `SELECT count(*) FROM failure_summaries`).Scan(&left)
	if left != 0 {
		t.Errorf("%d summaries outlived their execution", left)
	}
}
