package model_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/godmode-console/godmode/n8n/n8ntest"
)

// faultMode is one way a run stops at its k-th write to n8n.
type faultMode struct {
	name string
	arm  func(f *n8ntest.Server, k int, kill func())
}

var faultModes = []faultMode{
	// n8n answers 500 and nothing happened.
	{"500", func(f *n8ntest.Server, k int, _ func()) { f.FailWriteAt(k, 500) }},
	// The call took effect; the answer never comes (the client times out).
	{"timeout", func(f *n8ntest.Server, k int, _ func()) { f.FailWriteAfterEffect(k, 0, nil) }},
	// The call took effect and the process dies before recording it: the
	// context is cancelled there, so nothing after is written.
	{"killed", func(f *n8ntest.Server, k int, kill func()) { f.FailWriteAfterEffect(k, 0, kill) }},
}

// Must show 2: for every write k of a run to n8n (every n8n step, and each
// call within a step: tagging creates tags, then sets them), and for every
// campaign the run records (the process killed right after the insert),
// stop the run there three ways; then resume it → the listing of n8n
// (workflows, credentials, tags) and Postgres (the workspace, its
// campaigns) is exactly a clean run's; or roll it back → exactly as before
// the run, the whole campaigns table included.
func TestProvisionStopsAnywhereThenResumeOrRollback(t *testing.T) {
	w := newProvWorld(t)
	ref := w.workspace("refok")
	before := w.listing("refok", ref)
	if _, err := w.provision(w.ctx, "refok", "texas"); err != nil {
		t.Fatal(err)
	}
	want := w.listing("refok", ref)
	writes := int(ref.Writes())
	if writes < 20 {
		t.Fatalf("a clean run made %d writes; the base blueprint should make more", writes)
	}
	type stop struct {
		name string
		arm  func(f *n8ntest.Server, kill func())
	}
	var stops []stop
	for k := 1; k <= writes; k++ {
		for _, m := range faultModes {
			stops = append(stops, stop{fmt.Sprintf("write%02d-%s", k, m.name), func(f *n8ntest.Server, kill func()) { m.arm(f, k, kill) }})
		}
	}
	for c := 1; c <= 7; c++ {
		stops = append(stops, stop{fmt.Sprintf("campaign%d-killed", c), func(_ *n8ntest.Server, kill func()) {
			w.store.killAt, w.store.seen, w.store.kill = c, 0, kill
		}})
	}
	n := 0
	for _, st := range stops {
		for _, then := range []string{"resume", "rollback"} {
			n++
			slug := fmt.Sprintf("zq%03d", n)
			t.Run(st.name+"-"+then, func(t *testing.T) {
				f := w.workspace(slug)
				camps0 := w.allCampaigns()
				ctx, cancel := context.WithCancel(w.ctx)
				defer cancel()
				st.arm(f, cancel)
				res, perr := w.provision(ctx, slug, "texas")
				w.store.killAt = 0
				f.ClearFaults()
				if res.Run.ID == 0 {
					t.Fatalf("no run was opened: %v", perr)
				}
				switch then {
				case "resume":
					if perr == nil {
						// The client's own retry of an idempotent call
						// got through: nothing to resume.
						if got := w.listing(slug, f); !equalListing(got, want, slug) {
							t.Fatalf("the run survived the fault but the listing differs:\n%s", diff(want, got))
						}
						return
					}
					if _, err := w.console.ResumeRun(w.ctx, w.super, res.Run.ID, w.values("texas")); err != nil {
						t.Fatalf("stopped with %v; resume: %v", perr, err)
					}
					if got := w.listing(slug, f); !equalListing(got, want, slug) {
						t.Fatalf("stopped with %v; after resume the listing differs from a clean run's:\n%s", perr, diff(want, got))
					}
				case "rollback":
					vals := w.values("texas")
					if _, err := w.console.RollbackRun(w.ctx, w.super, res.Run.ID, &vals); err != nil {
						t.Fatalf("stopped with %v; rollback: %v", perr, err)
					}
					if got := w.listing(slug, f); !equalListing(got, before, slug) {
						t.Fatalf("stopped with %v; after rollback the listing is not as before the run:\n%s", perr, diff(before, got))
					}
					if got := w.allCampaigns(); !slices.Equal(got, camps0) {
						t.Fatalf("after rollback the campaigns table differs:\n%s", diff(camps0, got))
					}
				}
			})
		}
	}
	// Every step error recorded on the way holds no secret either.
	w.noSecretsInPostgres(secretsOf("texas"))
}

// equalListing compares listings made with their own slugs replaced.
func equalListing(got, want []string, _ string) bool { return slices.Equal(got, want) }

func diff(want, got []string) string {
	var b strings.Builder
	for _, s := range want {
		if !slices.Contains(got, s) {
			b.WriteString("- " + s + "\n")
		}
	}
	for _, s := range got {
		if !slices.Contains(want, s) {
			b.WriteString("+ " + s + "\n")
		}
	}
	if b.Len() == 0 {
		fmt.Fprintf(&b, "(same lines, %d vs %d: duplicates)\n%s", len(want), len(got), strings.Join(got, "\n"))
	}
	return b.String()
}

// allCampaigns is the whole campaigns table, every column that a run
// could write.
func (w *provWorld) allCampaigns() []string {
	w.t.Helper()
	rows, err := w.store.Pool().Query(w.ctx, `SELECT id, workspace_id, name, n8n_workflow_id, status, webhook_url, coalesce(blueprint_version_id, 0), applied_hash FROM campaigns ORDER BY id`)
	if err != nil {
		w.t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id, ws, bv int64
		var name, wf, st, hook, hash string
		if err := rows.Scan(&id, &ws, &name, &wf, &st, &hook, &bv, &hash); err != nil {
			w.t.Fatal(err)
		}
		out = append(out, fmt.Sprint(id, ws, name, wf, st, hook, bv, hash))
	}
	return out
}
