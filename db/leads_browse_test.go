package db_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/godmode-console/godmode/db"
	"github.com/godmode-console/godmode/model"
)

// seedLeads loads leads (email → metadata JSON) into ws and records their
// keys in lead_keys, as godmode's writers do.
func seedLeads(t *testing.T, s *db.Store, ctx context.Context, wsID int64, leads []model.Lead) {
	t.Helper()
	if _, err := s.UpsertLeads(ctx, wsID, leads); err != nil {
		t.Fatal(err)
	}
}

func filter(t *testing.T, s string) model.LeadFilter {
	t.Helper()
	f, err := model.ParseLeadFilter(s)
	if err != nil {
		t.Fatalf("%q: %v", s, err)
	}
	return f
}

func emailsOf(ls []model.Lead) []string {
	out := make([]string, len(ls))
	for i, l := range ls {
		out[i] = l.Email
	}
	return out
}

// The filter's every operator against Postgres, on numbers stored typed
// and as strings, booleans, a nested value, and keys and values a hostile
// file could bring (quotes, backslashes, $, control characters, SQL).
func TestLeadsFilterMatchesWhatItSays(t *testing.T) {
	s, ctx := newStore(t)
	_, ws := fleet(t, s, ctx)
	other, _ := s.CreateWorkspace(ctx, "texas", "Texas", nil)
	hostileKey := "it's \"a\" \\key$1\x07; DROP TABLE leads;--"
	hk, _ := json.Marshal(hostileKey)
	seedLeads(t, s, ctx, ws.ID, []model.Lead{
		{Email: "a@solar.com", Status: "new", Metadata: json.RawMessage(`{"industry":"Solar","score":75,"vip":true,"city":"Columbus"}`)},
		{Email: "b@solar.com", Status: "contacted", Metadata: json.RawMessage(`{"industry":"Solar Energy","score":"40","vip":"true"}`)},
		{Email: "c@roof.com", Status: "replied", Metadata: json.RawMessage(`{"industry":"Roofing","score":50.5,"tags":{"a":1}}`)},
		{Email: "d@roof.com", Status: "bounced", Metadata: json.RawMessage(`{"industry":"roofing","score":"n/a",` + string(hk) + `:"o'brien \"$2\" \\ \u0001"}`)},
		{Email: "e@none.com", Status: "new", Metadata: json.RawMessage(`{}`)},
	})
	seedLeads(t, s, ctx, other.ID, []model.Lead{{Email: "x@solar.com", Metadata: json.RawMessage(`{"industry":"Solar","score":99}`)}})

	hostileKeyTerm := `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(hostileKey) + `"`
	for _, c := range []struct {
		filter string
		want   []string
	}{
		{"", []string{"a@solar.com", "b@solar.com", "c@roof.com", "d@roof.com", "e@none.com"}},
		{"industry=Solar", []string{"a@solar.com"}},
		{`industry="Solar Energy"`, []string{"b@solar.com"}},
		{"industry~solar", []string{"a@solar.com", "b@solar.com"}},
		{"industry!=Solar", []string{"b@solar.com", "c@roof.com", "d@roof.com", "e@none.com"}},
		{"score=75", []string{"a@solar.com"}},
		{"score=40", []string{"b@solar.com"}}, // a number stored as a string
		{`score="40"`, []string{"b@solar.com"}},
		{"score>50", []string{"a@solar.com", "c@roof.com"}},
		{"score>=50.5", []string{"a@solar.com", "c@roof.com"}},
		{"score<50", []string{"b@solar.com"}},
		{"score<=40", []string{"b@solar.com"}},
		{"vip=true", []string{"a@solar.com", "b@solar.com"}},
		{"email=A@SOLAR.com", []string{"a@solar.com"}},
		{"email~@roof", []string{"c@roof.com", "d@roof.com"}},
		{"email!=a@solar.com status!=new", []string{"b@solar.com", "c@roof.com", "d@roof.com"}},
		{"status=replied", []string{"c@roof.com"}},
		{"industry~solar score>50", []string{"a@solar.com"}},
		{"tags~\"a\"", []string{"c@roof.com"}}, // nested: its JSON text
		{"campaign=\"\"", []string{"a@solar.com", "b@solar.com", "c@roof.com", "d@roof.com", "e@none.com"}},
		{"campaign=Email-1", nil},
		{hostileKeyTerm + `="o'brien \"$2\" \\ ` + "\x01" + `"`, []string{"d@roof.com"}},
		{hostileKeyTerm + `~brien`, []string{"d@roof.com"}},
		{`industry="'; DROP TABLE leads; --"`, nil},
		{`"$1"=x`, nil},
	} {
		t.Run(c.filter, func(t *testing.T) {
			f := filter(t, c.filter)
			got, err := s.LeadsPage(ctx, ws.ID, f, model.LeadPageRequest{})
			if err != nil {
				t.Fatal(err)
			}
			if g := emailsOf(got); !slices.Equal(g, c.want) && !(len(g) == 0 && len(c.want) == 0) {
				t.Fatalf("%q matched %v, want %v", c.filter, g, c.want)
			}
			n, err := s.CountLeads(ctx, ws.ID, f, 100)
			if err != nil || n != len(c.want) {
				t.Fatalf("count of %q = %d, %v; want %d", c.filter, n, err, len(c.want))
			}
		})
	}
	var n int
	s.Pool().QueryRow(ctx, `SELECT count(*) FROM lead_counts`).Scan(&n)
	if n == 0 {
		t.Fatal("the leads table is gone or its counts with it")
	}
}

// Pages by keyset cover every lead exactly once, forwards and backwards,
// and the last page is the last; the totals come from lead_counts and the
// filtered count stops at its cap.
func TestLeadsPagesByKeyset(t *testing.T) {
	s, ctx := newStore(t)
	_, ws := fleet(t, s, ctx)
	var leads []model.Lead
	for i := range 25 {
		leads = append(leads, model.Lead{Email: fmt.Sprintf("l%02d@x.com", i), Metadata: json.RawMessage(fmt.Sprintf(`{"n":%d,"odd":%v}`, i, i%2 == 1))})
	}
	seedLeads(t, s, ctx, ws.ID, leads)
	var seen []string
	var after int64
	for {
		page, err := s.LeadsPage(ctx, ws.ID, model.LeadFilter{}, model.LeadPageRequest{After: after, Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		if len(page) == 0 {
			break
		}
		seen = append(seen, emailsOf(page)...)
		after = page[len(page)-1].ID
	}
	if len(seen) != 25 || seen[0] != "l00@x.com" || seen[24] != "l24@x.com" {
		t.Fatalf("forward pages saw %v", seen)
	}
	last, _ := s.LeadsPage(ctx, ws.ID, model.LeadFilter{}, model.LeadPageRequest{Last: true, Limit: 10})
	if g := emailsOf(last); len(g) != 10 || g[0] != "l15@x.com" || g[9] != "l24@x.com" {
		t.Fatalf("last page %v", g)
	}
	before, _ := s.LeadsPage(ctx, ws.ID, model.LeadFilter{}, model.LeadPageRequest{Before: last[0].ID, Limit: 10})
	if g := emailsOf(before); len(g) != 10 || g[0] != "l05@x.com" || g[9] != "l14@x.com" {
		t.Fatalf("page before the last %v", g)
	}
	odd, _ := s.LeadsPage(ctx, ws.ID, filter(t, "odd=true n>10"), model.LeadPageRequest{Limit: 3})
	if g := emailsOf(odd); !slices.Equal(g, []string{"l11@x.com", "l13@x.com", "l15@x.com"}) {
		t.Fatalf("filtered page %v", g)
	}
	total, err := s.LeadTotal(ctx, ws.ID)
	if err != nil || total != 25 {
		t.Fatalf("total %d, %v", total, err)
	}
	if n, _ := s.CountLeads(ctx, ws.ID, filter(t, "odd=true"), 5); n != 6 {
		t.Fatalf("a count capped at 5 says %d, want 6 (5+)", n)
	}
	keys, err := s.LeadKeys(ctx, ws.ID, 0)
	if err != nil || !slices.Equal(keys, []string{"n", "odd"}) {
		t.Fatalf("keys %v, %v", keys, err)
	}
}

// leads_metadata_match (migration 00020) only ever hides rows: set to a
// document, a read sees fewer of its workspace's leads and still none of
// another's; with no workspace named it sees nothing; unset, every lead
// of the workspace.
func TestLeadsMetadataMatchPolicyOnlyHides(t *testing.T) {
	s, ctx := newStore(t)
	_, ws := fleet(t, s, ctx)
	other, _ := s.CreateWorkspace(ctx, "texas", "Texas", nil)
	seedLeads(t, s, ctx, ws.ID, []model.Lead{
		{Email: "a@ohio.com", Metadata: json.RawMessage(`{"industry":"Solar"}`)},
		{Email: "b@ohio.com", Metadata: json.RawMessage(`{"industry":"Roofing"}`)},
	})
	seedLeads(t, s, ctx, other.ID, []model.Lead{{Email: "x@texas.com", Metadata: json.RawMessage(`{"industry":"Solar"}`)}})
	read := func(settings map[string]string) []string {
		t.Helper()
		var out []string
		err := pgx.BeginFunc(ctx, s.Pool(), func(tx pgx.Tx) error {
			for k, v := range settings {
				if _, err := tx.Exec(ctx, `SELECT set_config($1, $2, true)`, k, v); err != nil {
					return err
				}
			}
			rows, err := tx.Query(ctx, `SELECT email FROM leads ORDER BY email`)
			if err != nil {
				return err
			}
			out, err = pgx.CollectRows(rows, pgx.RowTo[string])
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	solar := `{"industry":"Solar"}`
	ohio := fmt.Sprint(ws.ID)
	for _, c := range []struct {
		name     string
		settings map[string]string
		want     string
	}{
		{"unset", map[string]string{"godmode.workspace_id": ohio}, "a@ohio.com,b@ohio.com"},
		{"set", map[string]string{"godmode.workspace_id": ohio, "godmode.leads_match": solar, "godmode.leads_match_alt": solar}, "a@ohio.com"},
		{"no workspace", map[string]string{"godmode.leads_match": solar, "godmode.leads_match_alt": solar}, ""},
		{"all, set", map[string]string{"godmode.leads_scope": "all", "godmode.leads_match": solar, "godmode.leads_match_alt": solar}, "a@ohio.com,x@texas.com"},
	} {
		if got := strings.Join(read(c.settings), ","); got != c.want {
			t.Errorf("%s: read %q, want %q", c.name, got, c.want)
		}
	}
}
