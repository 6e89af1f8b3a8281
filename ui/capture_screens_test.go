package ui

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"charm.land/bubbles/v2/cursor"
	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"

	"github.com/godmode-console/godmode/db"
	"github.com/godmode-console/godmode/model"
	"github.com/godmode-console/godmode/n8n"
	"github.com/godmode-console/godmode/ui/common"
	"github.com/godmode-console/godmode/ui/uitest"
	"github.com/godmode-console/godmode/ui/views/blueprints"
)

// Values of florida the demo's workflows may not hold: a campaign set up
// by hand adds them, so the test decides on values it knows are proposed
// whatever else the demo's workflows carry.
const (
	floridaCred   = "PgFl0rida9"
	floridaSender = "sales@florida-roofing.com"
	floridaTable  = "leads_florida"
)

// handMade adds to florida a campaign whose workflow uses its leads table,
// a credential of its own and its sender address.
func handMade(t *testing.T, f *uitest.Fleet) {
	t.Helper()
	ws := f.Workspace("florida")
	srv := f.Seed.Servers["n8n-florida"]
	var nodes []n8n.Node
	if err := json.Unmarshal([]byte(`[
		{"id":"h1","name":"Pick Leads","type":"n8n-nodes-base.postgres","typeVersion":2,"position":[0,0],
		 "parameters":{"query":"SELECT * FROM `+floridaTable+` LIMIT 5"},"credentials":{"postgres":{"id":"`+floridaCred+`","name":"db"}}},
		{"id":"h2","name":"Send Mail","type":"n8n-nodes-base.gmail","typeVersion":2,"position":[200,0],
		 "parameters":{"sendTo":"={{ $json.email }}","message":"from `+floridaSender+`"}}]`), &nodes); err != nil {
		t.Fatal(err)
	}
	wf, err := srv.AddWorkflow(n8n.Workflow{Name: "Hand Made", Nodes: nodes, Connections: json.RawMessage(`{}`)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Store.CreateCampaign(context.Background(), db.NewCampaign{WorkspaceID: ws.ID, Name: "Hand Made", N8nWorkflowID: wf.ID, Status: model.CampaignPaused}); err != nil {
		t.Fatal(err)
	}
}

// slowKey presses a key whose work reads n8n or runs the detector (slow
// under -race on a loaded machine): its answer is waited for as long as
// it takes, up to 30 s, and what follows it is delivered as usual.
func slowKey(r *Root, k string) {
	msg := tea.KeyPressMsg{Code: tea.KeyEnter}
	if k != "enter" {
		msg = tea.KeyPressMsg{Code: rune(k[0]), Text: k}
	}
	_, cmd := r.Update(msg)
	deliverVault(r, cmd)
}

func deliverVault(r *Root, cmd tea.Cmd) {
	for _, msg := range uitest.Run(cmd, 30*time.Second) {
		switch unaddressed(msg).(type) {
		case spinner.TickMsg, cursor.BlinkMsg:
			continue
		}
		_, next := r.Update(msg)
		switch unaddressed(msg).(type) {
		case blueprints.ProposedMsg, blueprints.StoredMsg, blueprints.ImportedMsg:
			deliver(r, next) // the answer: what follows is quick (and a status line's timer is not waited for)
		default:
			deliverVault(r, next)
		}
	}
}

func press(r *Root, code rune) {
	_, cmd := r.Update(tea.KeyPressMsg{Code: code})
	deliver(r, cmd)
}

// openCapture goes to :blueprints, presses c, chooses florida and names
// the blueprint: the proposal screen reads n8n.
func openCapture(t *testing.T, r *Root, b *uitest.Backend, name string) {
	t.Helper()
	keys(r, ":blueprints", "enter")
	if r.topID() != "blueprints" {
		t.Fatalf(":blueprints opened %q", r.topID())
	}
	keys(r, "c")
	if r.topID() != blueprints.CaptureScreen {
		t.Fatalf("c opened %q, want the capture form", r.topID())
	}
	list, err := b.Workspaces(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	at := 0
	for _, w := range list {
		if w.InstanceID == nil || w.Status == model.WorkspaceArchived {
			continue
		}
		if w.Slug == "florida" {
			break
		}
		at++
	}
	for range at {
		press(r, tea.KeyDown)
	}
	keys(r, "enter")
	typeText(r, name)
	slowKey(r, "enter")
	if r.topID() != blueprints.ProposalScreen {
		t.Fatalf("the form led to %q, want the proposal", r.topID())
	}
}

// cursorTo moves the proposal's cursor onto the row of value.
func cursorTo(t *testing.T, r *Root, p model.CaptureProposal, from *int, value string) {
	t.Helper()
	for i, pv := range p.Variables {
		if pv.Value == value {
			for ; *from < i; *from++ {
				keys(r, "j")
			}
			for ; *from > i; *from-- {
				keys(r, "k")
			}
			return
		}
	}
	t.Fatalf("%s is not proposed: %+v", value, p.Variables)
}

// A capture from the console: c, a form (workspace, blueprint), the
// proposal read from n8n, one value kept (space), one renamed (e), a
// candidate taken (space), enter; the version stored follows the
// decisions exactly, whatever else was proposed.
func TestCaptureFromTheConsoleFollowsTheDecisions(t *testing.T) {
	t.Parallel()
	f := fleetFixture(t)
	handMade(t, f)
	b := f.AsSuper()
	r := newRoot(b, Options{})
	sized(r, 160, 45)
	deliver(r, r.Init())
	keys(r, ":blueprints", "enter")
	if footer := plain(r.footer()); !strings.Contains(footer, "c capture a workspace") || !strings.Contains(footer, "i import files") {
		t.Errorf("a super admin's footer on :blueprints: %q", footer)
	}
	keys(r, "esc")
	openCapture(t, r, b, "florida-template")
	screen := plain(r.Render())
	mustContain(t, screen, "capture florida into blueprint florida-template", "[x] YOUR_LEADS_TABLE", floridaTable,
		"[ ] YOUR_SENDER_EMAIL", floridaSender, "[x] YOUR_CREDENTIAL_POSTGRES_ID")

	// The proposal as the model makes it: the rows' order.
	p, err := b.ProposeCapture(context.Background(), "florida-template", "florida")
	if err != nil {
		t.Fatal(err)
	}
	at := 0
	cursorTo(t, r, p, &at, floridaCred)
	keys(r, "space")
	cursorTo(t, r, p, &at, floridaTable)
	keys(r, "e")
	for range len("YOUR_LEADS_TABLE") {
		press(r, tea.KeyBackspace)
	}
	typeText(r, "bad name")
	keys(r, "enter")
	mustContain(t, plain(r.Render()), `the variable name "bad name" is not YOUR_ then upper-case letters`)
	for range len("bad name") {
		press(r, tea.KeyBackspace)
	}
	typeText(r, "YOUR_FL_LEADS")
	keys(r, "enter")
	cursorTo(t, r, p, &at, floridaSender)
	keys(r, "space")
	mustContain(t, plain(r.Render()), "[ ] YOUR_CREDENTIAL_POSTGRES_ID", "[x] YOUR_FL_LEADS", "[x] YOUR_SENDER_EMAIL")
	slowKey(r, "enter")

	if r.topID() != "blueprints" {
		t.Fatalf("after enter the console shows %q, want :blueprints", r.topID())
	}
	if s := r.Status(); s.Level != common.Success || !strings.Contains(s.Text, "blueprint florida-template: version 1 stored, captured from florida (") {
		t.Errorf("status after the store: %+v", s)
	}
	mustContain(t, plain(r.Render()), "florida-template")

	v, err := b.BlueprintVersion(context.Background(), "florida-template@1")
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]map[string]bool{} // value -> names it became
	for _, s := range v.Substitutions {
		if names[s.Value] == nil {
			names[s.Value] = map[string]bool{}
		}
		names[s.Value][s.Name] = true
	}
	if len(names[floridaCred]) != 0 {
		t.Errorf("the kept credential id was replaced: %v", names[floridaCred])
	}
	if !names[floridaTable]["YOUR_FL_LEADS"] || names[floridaTable]["YOUR_LEADS_TABLE"] {
		t.Errorf("the renamed table became %v", names[floridaTable])
	}
	// The demo's florida has its own sender too, so which of the two is
	// YOUR_SENDER_EMAIL and which _2 is the proposal's to say.
	senderName := ""
	for _, pv := range p.Variables {
		if pv.Value == floridaSender {
			senderName = pv.Name
		}
	}
	if senderName == "" || !names[floridaSender][senderName] {
		t.Errorf("the sender taken, proposed as %q, became %v", senderName, names[floridaSender])
	}
	for _, pv := range p.Variables {
		for n := range names[pv.Value] {
			if pv.Value != floridaTable && (n != pv.Name || !pv.On && pv.Value != floridaSender) {
				t.Errorf("%s became %s, not decided so", pv.Value, n)
			}
		}
	}
	var rows []model.AuditEntry
	for _, e := range f.Audit() {
		if e.Action == model.AuditBlueprintCapture {
			rows = append(rows, e)
		}
	}
	if len(rows) != 1 || rows[0].Outcome != model.OutcomeOK || rows[0].ActorName != uitest.SuperEmail ||
		strings.Contains(string(rows[0].After), floridaSender) || strings.Contains(string(rows[0].After), floridaCred) {
		t.Errorf("capture rows %+v", rows)
	}
}

// esc on the proposal leaves it and stores nothing, decisions taken or
// not; the proposal fits 80×24 with the footer on screen.
func TestCaptureProposalEscStoresNothing(t *testing.T) {
	t.Parallel()
	f := fleetFixture(t)
	handMade(t, f)
	b := f.AsSuper()
	r := newRoot(b, Options{})
	sized(r, 80, 24)
	deliver(r, r.Init())
	fits80x24(t, r, "the capture form", ":blueprints", "enter", "c")
	keys(r, "esc")
	fits80x24(t, r, "the import form", "i")
	keys(r, "esc")
	openCapture(t, r, b, "florida-template")
	lines := strings.Split(plain(r.Render()), "\n")
	if len(lines) > 24 || !strings.Contains(lines[len(lines)-1], "esc") || !strings.Contains(plain(r.Render()), "[x] YOUR_") {
		t.Errorf("the proposal at 80×24 draws %d lines:\n%s", len(lines), strings.Join(lines, "\n"))
	}
	for _, l := range lines {
		if w := len([]rune(l)); w > 80 {
			t.Errorf("a line of %d cells: %q", w, l)
		}
	}
	keys(r, "space", "j", "space", "esc")
	if r.topID() != "blueprints" || r.Status().Text != "capture cancelled: nothing was stored" {
		t.Fatalf("after esc: %q, status %+v", r.topID(), r.Status())
	}
	if list, err := b.Blueprints(context.Background()); err != nil || hasBlueprint(list, "florida-template") {
		t.Fatalf("blueprints after esc: %+v %v", list, err)
	}
	for _, e := range f.Audit() {
		if e.Action == model.AuditBlueprintCapture {
			t.Errorf("a cancelled capture reached the record: %+v", e)
		}
	}
}

// fits80x24 types ks and checks the screen they lead to keeps its footer
// (with esc) on a terminal of 80×24.
func fits80x24(t *testing.T, r *Root, what string, ks ...string) {
	t.Helper()
	keys(r, ks...)
	lines := strings.Split(plain(r.Render()), "\n")
	if len(lines) > 24 || !strings.Contains(lines[len(lines)-1], "esc") {
		t.Errorf("%s at 80×24 draws %d lines:\n%s", what, len(lines), strings.Join(lines, "\n"))
	}
}

// A read that n8n refuses says so and what to do; nothing is stored. Read
// again, it is stored; the same capture again is no new version.
func TestCaptureProposalSaysWhenN8nIsDown(t *testing.T) {
	t.Parallel()
	f := fleetFixture(t)
	b := f.AsSuper()
	r := newRoot(b, Options{})
	sized(r, 160, 45)
	deliver(r, r.Init())
	f.Seed.Servers["n8n-florida"].FailNext(1000, 503)
	openCapture(t, r, b, "florida-template")
	mustContain(t, plain(r.Render()), "nothing was read, nothing stored:", "check the instance on :instances, then read again (r)")
	f.Seed.Servers["n8n-florida"].ClearFaults()
	slowKey(r, "r")
	mustContain(t, plain(r.Render()), "[x] YOUR_WORKSPACE_SLUG")

	// As proposed, twice: the second capture is the same content.
	slowKey(r, "enter")
	if s := r.Status().Text; !strings.HasPrefix(s, "blueprint florida-template: version 1 stored") {
		t.Fatalf("first capture: %q", s)
	}
	openCapture(t, r, b, "florida-template")
	slowKey(r, "enter")
	if s := r.Status().Text; !strings.HasPrefix(s, "blueprint florida-template: unchanged: same as v1 (") {
		t.Fatalf("second capture: %q", s)
	}
}

// Neither a viewer nor a read-only super admin is offered c or i; the
// read-only one pressing them is refused on screen and by the model,
// which records both attempts.
func TestCaptureAndImportNotOfferedWhereRefused(t *testing.T) {
	t.Parallel()
	f := fleetFixture(t)
	viewer := f.Member("florida", model.RoleViewer)
	r := newRoot(f.As(viewer), Options{})
	sized(r, 160, 45)
	deliver(r, r.Init())
	keys(r, ":blueprints", "enter", "c")
	if r.topID() != "fleet" || strings.Contains(plain(r.footer()), "capture") {
		t.Errorf("a viewer reached %q, footer %q", r.topID(), plain(r.footer()))
	}

	rof := uitest.New(t, uitest.Options{Workspaces: 2, ReadOnly: true})
	ro := newRoot(rof.AsSuper(), Options{ReadOnly: true})
	sized(ro, 160, 45)
	deliver(ro, ro.Init())
	keys(ro, ":blueprints", "enter")
	if footer := plain(ro.footer()); strings.Contains(footer, "capture") || strings.Contains(footer, "import") {
		t.Errorf("a read-only session is offered c or i: %q", footer)
	}
	for _, k := range []string{"c", "i"} {
		keys(ro, k)
		if ro.topID() != "blueprints" || !strings.HasPrefix(ro.Status().Text, "refused: read-only session") {
			t.Errorf("%s in a read-only session: %q, %+v", k, ro.topID(), ro.Status())
		}
	}
	for _, action := range []string{model.AuditBlueprintCapture, model.AuditBlueprintImport} {
		if rows := failedRows(rof.Audit(), uitest.SuperEmail, action); len(rows) != 1 || !strings.Contains(rows[0].Error, "read-only") {
			t.Errorf("%s: refused rows %+v", action, rows)
		}
	}

	// A session over SSH captures but does not import: the files would
	// be the server's.
	remote := f.AsSuper()
	remote.RefuseHostFiles("importing files is off over SSH")
	rs := newRoot(remote, Options{})
	sized(rs, 160, 45)
	deliver(rs, rs.Init())
	keys(rs, ":blueprints", "enter")
	if footer := plain(rs.footer()); !strings.Contains(footer, "c capture") || strings.Contains(footer, "import") {
		t.Errorf("an SSH session's footer: %q", footer)
	}
	keys(rs, "i")
	if rs.topID() != "blueprints" || rs.Status().Text != "refused: importing files is off over SSH" {
		t.Errorf("i over SSH: %q, %+v", rs.topID(), rs.Status())
	}
	if rows := failedRows(f.Audit(), uitest.SuperEmail, model.AuditBlueprintImport); len(rows) != 1 || !strings.Contains(rows[0].Error, "off over SSH") {
		t.Errorf("refused import rows %+v", rows)
	}
}

// i imports a directory on this host: the report names what was found and
// every warning by file; a secret is refused naming file, node and field,
// and the console says the exception is the CLI's.
func TestImportFromTheConsole(t *testing.T) {
	t.Parallel()
	f := fleetFixture(t)
	b := f.AsSuper()
	r := newRoot(b, Options{})
	sized(r, 160, 45)
	deliver(r, r.Init())
	keys(r, ":blueprints", "enter", "i")
	if r.topID() != blueprints.ImportScreen {
		t.Fatalf("i opened %q", r.topID())
	}
	dir, _ := filepath.Abs("../model/blueprint/testdata/base")
	typeText(r, "base-cold-email")
	keys(r, "enter")
	typeText(r, dir)
	slowKey(r, "enter")
	if r.topID() != blueprints.ImportingScreen {
		t.Fatalf("the form led to %q", r.topID())
	}
	s := plain(r.Render())
	mustContain(t, s, "import into blueprint base-cold-email", "version 1 stored: 6 workflow(s), 141 nodes", "warning(s):",
		"file Email 1.json: dropped top-level fields n8n's create call rejects")
	if st := r.Status(); st.Level != common.Success || st.Text != "blueprint base-cold-email: version 1 stored" {
		t.Errorf("status: %+v", st)
	}
	keys(r, "esc")
	if r.topID() != "blueprints" || !strings.Contains(plain(r.Render()), "base-cold-email") {
		t.Fatalf("after esc: %q\n%s", r.topID(), plain(r.Render()))
	}

	// The same files again: no new version.
	keys(r, "i")
	typeText(r, "base-cold-email")
	keys(r, "enter")
	typeText(r, dir)
	slowKey(r, "enter")
	mustContain(t, plain(r.Render()), "unchanged: same as v1")
	keys(r, "esc")

	secretDir := t.TempDir()
	wf := `{"name":"Leaky","nodes":[{"id":"1","name":"Call API","type":"n8n-nodes-base.httpRequest","typeVersion":4,"position":[0,0],
		"parameters":{"url":"https://api.openai.com/v1/x","headerParameters":{"parameters":[{"name":"Authorization","value":"Bearer sk-proj-` + strings.Repeat("Zx9Qw8Er7T", 5) + `"}]}}}],"connections":{}}`
	if err := os.WriteFile(filepath.Join(secretDir, "leaky.json"), []byte(wf), 0o600); err != nil {
		t.Fatal(err)
	}
	keys(r, "i")
	typeText(r, "leaky")
	keys(r, "enter")
	typeText(r, secretDir)
	slowKey(r, "enter")
	s = plain(r.Render())
	mustContain(t, s, "refused, nothing stored:", "file leaky.json", `node "Call API"`, "parameters.headerParameters.parameters[0].value",
		"godmode blueprint import --allow-secret NODE:FIELD leaky FILE…")
	if strings.Contains(s, "Zx9Qw8Er7T") {
		t.Errorf("the secret is on screen:\n%s", s)
	}
	if list, _ := b.Blueprints(context.Background()); hasBlueprint(list, "leaky") || !hasBlueprint(list, "base-cold-email") {
		t.Errorf("blueprints after the refusal: %+v", list)
	}
}

// A secret in a live workflow refuses the capture at once, named by node
// and field, masked, with what to do.
func TestCaptureProposalRefusesASecret(t *testing.T) {
	t.Parallel()
	f := fleetFixture(t)
	key := "sk-proj-" + strings.Repeat("Qw3rTy8uIo", 5)
	var nodes []n8n.Node
	if err := json.Unmarshal([]byte(`[{"id":"s1","name":"Call AI","type":"n8n-nodes-base.httpRequest","typeVersion":4,"position":[0,0],
		"parameters":{"url":"https://api.openai.com/v1/x","headerParameters":{"parameters":[{"name":"Authorization","value":"Bearer `+key+`"}]}}}]`), &nodes); err != nil {
		t.Fatal(err)
	}
	wf, err := f.Seed.Servers["n8n-florida"].AddWorkflow(n8n.Workflow{Name: "Leaky", Nodes: nodes, Connections: json.RawMessage(`{}`)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Store.CreateCampaign(context.Background(), db.NewCampaign{WorkspaceID: f.Workspace("florida").ID, Name: "Leaky", N8nWorkflowID: wf.ID, Status: model.CampaignPaused}); err != nil {
		t.Fatal(err)
	}
	b := f.AsSuper()
	r := newRoot(b, Options{})
	sized(r, 160, 45)
	deliver(r, r.Init())
	openCapture(t, r, b, "florida-template")
	s := plain(r.Render())
	mustContain(t, s, "nothing was read, nothing stored:", "file Leaky.json", `node "Call AI"`, "parameters.headerParameters.parameters[0].value",
		"remove the secret from the workflow in n8n")
	if strings.Contains(s, "Qw3rTy8uIo") {
		t.Errorf("the secret is on screen:\n%s", s)
	}
	if rows := failedRows(f.Audit(), uitest.SuperEmail, model.AuditBlueprintCapture); len(rows) != 1 || strings.Contains(rows[0].Error, "Qw3rTy8uIo") {
		t.Errorf("refused capture rows %+v", rows)
	}
}

// hasBlueprint says whether the vault lists name (the demo seeds a
// blueprint of its own, so counts say nothing).
func hasBlueprint(list []model.BlueprintSummary, name string) bool {
	for _, b := range list {
		if b.Name == name {
			return true
		}
	}
	return false
}

// + adds a value the proposal did not offer (what --tokenize is on the
// command line): it is placed where it occurs and stored as a variable; a
// value found nowhere, or one proposed already, is refused on the screen
// and changes nothing.
func TestCaptureProposalAddsAValue(t *testing.T) {
	t.Parallel()
	f := fleetFixture(t)
	handMade(t, f)
	b := f.AsSuper()
	r := newRoot(b, Options{})
	sized(r, 160, 45)
	deliver(r, r.Init())
	openCapture(t, r, b, "florida-added")
	before := strings.Count(plain(r.Render()), "place(s) in")

	typeText(r, "+")
	typeText(r, "no such value anywhere=YOUR_NOWHERE")
	keys(r, "enter")
	mustContain(t, plain(r.Render()), `"no such value anywhere" occurs nowhere in the workflows read`)
	keys(r, "esc")
	typeText(r, "+")
	typeText(r, floridaTable+"=YOUR_TABLE_AGAIN")
	keys(r, "enter")
	mustContain(t, plain(r.Render()), "is proposed already, as YOUR_LEADS_TABLE: rename it there (e)")
	keys(r, "esc")
	if n := strings.Count(plain(r.Render()), "place(s) in"); n != before {
		t.Fatalf("a refused value changed the proposal: %d rows, were %d", n, before)
	}

	typeText(r, "+")
	typeText(r, "LIMIT 5=YOUR_LEAD_LIMIT")
	for _, l := range strings.Split(plain(r.Render()), "\n") {
		if strings.Contains(l, "VALUE=YOUR_NAME: ") && strings.Contains(l, "…") {
			t.Errorf("the input runs past the pane: %q", l)
		}
	}
	keys(r, "enter")
	mustContain(t, plain(r.Render()), "[x] YOUR_LEAD_LIMIT", "1 place(s) in 1 workflow(s)", "added by you: Hand Made / Pick Leads: parameters.query")
	slowKey(r, "enter")
	v, err := b.BlueprintVersion(context.Background(), "florida-added@1")
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, s := range v.Substitutions {
		if s.Name == "YOUR_LEAD_LIMIT" {
			found = s.Value == "LIMIT 5" && s.Node == "Pick Leads" && s.Path == "parameters.query"
		}
	}
	if !found {
		t.Fatalf("the added value is not a variable of the stored version: %+v", v.Substitutions)
	}
}
