package model_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/godmode-console/godmode/model"
)

// provisionedWith records a succeeded provisioning run of the workspace
// from a blueprint version with this lead schema, as the import reads it.
func (w *world) provisionedWith(schema string) {
	w.t.Helper()
	bv, _, err := w.store.StoreBlueprintVersion(w.ctx, "leads-bp", model.BlueprintVersion{LeadSchema: json.RawMessage(schema), ContentHash: fmt.Sprintf("%x", sha256.Sum256([]byte(schema)))})
	if err != nil {
		w.t.Fatal(err)
	}
	run, err := w.store.StartRun(w.ctx, w.ws.ID, bv.ID, nil)
	if err != nil {
		w.t.Fatal(err)
	}
	if _, err := w.store.SetRunStatus(w.ctx, run.ID, model.RunSucceeded, ""); err != nil {
		w.t.Fatal(err)
	}
}

func (w *world) importFile(name string, req model.LeadImport) (model.LeadImportResult, error) {
	w.t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "leads", name))
	if err != nil {
		w.t.Fatal(err)
	}
	req.Workspace, req.Name, req.Source, req.Size = w.ws.Slug, name, bytes.NewReader(b), int64(len(b))
	return w.console.ImportLeads(w.ctx, w.super, req)
}

// leadRow is a lead as a user checks it after an import.
type leadRow struct {
	Email, Status string
	Campaign      int64
	Metadata      map[string]any
}

// leads are the workspace's leads by email, every column a user sees.
func (w *world) leads() map[string]leadRow {
	w.t.Helper()
	ls, err := w.store.Leads(w.ctx, w.ws.ID, "", 100000)
	if err != nil {
		w.t.Fatal(err)
	}
	out := map[string]leadRow{}
	for _, l := range ls {
		r := leadRow{Email: l.Email, Status: l.Status}
		if l.CampaignID != nil {
			r.Campaign = *l.CampaignID
		}
		if err := json.Unmarshal(l.Metadata, &r.Metadata); err != nil {
			w.t.Fatal(err)
		}
		out[l.Email] = r
	}
	return out
}

// tableDump is everything of the workspace's leads, timestamps and ids
// included, with the keys and counts kept beside them.
func (w *world) tableDump() string {
	w.t.Helper()
	ls, err := w.store.Leads(w.ctx, w.ws.ID, "", 100000)
	if err != nil {
		w.t.Fatal(err)
	}
	b, _ := json.Marshal(ls)
	var extra string
	rows, err := w.store.Pool().Query(w.ctx, `SELECT coalesce((SELECT string_agg(key, ',' ORDER BY key) FROM lead_keys WHERE workspace_id = $1), '') ||
		'|' || coalesce((SELECT string_agg(campaign_id || '=' || n, ',' ORDER BY campaign_id) FROM lead_counts WHERE workspace_id = $1), '')`, w.ws.ID)
	if err != nil {
		w.t.Fatal(err)
	}
	for rows.Next() {
		rows.Scan(&extra)
	}
	rows.Close()
	return string(b) + "\n" + extra
}

func TestImportLeadsReadsEveryShape(t *testing.T) {
	for _, c := range []struct {
		file, format string
		want         map[string]leadRow
		typed        map[string]string
		merged       int
	}{
		{"bom_crlf.csv", "UTF-8 with a BOM, ','-separated, CRLF line ends, header on line 1",
			map[string]leadRow{
				"ana@example.com": {Email: "ana@example.com", Status: "new", Metadata: map[string]any{"first_name": "Ana", "company": "Acme", "score": 10.0}},
				"bob@example.com": {Email: "bob@example.com", Status: "new", Metadata: map[string]any{"first_name": "Bob", "company": "Bolt", "score": 20.0}},
			}, map[string]string{"score": "number"}, 0},
		{"semicolon_quoted.csv", "UTF-8, ';'-separated, LF line ends, header on line 2 (1 line(s) before it skipped)",
			map[string]leadRow{
				// The later row of carla wins where it has a value and erases nothing.
				"carla@example.com": {Email: "carla@example.com", Status: "new", Metadata: map[string]any{"first_name": "Carla",
					"notes": "likes roofs;\ncalls on Mondays", "industry": "Wind", "verified": true}},
				"dan@example.com": {Email: "dan@example.com", Status: "new", Metadata: map[string]any{"first_name": "Dan",
					"notes": `said "call me"`, "industry": "Roofing", "verified": false}},
			}, map[string]string{"verified": "boolean"}, 1},
		{"latin1.csv", "latin-1 (converted to UTF-8), ','-separated, LF line ends, header on line 1",
			map[string]leadRow{
				"jose@example.com": {Email: "jose@example.com", Status: "new", Metadata: map[string]any{"first_name": "José", "city": "Málaga"}},
				"zoe@example.com":  {Email: "zoe@example.com", Status: "new", Metadata: map[string]any{"first_name": "Zoë", "city": "Köln"}},
			}, map[string]string{}, 0},
	} {
		t.Run(c.file, func(t *testing.T) {
			w := newWorld(t)
			res, err := w.importFile(c.file, model.LeadImport{})
			if err != nil {
				t.Fatal(err)
			}
			if res.Format != c.format || !res.Landed || res.Inserted != len(c.want) || res.Merged != c.merged || !reflect.DeepEqual(res.Typed, c.typed) {
				t.Fatalf("result %+v", res)
			}
			if got := w.leads(); !reflect.DeepEqual(got, c.want) {
				t.Fatalf("leads\n%+v\nwant\n%+v", got, c.want)
			}
		})
	}
}

// An import with a bad row lands nothing: the table, its keys and counts
// are exactly as before, and the error names the lines and reasons.
func TestImportLeadsAllOrNothing(t *testing.T) {
	w := newWorld(t)
	if _, err := w.console.ImportLeads(w.ctx, w.super, model.LeadImport{Workspace: "ohio", Name: "first.csv",
		Source: strings.NewReader("email,first_name,status\ngood@example.com,Before,replied\nold@example.com,Old,\n")}); err != nil {
		t.Fatal(err)
	}
	before := w.tableDump()
	var rejects bytes.Buffer
	res, err := w.importFile("invalid_emails.csv", model.LeadImport{Rejects: &rejects})
	if !errors.Is(err, model.ErrInvalid) || res.Landed || res.Rejected != 4 || res.Rows != 6 {
		t.Fatalf("err %v, result %+v", err, res)
	}
	for _, want := range []string{"invalid_emails.csv: 4 of 6 rows failed, so nothing landed", `line 3: email "not-an-email" has no @`,
		`line 4: email "two@@example.com" has 2 @`, "line 6: email \"spa ce@example.com\" has a space", `line 7: status "whatever" is not one of`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
	if after := w.tableDump(); after != before {
		t.Fatalf("the table changed:\n%s\nthen\n%s", before, after)
	}
	if !strings.HasPrefix(rejects.String(), "email,first_name,status,line,reason\nnot-an-email,Bad,new,3,") {
		t.Fatalf("rejects:\n%s", rejects.String())
	}
}

// --skip-invalid lands the valid rows and writes each failed one, with its
// line and reason, to the rejects; an existing lead merges with the file.
func TestImportLeadsSkipInvalidWritesRejects(t *testing.T) {
	w := newWorld(t)
	if _, err := w.console.ImportLeads(w.ctx, w.super, model.LeadImport{Workspace: "ohio", Name: "first.csv",
		Source: strings.NewReader("email,first_name,company,status\nGood@example.com,Before,Acme,replied\n")}); err != nil {
		t.Fatal(err)
	}
	var rejects bytes.Buffer
	res, err := w.importFile("invalid_emails.csv", model.LeadImport{Rejects: &rejects, SkipInvalid: true})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Landed || res.Inserted != 1 || res.Updated != 1 || res.Rejected != 4 || len(res.Rejects) != 4 || res.Rejects[3] != (model.LeadReject{Line: 7, Reason: `status "whatever" is not one of new, contacted, replied, bounced, unsubscribed, do_not_contact`}) {
		t.Fatalf("result %+v", res)
	}
	want := map[string]leadRow{
		"good@example.com": {Email: "good@example.com", Status: "new", Metadata: map[string]any{"first_name": "Good", "company": "Acme"}},
		"ok2@example.com":  {Email: "ok2@example.com", Status: "do_not_contact", Metadata: map[string]any{"first_name": "Ok"}},
	}
	if got := w.leads(); !reflect.DeepEqual(got, want) {
		t.Fatalf("leads %+v", got)
	}
	wantRejects := `email,first_name,status,line,reason
not-an-email,Bad,new,3,"email ""not-an-email"" has no @"
two@@example.com,Bad,new,4,"email ""two@@example.com"" has 2 @"
spa ce@example.com,Bad,new,6,"email ""spa ce@example.com"" has a space in it or nothing on one side of the @"
ok3@example.com,Ok,whatever,7,"status ""whatever"" is not one of new, contacted, replied, bounced, unsubscribed, do_not_contact"
`
	if rejects.String() != wantRejects {
		t.Fatalf("rejects:\n%s", rejects.String())
	}
}

// A status cell left empty keeps the lead's status; skip keeps the lead
// and the file's first row; as-text keeps numbers strings.
func TestImportLeadsDuplicatesSkipAndStatus(t *testing.T) {
	w := newWorld(t)
	imp := func(csv string, req model.LeadImport) model.LeadImportResult {
		t.Helper()
		req.Workspace, req.Name, req.Source = "ohio", "t.csv", strings.NewReader(csv)
		res, err := w.console.ImportLeads(w.ctx, w.super, req)
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	imp("email,status,zip\na@example.com,Replied,02134\nb@example.com,,1\n", model.LeadImport{})
	res := imp("email,status,zip,score\nA@example.com,,9,1\nc@example.com,bounced,1,2\nc@example.com,new,2,3\n", model.LeadImport{Duplicates: model.LeadsSkip, AsText: true})
	if res.Inserted != 1 || res.Skipped != 2 || res.Updated != 0 {
		t.Fatalf("skip: %+v", res)
	}
	res = imp("email,status,n\na@example.com,,7\nb@example.com,contacted,8\nd@example.com,bounced,1\nd@example.com,replied,\nd@example.com,,3\n", model.LeadImport{})
	if res.Updated != 2 || res.Inserted != 1 || res.Merged != 2 {
		t.Fatalf("merge: %+v", res)
	}
	want := map[string]leadRow{
		"a@example.com": {Email: "a@example.com", Status: "replied", Metadata: map[string]any{"zip": "02134", "n": 7.0}},
		// "02134" keeps zip a text column: a number would lose its zero.
		"b@example.com": {Email: "b@example.com", Status: "contacted", Metadata: map[string]any{"zip": "1", "n": 8.0}},
		"c@example.com": {Email: "c@example.com", Status: "bounced", Metadata: map[string]any{"zip": "1", "score": "2"}},
		// The last status given and the last value of each key win.
		"d@example.com": {Email: "d@example.com", Status: "replied", Metadata: map[string]any{"n": 3.0}},
	}
	if got := w.leads(); !reflect.DeepEqual(got, want) {
		t.Fatalf("leads %+v", got)
	}
}

// The header is checked before any further row is read: a file lacking a
// required column is refused naming it and the file, having read no more
// than the sniffed sample of a long file.
func TestImportLeadsMissingRequiredColumn(t *testing.T) {
	w := newWorld(t)
	w.provisionedWith(`{"columns":["email","First Name","company_domain","Email #1 Sent"],"required":["company_domain","Email #1 Sent"]}`)
	var big strings.Builder
	big.WriteString("email,first_name,email_1_sent\n")
	for i := 0; big.Len() < 1<<20; i++ {
		fmt.Fprintf(&big, "l%d@example.com,L,true\n", i)
	}
	src := &countReader{r: strings.NewReader(big.String())}
	_, err := w.console.ImportLeads(w.ctx, w.super, model.LeadImport{Workspace: "ohio", Name: "big.csv", Source: src})
	if !errors.Is(err, model.ErrInvalid) || !strings.Contains(err.Error(), "big.csv lacks the column(s) company_domain that blueprint leads-bp version 1 requires") {
		t.Fatalf("err %v", err)
	}
	if src.n > 64<<10 {
		t.Fatalf("read %d bytes of a file refused by its header", src.n)
	}
	// With the column, the schema's names are the keys.
	res, err := w.console.ImportLeads(w.ctx, w.super, model.LeadImport{Workspace: "ohio", Name: "ok.csv",
		Source: strings.NewReader("E-mail,first name,Company Domain,email_1_sent\nx@example.com,X,x.com,TRUE\n")})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]leadRow{"x@example.com": {Email: "x@example.com", Status: "new",
		Metadata: map[string]any{"First Name": "X", "company_domain": "x.com", "Email #1 Sent": true}}}
	if got := w.leads(); !reflect.DeepEqual(got, want) || res.Inserted != 1 {
		t.Fatalf("leads %+v", got)
	}
	if _, err := w.importFile("missing_required.csv", model.LeadImport{}); err == nil || !strings.Contains(err.Error(), "missing_required.csv lacks the column(s) company_domain, Email #1 Sent") {
		t.Fatalf("err %v", err)
	}
}

type countReader struct {
	r io.Reader
	n int
}

func (c *countReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += n
	return n, err
}

// An import cancelled halfway (rows already in staging) lands nothing.
func TestImportLeadsCancelledLeavesTheTable(t *testing.T) {
	w := newWorld(t)
	if _, err := w.console.ImportLeads(w.ctx, w.super, model.LeadImport{Workspace: "ohio", Name: "first.csv",
		Source: strings.NewReader("email,first_name\nkeep@example.com,Keep\nl5@example.com,Five\n")}); err != nil {
		t.Fatal(err)
	}
	before := w.tableDump()
	pr, pw := io.Pipe()
	ctx, cancel := context.WithCancel(w.ctx)
	defer cancel()
	go func() {
		fmt.Fprintln(pw, "email,first_name")
		for i := 0; i < 50000; i++ {
			fmt.Fprintf(pw, "l%d@example.com,New\n", i)
		}
		cancel() // 50,000 rows staged (or on their way), the file not ended
		for i := 50000; i < 60000; i++ {
			if _, err := fmt.Fprintf(pw, "l%d@example.com,New\n", i); err != nil {
				return
			}
		}
		pw.Close()
	}()
	var phases []string
	res, err := w.console.ImportLeads(ctx, w.super, model.LeadImport{Workspace: "ohio", Name: "stdin", Source: pr,
		Progress: func(p model.LeadImportProgress) { phases = append(phases, p.Phase) }})
	pr.Close()
	if !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "interrupted: nothing landed") || res.Landed || res.Rows < 10000 {
		t.Fatalf("err %v, result %+v", err, res)
	}
	if len(phases) == 0 || phases[0] != "reading" {
		t.Fatalf("progress %v", phases)
	}
	if after := w.tableDump(); after != before {
		t.Fatalf("the table changed:\n%s\nthen\n%s", before, after)
	}
}

// Super admins and the workspace's owners and admins import; members,
// viewers and a read-only console are refused; every attempt is audited
// with its counts and never a cell's value.
func TestImportLeadsAuthorisedAndAudited(t *testing.T) {
	w := newWorld(t)
	admin := w.actor("admin@example.com", false, model.RoleAdmin)
	file := "email,secret_note\nx@example.com,SHH-1234\n"
	for _, a := range []model.Actor{w.member, w.viewer} {
		if _, err := w.console.ImportLeads(w.ctx, a, model.LeadImport{Workspace: "ohio", Name: "a.csv", Source: strings.NewReader(file)}); !errors.Is(err, model.ErrForbidden) {
			t.Fatalf("%s imported: %v", a.Name, err)
		}
	}
	ro := model.NewConsole(w.store, dial(), model.ConsoleOptions{ReadOnly: true})
	if _, err := ro.ImportLeads(w.ctx, w.super, model.LeadImport{Workspace: "ohio", Name: "a.csv", Source: strings.NewReader(file)}); !errors.Is(err, model.ErrForbidden) {
		t.Fatalf("read-only console imported: %v", err)
	}
	if _, err := w.console.ImportLeads(w.ctx, admin, model.LeadImport{Workspace: "ohio", Name: "a.csv", Source: strings.NewReader(file + "bad@,x\n")}); !errors.Is(err, model.ErrInvalid) {
		t.Fatalf("bad row: %v", err)
	}
	res, err := w.console.ImportLeads(w.ctx, admin, model.LeadImport{Workspace: "ohio", Name: "a.csv", Source: strings.NewReader(file)})
	if err != nil || res.Inserted != 1 {
		t.Fatalf("admin: %v %+v", err, res)
	}
	all, err := w.store.Audit(w.ctx, model.AuditFilter{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	var outcomes []string
	var entries []model.AuditEntry
	for _, e := range all {
		if e.Action != model.AuditLeadsImport {
			continue
		}
		entries = append(entries, e)
		all := fmt.Sprintf("%s %s %s", e.Error, e.After, e.Before)
		if strings.Contains(all, "SHH-1234") || strings.Contains(all, "x@example.com") || strings.Contains(all, "bad@") {
			t.Fatalf("a cell value reached the audit: %s", all)
		}
		outcomes = append(outcomes, e.ActorName+":"+string(e.Outcome))
	}
	if len(entries) != 5 {
		t.Fatalf("audit %v", outcomes)
	}
	last := entries[0]
	if entries[len(entries)-1].ID > last.ID {
		last = entries[len(entries)-1]
	}
	var st struct {
		File     string
		Inserted int
	}
	if json.Unmarshal(last.After, &st); st.File != "a.csv" || st.Inserted != 1 {
		t.Fatalf("audit of the import: %s", last.After)
	}
}

// A super admin marks lead schema columns required (and optional again),
// audited; an import of the workspace provisioned from that version then
// needs them.
func TestLeadSchemaRequiredIsEditedAndChecked(t *testing.T) {
	w := newWorld(t)
	w.provisionedWith(`{"columns":["company","phone"]}`)
	v := model.NewVault(w.store, nil, nil)
	if _, err := v.EditLeadSchemaWith(w.ctx, w.member, "leads-bp@1", model.LeadSchemaEdit{Require: []string{"company"}}); !errors.Is(err, model.ErrForbidden) {
		t.Fatalf("a member: %v", err)
	}
	if _, err := v.EditLeadSchemaWith(w.ctx, w.super, "leads-bp@1", model.LeadSchemaEdit{Require: []string{"nope"}}); err == nil || !strings.Contains(err.Error(), `--require "nope": no such column in the lead schema`) {
		t.Fatalf("an unknown column: %v", err)
	}
	bv, err := v.EditLeadSchemaWith(w.ctx, w.super, "leads-bp@1", model.LeadSchemaEdit{Add: []string{"title"}, Require: []string{"company", "title"}})
	if err != nil || !reflect.DeepEqual(model.LeadSchemaRequired(bv), []string{"company", "title"}) || !reflect.DeepEqual(model.LeadSchema(bv), []string{"company", "phone", "title"}) {
		t.Fatalf("%v %s", err, bv.LeadSchema)
	}
	imp := func() error {
		_, err := w.console.ImportLeads(w.ctx, w.super, model.LeadImport{Workspace: "ohio", Name: "f.csv", Source: strings.NewReader("email,Company\na@example.com,Acme\n")})
		return err
	}
	if err := imp(); err == nil || !strings.Contains(err.Error(), "f.csv lacks the column(s) title that blueprint leads-bp version 1 requires") {
		t.Fatalf("import: %v", err)
	}
	if bv, err = v.EditLeadSchemaWith(w.ctx, w.super, "leads-bp@1", model.LeadSchemaEdit{Optional: []string{"title"}}); err != nil || !reflect.DeepEqual(model.LeadSchemaRequired(bv), []string{"company"}) {
		t.Fatalf("%v %s", err, bv.LeadSchema)
	}
	if err := imp(); err != nil {
		t.Fatal(err)
	}
	if _, err := v.EditLeadSchemaWith(w.ctx, w.super, "leads-bp@1", model.LeadSchemaEdit{Remove: []string{"company"}}); err != nil {
		t.Fatal(err)
	}
	bv, _ = v.BlueprintVersion(w.ctx, w.super, "leads-bp@1")
	if len(model.LeadSchemaRequired(bv)) != 0 {
		t.Fatalf("a removed column is still required: %s", bv.LeadSchema)
	}
}

// An archived workspace is retired for good: an import into it is refused
// (and audited), its leads left as they are.
func TestImportLeadsRefusesAnArchivedWorkspace(t *testing.T) {
	w := newWorld(t)
	if _, _, err := w.console.ArchiveWorkspace(w.ctx, w.super, "ohio"); err != nil {
		t.Fatal(err)
	}
	_, err := w.console.ImportLeads(w.ctx, w.super, model.LeadImport{Workspace: "ohio", Name: "a.csv", Source: strings.NewReader("email\nx@example.com\n")})
	if !errors.Is(err, model.ErrArchived) {
		t.Fatalf("import into an archived workspace: %v", err)
	}
	rows := w.auditRows(model.AuditLeadsImport)
	if len(rows) != 1 || rows[0].Outcome != model.OutcomeFailed {
		t.Fatalf("the refusal's audit: %+v", rows)
	}
	if n, err := w.store.LeadTotal(w.ctx, w.ws.ID); err != nil || n != 0 {
		t.Fatalf("leads of ohio after the refusal: %d %v", n, err)
	}
}
