package model_test

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/godmode-console/godmode/model"
)

// A viewer of ohio reads ohio's leads (columns, counts, pages, filtered);
// an outsider is refused, and the refusal is on the audit trail with the
// filter asked for. A successful read leaves no row.
func TestLeadsReadsAreForReadersOfTheWorkspace(t *testing.T) {
	w := newTwoTenants(t)
	camp := w.ohioCamp
	if _, err := w.store.UpsertLeads(w.ctx, w.ws.ID, []model.Lead{
		{Email: "a@x.com", CampaignID: &camp.ID, Metadata: json.RawMessage(`{"industry":"Solar","score":70}`)},
		{Email: "b@x.com", Metadata: json.RawMessage(`{"industry":"Roofing","score":20}`)},
	}); err != nil {
		t.Fatal(err)
	}
	f, _ := model.ParseLeadFilter("score>50")
	before := len(w.auditRows(model.AuditLeadsRead))

	h, err := w.console.ReadLeadsHead(w.ctx, w.viewer, "ohio", f)
	if err != nil {
		t.Fatal(err)
	}
	if h.Total != 2 || !h.Filtered || h.Matching != 1 || h.Capped || strings.Join(h.Keys, ",") != "industry,score" || h.Campaigns[camp.ID] != camp.Name {
		t.Fatalf("head %+v", h)
	}
	page, err := w.console.ReadLeadsPage(w.ctx, w.viewer, h.WorkspaceID, f, model.LeadPageRequest{})
	if err != nil || len(page) != 1 || page[0].Email != "a@x.com" {
		t.Fatalf("page %+v %v", page, err)
	}
	if n := len(w.auditRows(model.AuditLeadsRead)); n != before {
		t.Fatalf("a read that succeeded left %d audit rows", n-before)
	}

	if _, err := w.console.ReadLeadsHead(w.ctx, w.texasOutsider, "ohio", f); !errors.Is(err, model.ErrForbidden) {
		t.Fatalf("an outsider's head: %v", err)
	}
	if _, err := w.console.ReadLeadsPage(w.ctx, w.texasOutsider, w.ws.ID, f, model.LeadPageRequest{}); !errors.Is(err, model.ErrForbidden) {
		t.Fatalf("an outsider's page: %v", err)
	}
	rows := w.auditRows(model.AuditLeadsRead)
	if len(rows) != before+2 {
		t.Fatalf("refusals left %d audit rows, want 2", len(rows)-before)
	}
	for _, r := range rows[len(rows)-2:] {
		if r.Outcome != model.OutcomeFailed || r.ActorName != "tex@texas.io" || r.WorkspaceID == nil || *r.WorkspaceID != w.ws.ID || !strings.Contains(string(r.Before), "score>50") {
			t.Errorf("refusal row %+v before=%s", r, r.Before)
		}
	}
	if _, err := w.console.ReadLeadsHead(w.ctx, w.viewer, "nowhere", model.LeadFilter{}); !errors.Is(err, model.ErrNotFound) || !strings.Contains(err.Error(), `"nowhere"`) {
		t.Fatalf("an unknown workspace: %v", err)
	}
}

// An export is audited on every attempt with its filter and count, never a
// lead's values; a refused one and one naming an unknown campaign too.
func TestLeadsExportIsAuditedWithCountAndFilter(t *testing.T) {
	w := newTwoTenants(t)
	if _, err := w.store.UpsertLeads(w.ctx, w.ws.ID, []model.Lead{
		{Email: "a@x.com", CampaignID: &w.ohioCamp.ID, Metadata: json.RawMessage(`{"industry":"Solar","secret":"s3cr3t-value"}`)},
		{Email: "b@x.com", Metadata: json.RawMessage(`{"industry":"Solar"}`)},
		{Email: "c@x.com", Metadata: json.RawMessage(`{"industry":"Roofing"}`)},
	}); err != nil {
		t.Fatal(err)
	}
	f, _ := model.ParseLeadFilter("industry=Solar")
	var header []string
	var got []string
	out := model.LeadExport{
		Header: func(keys []string) error { header = keys; return nil },
		Row:    func(l model.Lead, campaign string) error { got = append(got, l.Email+"/"+campaign); return nil },
	}
	n, err := w.console.ExportLeads(w.ctx, w.viewer, "ohio", "", f, out)
	if err != nil || n != 2 || strings.Join(got, ",") != "a@x.com/Ohio-Email-1,b@x.com/" || strings.Join(header, ",") != "industry,secret" {
		t.Fatalf("export: %d %v %v %v", n, got, header, err)
	}
	got = nil
	if n, err := w.console.ExportLeads(w.ctx, w.viewer, "ohio", "ohio-email-1", model.LeadFilter{}, out); err != nil || n != 1 || got[0] != "a@x.com/Ohio-Email-1" {
		t.Fatalf("export of a campaign: %d %v %v", n, got, err)
	}
	if _, err := w.console.ExportLeads(w.ctx, w.viewer, "ohio", "Nope", model.LeadFilter{}, out); !errors.Is(err, model.ErrNotFound) || !strings.Contains(err.Error(), `no campaign "Nope"`) {
		t.Fatalf("an unknown campaign: %v", err)
	}
	if _, err := w.console.ExportLeads(w.ctx, w.texasOutsider, "ohio", "", f, out); !errors.Is(err, model.ErrForbidden) {
		t.Fatalf("an outsider's export: %v", err)
	}
	rows := w.auditRows(model.AuditLeadsExport)
	if len(rows) != 4 {
		t.Fatalf("%d export audit rows, want 4", len(rows))
	}
	want := []struct {
		outcome model.Outcome
		count   string
	}{{model.OutcomeOK, `"count": 2`}, {model.OutcomeOK, `"count": 1`}, {model.OutcomeFailed, `"count": 0`}, {model.OutcomeFailed, `"count": 0`}}
	slices.Reverse(rows) // oldest first
	for i, r := range rows {
		after := string(r.After)
		if r.Outcome != want[i].outcome || !strings.Contains(after, want[i].count) || strings.Contains(after, "s3cr3t") || strings.Contains(after, "a@x.com") {
			t.Errorf("row %d: %s %s", i, r.Outcome, after)
		}
	}
	if !strings.Contains(string(rows[0].After), `"filter": "industry=Solar"`) || rows[3].ActorName != "tex@texas.io" {
		t.Errorf("rows %s / %s", rows[0].After, rows[3].ActorName)
	}
}
