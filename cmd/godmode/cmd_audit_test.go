package main

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/godmode-console/godmode/db"
	"github.com/godmode-console/godmode/db/dbtest"
	"github.com/godmode-console/godmode/model"
)

// auditFixture is a migrated database whose trail holds n rows written by
// a session, with the CLI pointed at it as the runtime role.
func auditFixture(t *testing.T, n int) (dbtest.Database, *db.Store) {
	t.Helper()
	isolate(t)
	t.Setenv(envUser, "")
	d := dbtest.Fresh(t)
	t.Setenv(envDatabaseURL, d.Runtime)
	pool, err := db.Connect(context.Background(), d.Runtime)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	s := db.NewStore(pool, nil)
	for i := 1; i <= n; i++ {
		if _, err := s.AppendAudit(context.Background(), model.AuditEntry{ActorName: "ana@example.com", Action: "toggle",
			Outcome: model.OutcomeOK, After: []byte(fmt.Sprintf(`{"status": "active", "n": %d}`, i))}); err != nil {
			t.Fatal(err)
		}
	}
	return d, s
}

// asSuperuser runs statements as the server's superuser, who can do what
// no godmode role can: the attacker verify must still catch.
func asSuperuser(t *testing.T, d dbtest.Database, stmts ...string) {
	t.Helper()
	pool, err := db.Connect(context.Background(), d.Super)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	for _, q := range stmts {
		if _, err := pool.Exec(context.Background(), q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
}

func TestAuditVerifyOKPrintsTheHead(t *testing.T) {
	auditFixture(t, 3)
	out, errOut, code := godmode(t, "", "audit", "verify")
	if code != 0 || !strings.Contains(out, "audit chain OK: 3 rows checked") || !strings.Contains(out, "head seq 3 hash ") {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
	// The attempt itself is recorded, and chained: the next verify sees it.
	out, _, code = godmode(t, "", "audit", "verify")
	if code != 0 || !strings.Contains(out, "4 rows checked") {
		t.Fatalf("second verify: exit %d\n%s", code, out)
	}
}

func TestAuditVerifyNamesARowChangedByASuperuser(t *testing.T) {
	d, _ := auditFixture(t, 3)
	asSuperuser(t, d,
		`ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update`,
		`UPDATE audit_log SET outcome = 'failed', error = 'n8n refused' WHERE id = 2`,
		`ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_update`)
	out, errOut, code := godmode(t, "", "audit", "verify")
	if code != 1 || !strings.Contains(out+errOut, "row id 2 (seq 2): content changed") {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
}

func TestAuditVerifyNamesADeletedRow(t *testing.T) {
	d, _ := auditFixture(t, 3)
	asSuperuser(t, d,
		`ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update`,
		`DELETE FROM audit_log WHERE id = 2`,
		`ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_update`)
	out, errOut, code := godmode(t, "", "audit", "verify")
	if code != 1 || !strings.Contains(out+errOut, "row id 3 (seq 3): row missing from the chain") {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
}

// TestAuditVerifyNamesABrokenLink: a forger who recomputes the changed
// row's own hash breaks the next row's link instead.
func TestAuditVerifyNamesABrokenLink(t *testing.T) {
	d, _ := auditFixture(t, 3)
	asSuperuser(t, d,
		`ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update`,
		`UPDATE audit_log SET actor = 'someone-else@example.com' WHERE id = 2`,
		`UPDATE audit_log a SET hash = audit_log_hash(a) WHERE id = 2`,
		`ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_update`)
	out, errOut, code := godmode(t, "", "audit", "verify")
	if code != 1 || !strings.Contains(out+errOut, "row id 3 (seq 3): link broken") {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
}

// TestConcurrentAppendsFormOneChain: sessions on several connections append
// at once; the trigger's lock puts them on one line.
func TestConcurrentAppendsFormOneChain(t *testing.T) {
	d, _ := auditFixture(t, 0)
	const writers, each = 6, 30
	var wg sync.WaitGroup
	errs := make(chan error, writers*each)
	for w := 0; w < writers; w++ {
		pool, err := db.Connect(context.Background(), d.Runtime)
		if err != nil {
			t.Fatal(err)
		}
		defer pool.Close()
		s := db.NewStore(pool, nil)
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < each; i++ {
				_, err := s.AppendAudit(context.Background(), model.AuditEntry{ActorName: fmt.Sprintf("writer%d@example.com", w), Action: "toggle", Outcome: model.OutcomeOK})
				if err != nil {
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatalf("a concurrent append failed: %v", err)
	}
	out, errOut, code := godmode(t, "", "audit", "verify")
	if code != 0 || !strings.Contains(out, fmt.Sprintf("%d rows checked", writers*each)) {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
}
