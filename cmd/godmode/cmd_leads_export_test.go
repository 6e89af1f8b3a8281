package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/godmode-console/godmode/model"
)

// exportFleet is the script fleet with leads of every shape in ohio (one
// in Email-1) and one in texas.
func exportFleet(t *testing.T) scriptFleet {
	f := newScriptFleet(t)
	ctx := context.Background()
	if _, err := f.store.UpsertLeads(ctx, f.ohio.ID, []model.Lead{
		{Email: "Ann@Acme.com", Status: "contacted", CampaignID: &f.email1.ID,
			Metadata: json.RawMessage(`{"industry":"Solar Energy","score":75,"vip":true,"note":"line one\nline \"two\", ok","tags":["a","b"],"addr":{"city":"Columbus"}}`)},
		{Email: "bob@roof.io", Metadata: json.RawMessage(`{"industry":"Roofing","score":"40","empty":null}`)},
		{Email: "cy@solar.io", Status: "replied", Metadata: json.RawMessage(`{"industry":"Solar Energy","score":12.5}`)},
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.store.UpsertLeads(ctx, f.ohio.ID, []model.Lead{{Email: "dee@acme.com", Metadata: json.RawMessage(`{"Status":"VIP","created_at":"2019"}`)}}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.store.UpsertLeads(ctx, f.texas.ID, []model.Lead{{Email: "secret@texas.io", Metadata: json.RawMessage(`{"texas_only":"Texas-Secret"}`)}}); err != nil {
		t.Fatal(err)
	}
	return f
}

func readCSV(t *testing.T, out string) [][]string {
	t.Helper()
	recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatalf("the export is not CSV: %v\n%s", err, out)
	}
	return recs
}

// Export, parse, compare: every lead of ohio comes back with its fixed
// columns and each metadata key as a column, values as the database holds
// them (strings as they are, the rest as JSON), nothing of texas.
func TestLeadsExportRoundTrips(t *testing.T) {
	f := exportFleet(t)
	out, errOut, code := godmode(t, "", "leads", "export", "--workspace", "ohio")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if errOut != "4 leads exported\n" {
		t.Errorf("stderr %q", errOut)
	}
	recs := readCSV(t, out)
	// Keys named like a fixed column are metadata.KEY: no two columns
	// share a name.
	wantHeader := []string{"email", "status", "campaign", "created_at", "updated_at", "metadata.Status", "addr", "metadata.created_at", "empty", "industry", "note", "score", "tags", "vip"}
	if !reflect.DeepEqual(recs[0], wantHeader) {
		t.Fatalf("header %q", recs[0])
	}
	leads, err := f.store.Leads(context.Background(), f.ohio.ID, "", 0)
	if err != nil || len(recs)-1 != len(leads) {
		t.Fatalf("%d rows for %d leads (%v)", len(recs)-1, len(leads), err)
	}
	for i, l := range leads {
		rec := recs[i+1]
		var md map[string]any
		json.Unmarshal(l.Metadata, &md)
		camp := ""
		if l.CampaignID != nil {
			camp = "Email-1"
		}
		created, _ := time.Parse(time.RFC3339Nano, rec[3])
		if rec[0] != l.Email || rec[1] != l.Status || rec[2] != camp || !created.Equal(l.CreatedAt) {
			t.Errorf("row %d: %q, lead %+v", i, rec[:5], l)
		}
		for j, col := range wantHeader[5:] {
			key := strings.TrimPrefix(col, "metadata.")
			cell := rec[5+j]
			v, held := md[key]
			var back any
			switch {
			case !held || v == nil:
				if cell != "" {
					t.Errorf("%s.%s: %q for an absent value", l.Email, key, cell)
				}
				continue
			case reflect.TypeOf(v).Kind() == reflect.String:
				back = cell
			default:
				if err := json.Unmarshal([]byte(cell), &back); err != nil {
					t.Errorf("%s.%s: %q is not JSON", l.Email, key, cell)
				}
			}
			if !reflect.DeepEqual(back, v) {
				t.Errorf("%s.%s: exported %q, held %#v", l.Email, key, cell, v)
			}
		}
	}
	if strings.Contains(out, "texas") || strings.Contains(out, "Texas") {
		t.Error("the export of ohio holds texas' lead")
	}

	// A filter and a campaign narrow the rows and the columns.
	out, errOut, code = godmode(t, "", "leads", "export", "--workspace", "ohio", "--filter", `industry="Solar Energy" score>50`)
	if recs := readCSV(t, out); code != 0 || len(recs) != 2 || recs[1][0] != "Ann@Acme.com" {
		t.Errorf("filtered: exit %d %q %s", code, recs, errOut)
	}
	out, _, code = godmode(t, "", "leads", "export", "--workspace", "ohio", "--campaign", "Email-1")
	if recs := readCSV(t, out); code != 0 || len(recs) != 2 || recs[1][2] != "Email-1" {
		t.Errorf("campaign: exit %d %q", code, recs)
	}
}

func TestLeadsExportSaysWhatIsWrong(t *testing.T) {
	exportFleet(t)
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"--workspace", "ohio", "--filter", "score>lots"}, 2, `--filter: filter term "score>lots" at position 1: > compares numbers`},
		{[]string{"--filter", "a=1"}, 2, "export needs --workspace SLUG"},
		{[]string{"--workspace", "ohio", "out.csv"}, 2, "export takes no arguments"},
		{[]string{"--workspace", "nowhere"}, 1, `no workspace "nowhere"`},
		{[]string{"--workspace", "ohio", "--campaign", "Nope"}, 1, `workspace ohio has no campaign "Nope"`},
	} {
		out, errOut, code := godmode(t, "", append([]string{"leads", "export"}, c.args...)...)
		if code != c.code || !strings.Contains(errOut, c.want) || out != "" {
			t.Errorf("%v: exit %d, stderr %q, stdout %q; want exit %d saying %q", c.args, code, errOut, out, c.code, c.want)
		}
	}
}

// Over SSH the CSV comes on the session's stdout, as the key's user: a
// viewer of ohio exports ohio, and is refused texas.
func TestLeadsExportOverSSH(t *testing.T) {
	f := exportFleet(t)
	local, _, _ := godmode(t, "", "leads", "export", "--workspace", "ohio")
	sv := startServe(t)
	c := sv.dial(t, f.viewer)
	out, errOut, code := sshRun(t, c, "", "leads", "export", "--workspace", "ohio")
	if code != 0 || out != local {
		t.Fatalf("over SSH: exit %d %s\n%s\nwant\n%s", code, errOut, out, local)
	}
	out, errOut, code = sshRun(t, sv.dial(t, f.viewer), "", "leads", "export", "--workspace", "texas")
	if code == 0 || strings.Contains(out, "secret@texas.io") || !strings.Contains(errOut, "not a member") {
		t.Fatalf("texas over SSH: exit %d %q %q", code, out, errOut)
	}
}
