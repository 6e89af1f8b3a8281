package db_test

import (
	"context"
	"testing"

	"github.com/godmode-console/godmode/db"
	"github.com/godmode-console/godmode/db/dbtest"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

func TestMigrationsUpDownUp(t *testing.T) {
	ctx := context.Background()
	pool, err := db.Connect(ctx, dbtest.NewDatabase(t))
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	m, err := db.NewMigrator(pool)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()

	tables := func() int {
		var n int
		if err := pool.QueryRow(ctx, `SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'goose_db_version'`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	up, err := m.Up(ctx)
	if err != nil {
		t.Fatalf("up: %v", err)
	}
	if len(up) == 0 {
		t.Fatal("up applied nothing")
	}
	if n := tables(); n < 12 {
		t.Fatalf("after up: %d tables, want the whole schema", n)
	}
	if _, err := m.DownTo(ctx, 0); err != nil {
		t.Fatalf("down: %v", err)
	}
	if n := tables(); n != 0 {
		t.Fatalf("after down: %d tables left", n)
	}
	var types int
	pool.QueryRow(ctx, `SELECT count(*) FROM pg_type WHERE typname IN ('workspace_status','campaign_status')`).Scan(&types)
	if types != 0 {
		t.Fatalf("after down: %d enum types left", types)
	}
	if _, err := m.Up(ctx); err != nil {
		t.Fatalf("up again: %v", err)
	}
	st, err := m.Status(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range st {
		if s.State != "applied" {
			t.Errorf("migration %d is %s after up", s.Source.Version, s.State)
		}
	}
}
