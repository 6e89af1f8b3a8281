package db_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/godmode-console/godmode/db"
	"github.com/godmode-console/godmode/model"
)

// The leads' row-level security, proved as the runtime role every session
// uses (dbtest.New): what a godmode code path that forgets or mistakes its
// workspace can and cannot do.

// twoWorkspaces makes ohio and texas on one instance, ohio with two leads
// and texas with one, each loaded in its own scope.
func twoWorkspaces(t *testing.T, s *db.Store, ctx context.Context) (ohio, texas model.Workspace) {
	t.Helper()
	inst, ohio := fleet(t, s, ctx)
	texas, err := s.CreateWorkspace(ctx, "texas", "Texas Solar", &inst.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.UpsertLeads(ctx, ohio.ID, []model.Lead{{Email: "a@ohio.example"}, {Email: "b@ohio.example"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.UpsertLeads(ctx, texas.ID, []model.Lead{{Email: "t@texas.example", Metadata: []byte(`{"industry":"Solar"}`)}}); err != nil {
		t.Fatal(err)
	}
	return ohio, texas
}

// scoped runs fn in a transaction on p that names workspace id the way
// db's inWorkspace does, and rolls it back.
func scoped(t *testing.T, ctx context.Context, p *pgxpool.Pool, setting, value string, fn func(tx pgx.Tx)) {
	t.Helper()
	tx, err := p.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	if _, err := tx.Exec(ctx, `SELECT set_config($1, $2, true)`, setting, value); err != nil {
		t.Fatal(err)
	}
	fn(tx)
}

// leadsOf counts a workspace's leads as that workspace's own scope sees them.
func leadsOf(t *testing.T, ctx context.Context, p *pgxpool.Pool, wsID int64) (n int, statuses string) {
	t.Helper()
	scoped(t, ctx, p, "godmode.workspace_id", fmt.Sprint(wsID), func(tx pgx.Tx) {
		if err := tx.QueryRow(ctx, `SELECT count(*), coalesce(string_agg(status || ':' || email, ',' ORDER BY email), '')
			FROM leads WHERE workspace_id = $1`, wsID).Scan(&n, &statuses); err != nil {
			t.Fatal(err)
		}
	})
	return n, statuses
}

func isRLSRefusal(err error) bool {
	var pg *pgconn.PgError
	return errors.As(err, &pg) && pg.Code == "42501" // insufficient_privilege: the policy's refusal
}

func TestWorkspaceScopeCannotReachAnotherWorkspacesLeads(t *testing.T) {
	s, ctx := newStore(t)
	ohio, texas := twoWorkspaces(t, s, ctx)
	p := s.Pool()
	_, texasBefore := leadsOf(t, ctx, p, texas.ID)
	ohioScope := fmt.Sprint(ohio.ID)

	t.Run("read", func(t *testing.T) {
		scoped(t, ctx, p, "godmode.workspace_id", ohioScope, func(tx pgx.Tx) {
			var all, theirs int
			tx.QueryRow(ctx, `SELECT count(*), count(*) FILTER (WHERE workspace_id = $1) FROM leads`, texas.ID).Scan(&all, &theirs)
			if all != 2 || theirs != 0 {
				t.Errorf("ohio's scope sees %d leads, %d of them texas'; want 2 and 0", all, theirs)
			}
			var found int
			tx.QueryRow(ctx, `SELECT count(*) FROM leads WHERE lower(email) = 't@texas.example' OR metadata @> '{"industry":"Solar"}'`).Scan(&found)
			if found != 0 {
				t.Errorf("ohio's scope found texas' lead by email or metadata: %d", found)
			}
		})
	})
	t.Run("insert", func(t *testing.T) {
		scoped(t, ctx, p, "godmode.workspace_id", ohioScope, func(tx pgx.Tx) {
			_, err := tx.Exec(ctx, `INSERT INTO leads (workspace_id, email) VALUES ($1, 'x@texas.example')`, texas.ID)
			if !isRLSRefusal(err) {
				t.Errorf("an insert into texas from ohio's scope: %v, want the policy's refusal", err)
			}
		})
	})
	t.Run("update", func(t *testing.T) {
		scoped(t, ctx, p, "godmode.workspace_id", ohioScope, func(tx pgx.Tx) {
			tag, err := tx.Exec(ctx, `UPDATE leads SET status = 'do_not_contact' WHERE workspace_id = $1`, texas.ID)
			if err != nil || tag.RowsAffected() != 0 {
				t.Errorf("an update of texas' leads from ohio's scope: %v rows, %v", tag.RowsAffected(), err)
			}
		})
		// Moving one's own lead into another workspace is refused too.
		scoped(t, ctx, p, "godmode.workspace_id", ohioScope, func(tx pgx.Tx) {
			_, err := tx.Exec(ctx, `UPDATE leads SET workspace_id = $1 WHERE email = 'a@ohio.example'`, texas.ID)
			if !isRLSRefusal(err) {
				t.Errorf("moving an ohio lead to texas: %v, want the policy's refusal", err)
			}
		})
	})
	t.Run("delete", func(t *testing.T) {
		scoped(t, ctx, p, "godmode.workspace_id", ohioScope, func(tx pgx.Tx) {
			tag, err := tx.Exec(ctx, `DELETE FROM leads WHERE workspace_id = $1 OR true`, texas.ID)
			if err != nil || tag.RowsAffected() != 2 {
				t.Errorf("a delete of every lead from ohio's scope: %d rows, %v; want ohio's 2", tag.RowsAffected(), err)
			}
		})
	})
	t.Run("copy", func(t *testing.T) {
		scoped(t, ctx, p, "godmode.workspace_id", ohioScope, func(tx pgx.Tx) {
			_, err := tx.CopyFrom(ctx, pgx.Identifier{"leads"}, []string{"workspace_id", "email"},
				pgx.CopyFromRows([][]any{{texas.ID, "c@texas.example"}}))
			if err == nil {
				t.Error("COPY into leads with texas' id from ohio's scope was accepted")
			}
		})
		scoped(t, ctx, p, "godmode.workspace_id", ohioScope, func(tx pgx.Tx) {
			var out bytes.Buffer
			if _, err := tx.Conn().PgConn().CopyTo(ctx, &out, `COPY leads (workspace_id, email) TO STDOUT`); err != nil {
				t.Fatal(err)
			}
			if strings.Contains(out.String(), "texas") || strings.Count(out.String(), "\n") != 2 {
				t.Errorf("COPY leads TO STDOUT from ohio's scope gave:\n%s", out.String())
			}
		})
	})
	if _, after := leadsOf(t, ctx, p, texas.ID); after != texasBefore {
		t.Errorf("texas' leads changed: %q, were %q", after, texasBefore)
	}
}

// TestPooledConnectionCarriesNoScope reuses one backend for ohio, then texas,
// then no scope at all: each sees its own and nothing it was before.
func TestPooledConnectionCarriesNoScope(t *testing.T) {
	s, ctx := newStore(t)
	ohio, texas := twoWorkspaces(t, s, ctx)
	cfg := s.Pool().Config().Copy()
	cfg.MaxConns, cfg.MinConns = 1, 0
	one, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer one.Close()
	store := db.NewStore(one, nil)

	look := func(tx pgx.Tx) (pid int32, emails string) {
		if err := tx.QueryRow(ctx, `SELECT pg_backend_pid(), coalesce(string_agg(email, ',' ORDER BY email), '') FROM leads`).Scan(&pid, &emails); err != nil {
			t.Fatal(err)
		}
		return pid, emails
	}
	var pids []int32
	for _, step := range []struct {
		ws   int64
		want string
	}{{ohio.ID, "a@ohio.example,b@ohio.example"}, {texas.ID, "t@texas.example"}, {ohio.ID, "a@ohio.example,b@ohio.example"}} {
		tx, err := one.Begin(ctx)
		if err != nil {
			t.Fatal(err)
		}
		tx.Exec(ctx, `SELECT set_config('godmode.workspace_id', $1, true)`, fmt.Sprint(step.ws))
		pid, got := look(tx)
		if err := tx.Commit(ctx); err != nil {
			t.Fatal(err)
		}
		pids = append(pids, pid)
		if got != step.want {
			t.Errorf("scoped to workspace %d on backend %d: %q, want %q", step.ws, pid, got, step.want)
		}
	}
	// Unscoped on the same backend, after a committed scope: nothing.
	var pid int32
	var n int
	var setting string
	if err := one.QueryRow(ctx, `SELECT pg_backend_pid(), (SELECT count(*) FROM leads), coalesce(current_setting('godmode.workspace_id', true), '')`).Scan(&pid, &n, &setting); err != nil {
		t.Fatal(err)
	}
	pids = append(pids, pid)
	if n != 0 || setting != "" {
		t.Errorf("unscoped after ohio's committed scope: %d leads, setting %q", n, setting)
	}
	// A scope rolled back (a failed import) leaves nothing either.
	tx, _ := one.Begin(ctx)
	tx.Exec(ctx, `SELECT set_config('godmode.workspace_id', $1, true)`, fmt.Sprint(texas.ID))
	tx.Rollback(ctx)
	one.QueryRow(ctx, `SELECT pg_backend_pid(), (SELECT count(*) FROM leads)`).Scan(&pid, &n)
	pids = append(pids, pid)
	if n != 0 {
		t.Errorf("unscoped after texas' rolled-back scope: %d leads", n)
	}
	// The store's own reads on the same backend keep to their workspace.
	got, err := store.Leads(ctx, texas.ID, "", 10)
	if err != nil || len(got) != 1 || got[0].WorkspaceID != texas.ID {
		t.Errorf("the store's read of texas after ohio: %v, %v", got, err)
	}
	one.QueryRow(ctx, `SELECT pg_backend_pid(), (SELECT count(*) FROM leads)`).Scan(&pid, &n)
	pids = append(pids, pid)
	if n != 0 {
		t.Errorf("unscoped after the store's read: %d leads", n)
	}
	for _, p := range pids[1:] {
		if p != pids[0] {
			t.Fatalf("the steps ran on backends %v, not one: the test proves nothing", pids)
		}
	}
}

func TestRuntimeRoleCannotSwitchRowSecurityOff(t *testing.T) {
	s, ctx := newStore(t)
	ohio, _ := twoWorkspaces(t, s, ctx)
	p := s.Pool()
	for _, stmt := range []string{
		`ALTER TABLE leads DISABLE ROW LEVEL SECURITY`,
		`ALTER TABLE leads NO FORCE ROW LEVEL SECURITY`,
		`DROP POLICY leads_workspace_isolation ON leads`,
		`DROP POLICY leads_all_workspaces ON leads`,
		`ALTER POLICY leads_workspace_isolation ON leads USING (true) WITH CHECK (true)`,
		`ALTER POLICY leads_all_workspaces ON leads USING (true)`,
		`CREATE POLICY open ON leads USING (true) WITH CHECK (true)`,
		`ALTER TABLE leads OWNER TO CURRENT_USER`,
		`ALTER ROLE CURRENT_USER BYPASSRLS`,
		`ALTER ROLE ` + db.RuntimeGroup + ` BYPASSRLS`,
		`CREATE ROLE sneak BYPASSRLS IN ROLE ` + db.RuntimeGroup,
		`SET ROLE ` + db.ThrowawayOwner,
		`SET SESSION AUTHORIZATION ` + db.ThrowawayOwner,
		`DROP TRIGGER lead_counts_insert ON leads`,
	} {
		if _, err := p.Exec(ctx, stmt); err == nil {
			t.Errorf("the runtime role may: %s", stmt)
		}
	}
	// row_security = off may be set, but then a read that a policy would
	// filter errors instead of bypassing it.
	scoped(t, ctx, p, "godmode.workspace_id", fmt.Sprint(ohio.ID), func(tx pgx.Tx) {
		if _, err := tx.Exec(ctx, `SET LOCAL row_security = off`); err != nil {
			t.Fatal(err)
		}
		var n int
		err := tx.QueryRow(ctx, `SELECT count(*) FROM leads`).Scan(&n)
		if !isRLSRefusal(err) {
			t.Errorf("a read with row_security off: %d leads, %v; want an error", n, err)
		}
	})
	var bypass, enabled, forced bool
	var policies string
	if err := p.QueryRow(ctx, `SELECT bool_or(r.rolbypassrls) FROM pg_roles r WHERE pg_has_role(current_user, r.oid, 'MEMBER')`).Scan(&bypass); err != nil {
		t.Fatal(err)
	}
	p.QueryRow(ctx, `SELECT relrowsecurity, relforcerowsecurity FROM pg_class WHERE oid = 'leads'::regclass`).Scan(&enabled, &forced)
	p.QueryRow(ctx, `SELECT string_agg(polname, ' ' ORDER BY polname) FROM pg_policy WHERE polrelid = 'leads'::regclass`).Scan(&policies)
	// The migrations' policies, no more: the workspace's, the all scope's
	// read, and the metadata filter's restrictive one.
	const want = "leads_all_workspaces leads_metadata_match leads_workspace_isolation"
	if bypass || !enabled || !forced || policies != want {
		t.Errorf("after the attempts: some role of the session bypasses RLS %v, enabled %v, forced %v, policies %q (want %q)", bypass, enabled, forced, policies, want)
	}
}

func TestAllWorkspacesScopeReadsButCannotWrite(t *testing.T) {
	s, ctx := newStore(t)
	ohio, texas := twoWorkspaces(t, s, ctx)
	p := s.Pool()
	scoped(t, ctx, p, "godmode.leads_scope", "all", func(tx pgx.Tx) {
		var n int
		tx.QueryRow(ctx, `SELECT count(*) FROM leads`).Scan(&n)
		if n != 3 {
			t.Errorf("the all-workspaces scope reads %d leads, want 3", n)
		}
	})
	for _, w := range []struct{ what, stmt string }{
		{"insert", fmt.Sprintf(`INSERT INTO leads (workspace_id, email) VALUES (%d, 'new@ohio.example')`, ohio.ID)},
		{"update", `UPDATE leads SET status = 'bounced'`},
		{"delete", `DELETE FROM leads`},
	} {
		scoped(t, ctx, p, "godmode.leads_scope", "all", func(tx pgx.Tx) {
			tag, err := tx.Exec(ctx, w.stmt)
			if err == nil && tag.RowsAffected() != 0 {
				t.Errorf("the all-workspaces scope may %s: %d rows", w.what, tag.RowsAffected())
			}
		})
	}
	for _, ws := range []model.Workspace{ohio, texas} {
		if _, st := leadsOf(t, ctx, p, ws.ID); strings.Contains(st, "bounced") || strings.Contains(st, "new@") {
			t.Errorf("%s's leads after the all scope's writes: %s", ws.Slug, st)
		}
	}
}

// leadCounts is lead_counts as "workspace/campaign=n" (campaign 0 for none).
func leadCounts(t *testing.T, ctx context.Context, p *pgxpool.Pool) string {
	t.Helper()
	var got string
	if err := p.QueryRow(ctx, `SELECT coalesce(string_agg(format('%s/%s=%s', workspace_id, campaign_id, n), ' ' ORDER BY workspace_id, campaign_id), '')
		FROM lead_counts`).Scan(&got); err != nil {
		t.Fatal(err)
	}
	return got
}

func TestLeadCountsFollowEveryChange(t *testing.T) {
	s, ctx := newStore(t)
	ohio, texas := twoWorkspaces(t, s, ctx)
	p := s.Pool()
	c1, err := s.CreateCampaign(ctx, db.NewCampaign{WorkspaceID: ohio.ID, Name: "Spring", N8nWorkflowID: "wf1"})
	if err != nil {
		t.Fatal(err)
	}
	c2, err := s.CreateCampaign(ctx, db.NewCampaign{WorkspaceID: ohio.ID, Name: "Summer", N8nWorkflowID: "wf2"})
	if err != nil {
		t.Fatal(err)
	}
	o, x := ohio.ID, texas.ID
	want := func(step, w string) {
		t.Helper()
		if got := leadCounts(t, ctx, p); got != w {
			t.Errorf("after %s: lead_counts %q, want %q", step, got, w)
		}
	}
	want("seeding", fmt.Sprintf("%d/0=2 %d/0=1", o, x))

	ohioScope := fmt.Sprint(o)
	exec := func(stmt string, args ...any) {
		t.Helper()
		tx, err := p.Begin(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback(ctx)
		tx.Exec(ctx, `SELECT set_config('godmode.workspace_id', $1, true)`, ohioScope)
		if _, err := tx.Exec(ctx, stmt, args...); err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
		if err := tx.Commit(ctx); err != nil {
			t.Fatal(err)
		}
	}
	exec(`INSERT INTO leads (workspace_id, campaign_id, email) VALUES ($1, $2, 'c@ohio.example'), ($1, $2, 'd@ohio.example')`, o, c1.ID)
	want("an insert into a campaign", fmt.Sprintf("%d/0=2 %d/%d=2 %d/0=1", o, o, c1.ID, x))

	// A merge that changes no campaign (a re-import of the same rows).
	if _, err := s.UpsertLeads(ctx, o, []model.Lead{{Email: "A@ohio.example", Metadata: []byte(`{"score":1}`)}, {Email: "c@ohio.example", CampaignID: &c1.ID}}); err != nil {
		t.Fatal(err)
	}
	want("a merge that changes no campaign", fmt.Sprintf("%d/0=2 %d/%d=2 %d/0=1", o, o, c1.ID, x))

	exec(`UPDATE leads SET campaign_id = $1 WHERE email = 'c@ohio.example'`, c2.ID)
	exec(`UPDATE leads SET campaign_id = $1 WHERE email = 'a@ohio.example'`, c2.ID)
	want("campaign changes", fmt.Sprintf("%d/0=1 %d/%d=1 %d/%d=2 %d/0=1", o, o, c1.ID, o, c2.ID, x))

	exec(`DELETE FROM leads WHERE email = 'd@ohio.example'`)
	want("a delete that empties a campaign", fmt.Sprintf("%d/0=1 %d/%d=2 %d/0=1", o, o, c2.ID, x))

	if _, err := p.Exec(ctx, `DELETE FROM campaigns WHERE id = $1`, c2.ID); err != nil {
		t.Fatal(err)
	}
	want("the campaign's deletion (its leads keep no campaign)", fmt.Sprintf("%d/0=3 %d/0=1", o, x))

	if err := s.DeleteWorkspace(ctx, o); err != nil {
		t.Fatal(err)
	}
	want("the workspace's deletion", fmt.Sprintf("%d/0=1", x))
}
