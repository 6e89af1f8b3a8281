package ui

import (
	"context"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/godmode-console/godmode/db/demofleet"
	"github.com/godmode-console/godmode/model"
	"github.com/godmode-console/godmode/model/blueprint"
	"github.com/godmode-console/godmode/model/blueprint/detect"
	"github.com/godmode-console/godmode/n8n"
	"github.com/godmode-console/godmode/ui/uitest"
	"github.com/godmode-console/godmode/ui/views/fleet"
	"github.com/godmode-console/godmode/ui/views/provision"
)

// provisionFixture is the fleet up to idaho, which awaits setup on the
// shared instance; the vault holds demo-cold-email v1 and v2 (v2's
// webhooks behind header auth: one credential slot).
func provisionFixture(t *testing.T) *uitest.Fleet {
	t.Helper()
	return uitest.New(t, uitest.Options{Workspaces: 13})
}

// onIdaho is the console with the cursor on idaho.
func onIdaho(t *testing.T, f *uitest.Fleet, b *uitest.Backend, o Options, w, h int) *Root {
	t.Helper()
	r := newRoot(b, o)
	sized(r, w, h)
	deliver(r, r.Init())
	deliver(r, r.Fleet().SelectWorkspace(f.Workspace(demofleet.ProvisionWorkspace).ID))
	return r
}

// The wizard from the workspace to an active workspace: p on idaho, the
// target shown, v2 chosen, its variables and its credential typed (the
// secret masked), the preview, the apply; the fleet comes back on idaho
// with its campaigns, the secret reached n8n's credential and no screen
// showed it.
func TestProvisionWizardTakesAWorkspaceToActive(t *testing.T) {
	t.Parallel()
	f := provisionFixture(t)
	r := onIdaho(t, f, f.AsSuper(), Options{}, 160, 45)
	if fleet.ProvisionScreen != provision.Screen {
		t.Fatalf("p opens %q, the wizard is registered as %q", fleet.ProvisionScreen, provision.Screen)
	}
	mustContain(t, plain(r.footer()), "p provision")
	const secret = "wiz-s3cret-Value-42"
	var screens []string
	look := func() string {
		s := plain(r.Render())
		screens = append(screens, s)
		return s
	}
	keys(r, "p")
	if r.topID() != provision.Screen {
		t.Fatalf("p opened %q, want the wizard", r.topID())
	}
	mustContain(t, look(), "step 1/6 workspace", "idaho · Idaho Landscaping", "status: awaiting setup", "legacy-shared, shared with other workspaces")
	keys(r, "enter")
	mustContain(t, look(), "Blueprint and version", "demo-cold-email@v2 (latest)", "demo-cold-email@v1")
	keys(r, "enter")
	mustContain(t, look(), "step 3/6 variables", "YOUR_LEADS_TABLE", "YOUR_SENDER_EMAIL")
	if s := look(); strings.Contains(s, "YOUR_WORKSPACE_SLUG") || strings.Contains(s, demofleet.SlotWebhookAuth) {
		t.Errorf("the variables step asks for the slug or the credential slot:\n%s", s)
	}
	typeText(r, "leads_idaho")
	keys(r, "enter")
	typeText(r, "hello@idaho.example.com")
	keys(r, "enter")
	mustContain(t, look(), "step 4/6 credentials", "Credential "+demofleet.SlotWebhookAuth, "create a new httpHeaderAuth credential")
	keys(r, "enter") // a new one
	mustContain(t, look(), "New httpHeaderAuth credential", "Name in n8n", "value")
	keys(r, "enter") // the name n8n shows, as proposed
	typeText(r, "X-Idaho-Key")
	keys(r, "enter")
	typeText(r, secret)
	if s := look(); !strings.Contains(s, "> "+strings.Repeat("*", len(secret))) {
		t.Errorf("the secret field does not mask what is typed:\n%s", s)
	}
	keys(r, "enter")
	s := look()
	for i := 0; i < 10 && strings.Contains(s, "more line(s)"); i++ {
		keys(r, "space") // a page down
		s += look()
	}
	mustContain(t, s, "step 5/6 preview", "activate: yes", "values masked", "leads_idaho",
		"n8n calls, in order", "1. create_credential credential:"+demofleet.SlotWebhookAuth, "create_workflow workflow:Opt-Out.json", "record_campaign workflow:Opt-Out.json")
	keys(r, "enter")
	s = look()
	mustContain(t, s, "workspace idaho is active")
	keys(r, "enter")
	if r.topID() != "fleet" {
		t.Fatalf("after the apply the console shows %q, want the fleet", r.topID())
	}
	if w, ok := r.Fleet().SelectedWorkspace(); !ok || w.Slug != "idaho" || w.Status != model.WorkspaceActive {
		t.Fatalf("the fleet came back on %+v, want idaho active", w)
	}
	s = look()
	mustContain(t, s, "Campaigns of idaho", "Email 1", "Opt-Out")
	for i, sc := range screens {
		if strings.Contains(sc, secret) {
			t.Errorf("screen %d shows the secret:\n%s", i, sc)
		}
	}
	// The secret is n8n's: idaho's webhook takes the header it guards.
	srv := f.N8n("idaho")
	url := srv.URL + "/webhook/idaho/idaho-opt-out"
	for value, want := range map[string]int{secret: 200, "wrong": 403} {
		req, _ := http.NewRequestWithContext(context.Background(), http.MethodPost, url, strings.NewReader(`{"email_address":"a@b.c"}`))
		req.Header.Set("X-Idaho-Key", value)
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("POST %s with the header %s: %d, want %d", url, map[bool]string{true: "typed", false: "wrong"}[value == secret], resp.StatusCode, want)
		}
	}
}

// fillIdaho goes through the wizard to its preview, typing secret into
// the new credential's value.
func fillIdaho(t *testing.T, r *Root, secret string) {
	t.Helper()
	keys(r, "p", "enter", "enter")
	typeText(r, "leads_idaho")
	keys(r, "enter")
	typeText(r, "hello@idaho.example.com")
	keys(r, "enter", "enter", "enter")
	typeText(r, "X-Idaho-Key")
	keys(r, "enter")
	typeText(r, secret)
	keys(r, "enter")
	mustContain(t, plain(r.Render()), "step 5/6 preview")
}

// esc steps back one step at a time, keeping what was typed, and leaves
// from the first: nothing is applied, nothing reaches n8n.
func TestProvisionWizardEscStepsBackAndAppliesNothing(t *testing.T) {
	t.Parallel()
	f := provisionFixture(t)
	r := onIdaho(t, f, f.AsSuper(), Options{}, 160, 45)
	srv := f.N8n("idaho")
	before, creds := srv.WorkflowCount(), len(srv.Credentials())
	fillIdaho(t, r, "esc-secret-1")
	mustContain(t, plain(r.Render()), "activate: yes")
	keys(r, "a") // activation off: planned again
	mustContain(t, plain(r.Render()), "activate: no (workflows stay inactive)")
	keys(r, "esc")
	mustContain(t, plain(r.Render()), "step 4/6 credentials", "Credential "+demofleet.SlotWebhookAuth)
	keys(r, "enter")
	mustContain(t, plain(r.Render()), "> X-Idaho-Key") // kept
	keys(r, "esc")
	mustContain(t, plain(r.Render()), "step 3/6 variables", "> leads_idaho", "> hello@idaho.example.com")
	keys(r, "esc")
	mustContain(t, plain(r.Render()), "step 2/6 blueprint")
	keys(r, "esc")
	mustContain(t, plain(r.Render()), "step 1/6 workspace")
	keys(r, "esc")
	if r.topID() != "fleet" {
		t.Fatalf("esc on the first step shows %q, want the fleet", r.topID())
	}
	if st := r.Status(); !strings.Contains(st.Text, "nothing was applied") {
		t.Errorf("status after leaving: %+v", st)
	}
	if ws := f.Workspace("idaho"); ws.Status != model.WorkspaceAwaitingSetup {
		t.Errorf("idaho is %s after leaving the wizard", ws.Status)
	}
	if srv.WorkflowCount() != before || len(srv.Credentials()) != creds {
		t.Errorf("n8n changed: %d workflows (was %d), %d credentials (was %d)", srv.WorkflowCount(), before, len(srv.Credentials()), creds)
	}
}

// A run that fails says so with the run and what to do (resume, roll
// back), and the secret still shows nowhere.
func TestProvisionWizardFailedRunSaysResumeOrRollback(t *testing.T) {
	t.Parallel()
	f := provisionFixture(t)
	r := onIdaho(t, f, f.AsSuper(), Options{}, 160, 45)
	const secret = "fail-secret-77"
	fillIdaho(t, r, secret)
	f.N8n("idaho").FailNextWrite(1, 500) // the credential's create
	keys(r, "enter")
	s := plain(r.Render())
	mustContain(t, s, "the run stopped at step 1/33", "godmode provision --resume", "godmode provision --rollback")
	if strings.Contains(s, secret) {
		t.Errorf("the failure shows the secret:\n%s", s)
	}
	runs, err := f.Console.ProvisionRuns(context.Background(), f.Super(), "idaho")
	if err != nil || len(runs) != 1 {
		t.Fatalf("runs of idaho: %v %v", runs, err)
	}
	mustContain(t, s, "--resume "+strconv.FormatInt(runs[0].ID, 10))
	keys(r, "esc")
	if r.topID() != "fleet" {
		t.Fatalf("esc after the failure shows %q", r.topID())
	}
}

// The wizard at 80×24: each step in the box, the footer's keys on screen.
func TestProvisionWizardAt80x24(t *testing.T) {
	t.Parallel()
	f := provisionFixture(t)
	r := onIdaho(t, f, f.AsSuper(), Options{}, 80, 24)
	check := func(step string) {
		t.Helper()
		s := plain(r.Render())
		lines := strings.Split(s, "\n")
		if len(lines) > 24 {
			t.Fatalf("%s: %d lines on a 24-line screen:\n%s", step, len(lines), s)
		}
		for _, l := range lines {
			if w := len([]rune(l)); w > 80 {
				t.Fatalf("%s: a line of %d cells:\n%s", step, w, s)
			}
		}
		mustContain(t, s, step, "esc ")
	}
	keys(r, "p")
	check("step 1/6 workspace")
	keys(r, "enter")
	check("step 2/6 blueprint")
	keys(r, "enter")
	check("step 3/6 variables")
	typeText(r, "leads_idaho")
	keys(r, "enter")
	typeText(r, "hello@idaho.example.com")
	keys(r, "enter", "enter", "enter")
	typeText(r, "X-Idaho-Key")
	keys(r, "enter")
	typeText(r, "small-secret")
	check("step 4/6 credentials")
	keys(r, "enter")
	check("step 5/6 preview")
}

// Only a super admin's read-write session is offered the wizard: a
// read-only one hides p and refuses :provision, saying why; an owner of
// the workspace is refused p, and the refusal is on the record.
func TestProvisionWizardRefusedOutsideASuperAdminsReadWriteSession(t *testing.T) {
	t.Parallel()
	f := provisionFixture(t)
	ro := onIdaho(t, f, f.AsSuper(), Options{ReadOnly: true}, 160, 45)
	if strings.Contains(plain(ro.footer()), "p provision") {
		t.Error("a read-only session offers p")
	}
	keys(ro, ":provision idaho", "enter")
	if ro.topID() != "fleet" || !strings.Contains(ro.Status().Text, "read-only") {
		t.Errorf(":provision in a read-only session: screen %q, status %+v", ro.topID(), ro.Status())
	}

	owner := f.Member("idaho", model.RoleOwner)
	r := onIdaho(t, f, f.As(owner), Options{}, 160, 45)
	if strings.Contains(plain(r.footer()), "p provision") {
		t.Error("an owner is offered p")
	}
	keys(r, "p")
	if r.topID() != "fleet" || !strings.Contains(r.Status().Text, "super admins only") {
		t.Errorf("p for an owner: screen %q, status %+v", r.topID(), r.Status())
	}
	found := false
	for _, e := range f.Audit() {
		found = found || (e.Action == model.ActionNameProvisionRead && e.Outcome == model.OutcomeFailed && e.ActorName == owner.Name)
	}
	if !found {
		t.Error("the owner's refused p is not on the record")
	}
}

// :provision SLUG opens the wizard on that workspace; an active one no
// run provisioned has nothing to re-apply: the wizard says so.
func TestProvisionCommandOpensTheWizard(t *testing.T) {
	t.Parallel()
	f := provisionFixture(t)
	r := onIdaho(t, f, f.AsSuper(), Options{}, 160, 45)
	keys(r, ":provision idaho", "enter")
	if r.topID() != provision.Screen {
		t.Fatalf(":provision idaho opened %q", r.topID())
	}
	mustContain(t, plain(r.Render()), "provision idaho · step 1/6", "Workspace and its n8n instance")
	keys(r, "esc")
	keys(r, ":provision", "enter") // the workspace under the cursor
	mustContain(t, plain(r.Render()), "provision idaho · step 1/6")
	keys(r, "esc")
	keys(r, ":provision texas", "enter")
	mustContain(t, plain(r.Render()), "workspace texas is active but no provisioning run of it succeeded: there is nothing to re-apply")
	keys(r, "esc")
	if r.topID() != "fleet" {
		t.Fatalf("esc on the refusal shows %q", r.topID())
	}
}

// A variable whose name says it is secret is a masked input.
func TestProvisionWizardMasksASecretVariable(t *testing.T) {
	t.Parallel()
	f := provisionFixture(t)
	srcs, err := blueprint.ReadSources([]string{"../model/genesis/testdata/base-optout"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := model.NewVault(f.Store, detect.Analyze, nil).ImportBlueprint(context.Background(), f.Super(), "base-cold-email", srcs, nil); err != nil {
		t.Fatal(err)
	}
	r := onIdaho(t, f, f.AsSuper(), Options{}, 160, 45)
	keys(r, "p", "enter")
	mustContain(t, plain(r.Render()), "> base-cold-email@v1 (latest)")
	keys(r, "enter")
	const secret = "apify-Secret-123"
	typeText(r, secret) // YOUR_APIFY_API_TOKEN, the first
	s := plain(r.Render())
	mustContain(t, s, "YOUR_APIFY_API_TOKEN", "secret (masked, never shown again)", "> "+strings.Repeat("*", len(secret)))
	if strings.Contains(s, secret) {
		t.Errorf("the secret variable shows what was typed:\n%s", s)
	}
}

// provisionedIdaho is idaho provisioned through the wizard (v2, the
// sender hello@idaho.example.com), the console back on the fleet.
func provisionedIdaho(t *testing.T, w, h int) (*uitest.Fleet, *Root) {
	t.Helper()
	f := provisionFixture(t)
	r := onIdaho(t, f, f.AsSuper(), Options{}, 160, 45)
	fillIdaho(t, r, "reapply-secret-9")
	keys(r, "enter")
	mustContain(t, plain(r.Render()), "workspace idaho is active")
	keys(r, "enter")
	if r.topID() != "fleet" {
		t.Fatalf("after the first run the console shows %q", r.topID())
	}
	sized(r, w, h)
	return f, r
}

// clearField empties the text field that has the cursor (ctrl+u).
func clearField(r *Root) {
	_, cmd := r.Update(tea.KeyPressMsg{Code: 'u', Mod: tea.ModCtrl})
	deliver(r, cmd)
}

// previewText is the whole preview, paged down to its end.
func previewText(r *Root) string {
	s := plain(r.Render())
	for i := 0; i < 20 && strings.Contains(plain(r.Render()), "more line(s)"); i++ {
		keys(r, "space")
		s += plain(r.Render())
	}
	return s
}

// workflowIDs are idaho's campaigns' n8n workflow ids, by campaign.
func workflowIDs(t *testing.T, f *uitest.Fleet) map[string]string {
	t.Helper()
	cs, err := f.Store.Campaigns(context.Background(), f.Workspace("idaho").ID)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, c := range cs {
		out[c.Name] = c.N8nWorkflowID
	}
	return out
}

// senderCampaign is the first campaign of idaho (by name) whose workflow
// holds the sender's address, and that workflow's id.
func senderCampaign(t *testing.T, f *uitest.Fleet, sender string) (string, string) {
	t.Helper()
	srv := f.N8n("idaho")
	ids := workflowIDs(t, f)
	names := make([]string, 0, len(ids))
	for name := range ids {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		id := ids[name]
		wf, ok := srv.Workflow(id)
		if !ok {
			t.Fatalf("campaign %s: workflow %s is not in n8n", name, id)
		}
		for _, n := range wf.Nodes {
			if n.Name == "Email Sender" && strings.Contains(string(n.Parameters), sender) {
				return name, id
			}
		}
	}
	t.Fatalf("no workflow of idaho sends as %s", sender)
	return "", ""
}

// reopenWithSender opens the wizard on idaho again and goes to its preview
// with the sender changed to sender (every other answer as prefilled).
func reopenWithSender(t *testing.T, r *Root, sender string) {
	t.Helper()
	keys(r, ":provision idaho", "enter")
	keys(r, "enter", "enter")
	mustContain(t, plain(r.Render()), "step 3/6 variables", "> leads_idaho", "> hello@idaho.example.com")
	keys(r, "enter") // the leads table, as last run
	clearField(r)
	typeText(r, sender)
	keys(r, "enter")
	mustContain(t, plain(r.Render()), "step 4/6 credentials", "keep the one an earlier run created")
	keys(r, "enter")
	mustContain(t, plain(r.Render()), "step 5/6 preview")
}

// On an active workspace the wizard opens on what the last run applied:
// its version preselected, its values prefilled, its credential kept; a
// changed value is re-applied in place, the workflows keeping their ids.
func TestProvisionWizardReappliesAChangedValueInPlace(t *testing.T) {
	t.Parallel()
	f, r := provisionedIdaho(t, 160, 45)
	before := workflowIDs(t, f)
	camp, _ := senderCampaign(t, f, "hello@idaho.example.com")
	keys(r, ":provision idaho", "enter")
	mustContain(t, plain(r.Render()), "step 1/6 workspace", "status: active", "last provisioned by run", "from demo-cold-email@v2")
	keys(r, "enter")
	mustContain(t, plain(r.Render()), "> demo-cold-email@v2", "the version run")
	keys(r, "esc", "esc")
	reopenWithSender(t, r, "sales@idaho.example.com")
	s := previewText(r)
	mustContain(t, s, "re-apply of demo-cold-email@v2 to idaho (active)", "workflows beside what is live in n8n",
		"(campaign \""+camp+"\"): updated in place (n8n workflow "+before[camp]+")",
		"node \"Email Sender\" differs from n8n at parameters.jsCode", "sales@idaho.example.com", ": unchanged", "update_workflow workflow:", "record_campaign workflow:")
	if strings.Contains(s, "create_workflow") || strings.Contains(s, "EDITED") {
		t.Errorf("the re-apply's preview creates a workflow or sees an edit:\n%s", s)
	}
	keys(r, "enter")
	mustContain(t, plain(r.Render()), "workspace idaho is active", "done")
	if after := workflowIDs(t, f); len(after) != len(before) {
		t.Errorf("campaigns after the re-apply: %v, before %v", after, before)
	} else {
		for name, id := range before {
			if after[name] != id {
				t.Errorf("campaign %s: workflow %s after the re-apply, was %s", name, after[name], id)
			}
		}
	}
	if name, _ := senderCampaign(t, f, "sales@idaho.example.com"); name != camp {
		t.Errorf("the new sender is in %s, want %s", name, camp)
	}
	_, last, err := f.Store.LastSucceededRun(context.Background(), f.Workspace("idaho").ID)
	if err != nil || last.Values["YOUR_SENDER_EMAIL"] != "sales@idaho.example.com" {
		t.Errorf("the re-apply's recorded values: %v %v, want the new sender", last.Values, err)
	}
}

// Nothing changed: the preview says so and no apply is offered (enter
// sends nothing).
func TestProvisionWizardReapplyUnchangedOffersNoApply(t *testing.T) {
	t.Parallel()
	f, r := provisionedIdaho(t, 160, 45)
	runs := func() int {
		rs, err := f.Console.ProvisionRuns(context.Background(), f.Super(), "idaho")
		if err != nil {
			t.Fatal(err)
		}
		return len(rs)
	}
	n := runs()
	writes := f.N8n("idaho").Writes()
	reopenWithSender(t, r, "hello@idaho.example.com")
	s := previewText(r)
	mustContain(t, s, "0 n8n call(s)", "unchanged: the workspace already holds what this plan makes; nothing to apply")
	if strings.Contains(s, "updated in place") {
		t.Errorf("an unchanged re-apply updates a workflow:\n%s", s)
	}
	if strings.Contains(plain(r.footer()), "apply") {
		t.Errorf("the footer offers apply on an unchanged plan: %s", plain(r.footer()))
	}
	keys(r, "enter")
	mustContain(t, plain(r.Render()), "step 5/6 preview")
	if runs() != n || f.N8n("idaho").Writes() != writes {
		t.Errorf("enter on an unchanged plan: %d runs (was %d), %d n8n writes (was %d)", runs(), n, f.N8n("idaho").Writes(), writes)
	}
}

// editInN8n adds a node to workflow id "inside n8n".
func editInN8n(t *testing.T, f *uitest.Fleet, id string) {
	t.Helper()
	if err := f.N8n("idaho").Edit(id, func(wf *n8n.Workflow) {
		wf.Nodes = append(wf.Nodes, n8n.Node{Name: "Added in n8n", Type: "n8n-nodes-base.noOp", TypeVersion: 1, Position: []float64{0, 0}})
	}); err != nil {
		t.Fatal(err)
	}
}

func hasNode(t *testing.T, f *uitest.Fleet, id, node string) bool {
	t.Helper()
	wf, ok := f.N8n("idaho").Workflow(id)
	if !ok {
		t.Fatalf("workflow %s is not in n8n", id)
	}
	for _, n := range wf.Nodes {
		if n.Name == node {
			return true
		}
	}
	return false
}

// A workflow edited in n8n since the last run is marked in the preview;
// apply asks, naming its campaign; no goes back to the preview with
// nothing sent; yes overwrites the edit.
func TestProvisionWizardReapplyAsksBeforeOverwritingAnEditInN8n(t *testing.T) {
	t.Parallel()
	f, r := provisionedIdaho(t, 160, 45)
	camp, id := senderCampaign(t, f, "hello@idaho.example.com")
	editInN8n(t, f, id)
	reopenWithSender(t, r, "sales@idaho.example.com")
	s := previewText(r)
	mustContain(t, s, "(campaign \""+camp+"\"): updated in place", "EDITED in n8n since the last run: applying overwrites it", "only in n8n: node \"Added in n8n\"",
		"node \"Email Sender\" differs from n8n at parameters.jsCode")
	writes := f.N8n("idaho").Writes()
	keys(r, "enter")
	s = plain(r.Render())
	mustContain(t, s, "edited in n8n since the last run: campaign(s) \""+camp+"\"", "Overwrite them?", "y overwrite")
	keys(r, "n")
	if s := plain(r.Render()); !strings.Contains(s, "step 5/6 preview") || strings.Contains(s, "Overwrite them?") {
		t.Fatalf("n did not go back to the preview:\n%s", s)
	}
	if f.N8n("idaho").Writes() != writes || !hasNode(t, f, id, "Added in n8n") {
		t.Fatalf("no sent something: %d n8n writes (was %d); the edit kept: %v", f.N8n("idaho").Writes(), writes, hasNode(t, f, id, "Added in n8n"))
	}
	keys(r, "enter")
	mustContain(t, plain(r.Render()), "Overwrite them?")
	keys(r, "y")
	mustContain(t, plain(r.Render()), "workspace idaho is active", "done")
	if hasNode(t, f, id, "Added in n8n") {
		t.Error("yes did not overwrite the edit made in n8n")
	}
	if name, nid := senderCampaign(t, f, "sales@idaho.example.com"); name != camp || nid != id {
		t.Errorf("the new sender is in %s (%s), want %s (%s)", name, nid, camp, id)
	}
}

// An edit made in n8n between the preview and the apply: the model
// refuses, the wizard shows it and asks the same way.
func TestProvisionWizardReapplyAsksOnAnEditAfterThePreview(t *testing.T) {
	t.Parallel()
	f, r := provisionedIdaho(t, 160, 45)
	camp, id := senderCampaign(t, f, "hello@idaho.example.com")
	reopenWithSender(t, r, "sales@idaho.example.com")
	if s := previewText(r); strings.Contains(s, "EDITED") {
		t.Fatalf("an edit before there was one:\n%s", s)
	}
	editInN8n(t, f, id)
	keys(r, "enter")
	s := plain(r.Render())
	mustContain(t, s, "were edited in n8n since the last run", "edited in n8n since the last run: campaign(s) \""+camp+"\"", "Overwrite them?")
	keys(r, "esc")
	mustContain(t, plain(r.Render()), "step 5/6 preview")
	if !hasNode(t, f, id, "Added in n8n") {
		t.Fatal("esc on the question overwrote the edit")
	}
	keys(r, "enter") // the preview as shown had no edit: the model refuses again
	mustContain(t, plain(r.Render()), "Overwrite them?")
	keys(r, "y")
	mustContain(t, plain(r.Render()), "workspace idaho is active", "done")
	if hasNode(t, f, id, "Added in n8n") {
		t.Error("yes did not overwrite the edit made in n8n")
	}
}

// The re-apply at 80×24: its preview and its question fit.
func TestProvisionWizardReapplyAt80x24(t *testing.T) {
	t.Parallel()
	f, r := provisionedIdaho(t, 80, 24)
	_, id := senderCampaign(t, f, "hello@idaho.example.com")
	editInN8n(t, f, id)
	check := func(what string, want ...string) {
		t.Helper()
		s := plain(r.Render())
		lines := strings.Split(s, "\n")
		if len(lines) > 24 {
			t.Fatalf("%s: %d lines on a 24-line screen:\n%s", what, len(lines), s)
		}
		for _, l := range lines {
			if w := len([]rune(l)); w > 80 {
				t.Fatalf("%s: a line of %d cells:\n%s", what, w, s)
			}
		}
		mustContain(t, s, want...)
	}
	keys(r, ":provision idaho", "enter")
	check("target", "step 1/6 workspace", "last provisioned by run")
	keys(r, "esc")
	reopenWithSender(t, r, "sales@idaho.example.com")
	check("preview", "step 5/6 preview", "re-apply of", "enter apply")
	keys(r, "enter")
	check("question", "Overwrite them?", "y overwrite", "n/esc back to the preview")
	if f := plain(r.footer()); strings.Contains(f, "back to fleet") {
		t.Errorf("the question's footer says esc goes back to the fleet: %s", f)
	}
}
