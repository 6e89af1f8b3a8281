package ui

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/godmode-console/godmode/model"
	"github.com/godmode-console/godmode/ui/uitest"
)

// leadsFixture is the fleet with 30 leads in florida: four industries, a
// score, a city, a long key, a value holding a terminal escape, and one
// lead in Email 1.
func leadsFixture(t *testing.T) (*uitest.Fleet, *uitest.Backend) {
	t.Helper()
	f := fleetFixture(t)
	ctx := context.Background()
	ws, err := f.Store.WorkspaceBySlug(ctx, "florida")
	if err != nil {
		t.Fatal(err)
	}
	camps, _ := f.Store.Campaigns(ctx, ws.ID)
	// The demo fleet seeds florida with leads of its own: these tests
	// draw their own thirty instead.
	tx, err := f.Store.Pool().Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{`SELECT set_config('godmode.workspace_id', $1::bigint::text, true)`, `DELETE FROM leads WHERE workspace_id = $1`, `DELETE FROM lead_keys WHERE workspace_id = $1`} {
		if _, err := tx.Exec(ctx, q, ws.ID); err != nil {
			t.Fatal(err)
		}
	}
	if err := tx.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	industries := []string{"Solar", "Solar Energy", "Roofing", "HVAC"}
	var ls []model.Lead
	for i := range 30 {
		md := map[string]any{"industry": industries[i%4], "score": i * 3, "city": fmt.Sprintf("City %d", i%7),
			"annual_revenue_band": fmt.Sprintf("band %c", 'A'+i%5)}
		if i == 4 {
			md["city"] = "Tampa\x1b[31mRED"
		}
		l := model.Lead{Email: fmt.Sprintf("lead%02d@florida-%s.example.com", i, strings.ToLower(strings.Fields(industries[i%4])[0]))}
		l.Metadata, _ = json.Marshal(md)
		if i == 0 && len(camps) > 0 {
			l.CampaignID = &camps[0].ID
		}
		ls = append(ls, l)
	}
	if _, err := f.Store.UpsertLeads(ctx, ws.ID, ls); err != nil {
		t.Fatal(err)
	}
	return f, f.As(f.Super())
}

func leadsRoot(t *testing.T, b *uitest.Backend, w, h int) *Root {
	r := newRoot(b, Options{})
	sized(r, w, h)
	deliver(r, r.Init())
	return r
}

func command(r *Root, c string) {
	keys(r, ":"+c)
	keys(r, "enter")
}

// :leads florida at 200x60: every column fits; the title counts the
// leads; a value's escape sequence is drawn as a picture, not obeyed.
func TestScreenLeads(t *testing.T) {
	t.Parallel()
	_, b := leadsFixture(t)
	r := leadsRoot(t, b, 200, 60)
	command(r, "leads florida")
	if r.topID() != "leads" {
		t.Fatalf(":leads florida opened %q", r.topID())
	}
	s := plain(r.Render())
	mustContain(t, s, "Leads of florida [30]", "EMAIL", "STATUS", "CAMPAIGN", "ANNUAL_REVENUE_BAND", "CITY", "INDUSTRY", "SCORE",
		"lead00@florida-solar.example.com", "Solar Energy")
	if strings.Contains(s, "columns 1–") {
		t.Error("at 200 columns every column fits, yet the title offers scrolling")
	}
	if strings.Contains(r.Render(), "\x1b[31mRED") {
		t.Error("a lead's escape sequence reached the terminal")
	}
	mustContain(t, line(s, "lead04@"), "Tampa")
	teatest.RequireEqualOutput(t, []byte(ascii(r.Render())))
}

// At 80x24 the metadata columns do not fit: → scrolls them, email stays.
func TestScreenLeadsAt80x24(t *testing.T) {
	t.Parallel()
	_, b := leadsFixture(t)
	r := leadsRoot(t, b, 80, 24)
	command(r, "leads florida")
	s := plain(r.Render())
	mustContain(t, s, "columns 1–", "of 6 ←→", "STATUS")
	keys(r, "l", "l")
	s = plain(r.Render())
	mustContain(t, s, "columns 3–", "EMAIL", "ANNUAL_REVENUE_BAND", "lead00@")
	if strings.Contains(s, "STATUS") {
		t.Errorf("after → → the status column still shows:\n%s", s)
	}
	teatest.RequireEqualOutput(t, []byte(ascii(r.Render())))
}

// / filters on metadata; the title says how many of all match; a filter
// that does not parse says where and why under the input, and the rows
// stay those of the last good filter.
func TestScreenLeadsFilter(t *testing.T) {
	t.Parallel()
	_, b := leadsFixture(t)
	r := leadsRoot(t, b, 160, 40)
	command(r, "leads florida")
	keys(r, "/")
	typeText(r, "industry=Solar score>30")
	keys(r, "enter")
	s := plain(r.Render())
	mustContain(t, s, "Leads of florida [5 of 30]", "/industry=Solar score>30", "lead12@florida-solar")
	if strings.Contains(s, "lead00@") || strings.Contains(s, "Solar Energy") {
		t.Errorf("the filter let through other leads:\n%s", s)
	}
	keys(r, "/")
	r.Update(tea.KeyPressMsg{Code: 'u', Mod: tea.ModCtrl})
	typeText(r, "industry=Solar score>lots")
	keys(r, "enter")
	s = plain(r.Render())
	mustContain(t, s, `filter term "score>lots" at position 16`, "> compares numbers", "Leads of florida [5 of 30]", "/industry=Solar score>lots")
	keys(r, "esc")
	if r.topID() != "leads" {
		t.Fatalf("esc in the filter left the screen (now %q)", r.topID())
	}
}

// L on the fleet's workspace opens its leads.
func TestScreenLeadsFromTheFleet(t *testing.T) {
	t.Parallel()
	_, b := leadsFixture(t)
	r := leadsRoot(t, b, 160, 40)
	keys(r, "L")
	if r.topID() != "leads" {
		t.Fatalf("L on the workspaces pane opened %q", r.topID())
	}
	mustContain(t, plain(r.Render()), "Leads of florida [30]")
}
