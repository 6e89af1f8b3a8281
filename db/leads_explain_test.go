package db_test

import (
	"strings"
	"testing"

	"github.com/godmode-console/godmode/db/dbtest"
	"github.com/godmode-console/godmode/model"
)

// On 1,000,000 leads in four workspaces, the :leads screen's metadata
// filter (industry=Solar) is answered through leads_metadata_idx: its
// page and its count, and a numeric value (OR of two containments) too.
func TestLeadsMetadataFilterUsesTheIndexOnAMillionRows(t *testing.T) {
	s, ctx := newStore(t)
	_, ws := fleet(t, s, ctx)
	su := dbtest.Superuser(t, s.Pool())
	// Four workspaces of 250,000; one lead in 200 is in Solar, the rest
	// spread over 40 other industries.
	for _, q := range []string{
		`INSERT INTO workspaces (slug, name) SELECT 'ws-' || i, 'WS ' || i FROM generate_series(1, 3) i`,
		`INSERT INTO leads (workspace_id, email, metadata)
		SELECT w.id, 'lead' || g || '@' || w.slug || '.example.com',
		       jsonb_build_object('industry', CASE WHEN g % 200 = 0 THEN 'Solar' ELSE 'Industry ' || (g % 40) END,
		                          'score', g % 100, 'city', 'City ' || (g % 500))
		FROM (SELECT id, slug FROM workspaces WHERE id = $1 OR slug LIKE 'ws-%') w, generate_series(1, 250000) g`,
		`ANALYZE leads`,
	} {
		var args []any
		if strings.Contains(q, "$1") {
			args = []any{ws.ID}
		}
		if _, err := su.Exec(ctx, q, args...); err != nil {
			t.Fatal(err)
		}
	}
	var total int64
	su.QueryRow(ctx, `SELECT sum(n) FROM lead_counts`).Scan(&total)
	if total != 1_000_000 {
		t.Fatalf("generated %d leads, want 1,000,000", total)
	}
	for _, c := range []struct{ name, filter string }{
		{"text value", "industry=Solar"},
		{"number value", "score=7"},
	} {
		f := filter(t, c.filter)
		for _, count := range []bool{false, true} {
			plan, err := s.ExplainLeads(ctx, ws.ID, f, count)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(plan, "Bitmap Index Scan on leads_metadata_idx") {
				t.Errorf("%s (count %v): %q does not use leads_metadata_idx:\n%s", c.name, count, c.filter, plan)
			}
			t.Logf("%s (count %v):\n%s", c.filter, count, plan)
		}
	}
	// Unfiltered, a page is a range of leads_workspace_id_idx: the
	// policy's empty documents do not send it through the GIN index.
	plan, err := s.ExplainLeads(ctx, ws.ID, model.LeadFilter{}, false)
	if err != nil || !strings.Contains(plan, "leads_workspace_id_idx") || strings.Contains(plan, "leads_metadata_idx") {
		t.Errorf("the unfiltered page (%v):\n%s", err, plan)
	}
	got, err := s.LeadsPage(ctx, ws.ID, filter(t, "industry=Solar"), model.LeadPageRequest{Limit: 5})
	if err != nil || len(got) != 5 {
		t.Fatalf("the page itself: %d leads, %v", len(got), err)
	}
}
