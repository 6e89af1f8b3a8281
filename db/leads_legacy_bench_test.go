package db_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/godmode-console/godmode/db"
	"github.com/godmode-console/godmode/db/dbtest"
	"github.com/godmode-console/godmode/model"
)

// BenchmarkLegacyMigration100k moves a generated 100,000-row leads_ohio
// (the real table's columns) into an empty workspace, verification and
// rename included; each iteration gets its own table and workspace.
// go test ./db/ -run '^$' -bench LegacyMigration -benchtime 3x
func BenchmarkLegacyMigration100k(b *testing.B) {
	const rows = 100_000
	ctx := context.Background()
	rt := dbtest.New(b)
	owner := dbtest.Owner(b, rt)
	kr, err := db.NewKeyring(testKey)
	if err != nil {
		b.Fatal(err)
	}
	s := db.NewStore(owner, kr)
	actor := model.LocalActor("bench", "localhost")
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		table := fmt.Sprintf("leads_bench%d", i)
		dbtest.LegacyLeadsTableN(b, owner, table, rows)
		slug := fmt.Sprintf("bench%d", i)
		if _, err := s.CreateWorkspace(ctx, slug, slug, nil); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		rep, err := model.MigrateLegacyLeads(ctx, s, actor, model.LegacyLeadsMigration{Table: table, Workspace: slug, SkipInvalid: true})
		if err != nil {
			b.Fatal(err)
		}
		if rep.Verified != rows-2 {
			b.Fatalf("%+v", rep)
		}
	}
	b.ReportMetric(float64(rows*b.N)/b.Elapsed().Seconds(), "rows/s")
}
