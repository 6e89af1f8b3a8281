package db_test

import (
	"context"
	"testing"

	"github.com/godmode-console/godmode/db"
	"github.com/godmode-console/godmode/db/dbtest"
	"github.com/godmode-console/godmode/model"
)

// BenchmarkAppendAuditChained is one chained append as the runtime role
// (the trigger's lock, lookup of the head and hash included).
func BenchmarkAppendAuditChained(b *testing.B) {
	s := db.NewStore(dbtest.New(b), nil)
	ctx := context.Background()
	e := model.AuditEntry{ActorName: "ana@example.com", Action: "toggle", Outcome: model.OutcomeOK, After: []byte(`{"status":"active"}`)}
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := s.AppendAudit(ctx, e); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkVerifyAuditChain verifies a trail of 10,000 rows.
func BenchmarkVerifyAuditChain(b *testing.B) {
	pool := dbtest.New(b)
	ctx := context.Background()
	if _, err := pool.Exec(ctx, `INSERT INTO audit_log (actor, action, outcome, after)
		SELECT 'ana@example.com', 'toggle', 'ok', jsonb_build_object('n', g) FROM generate_series(1, 10000) g`); err != nil {
		b.Fatal(err)
	}
	s := db.NewStore(pool, nil)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		rep, err := s.VerifyAuditChain(ctx)
		if err != nil || rep.Break != nil || rep.Rows != 10000 {
			b.Fatalf("%+v %v", rep, err)
		}
	}
}
