package model_test

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/godmode-console/godmode/db"
	"github.com/godmode-console/godmode/db/dbtest"
	"github.com/godmode-console/godmode/db/demofleet"
	"github.com/godmode-console/godmode/model"
	"github.com/godmode-console/godmode/model/blueprint"
	"github.com/godmode-console/godmode/model/blueprint/detect"
	"github.com/godmode-console/godmode/n8n"
)

// Must show 2: a workspace set up from the imported blueprint by hand (its
// values typed in where the template has YOUR_* tokens) is captured; the
// captured version has the workspace's slug, its leads_<slug> table and its
// sender address as variables, and the diff against the imported version
// is only where a substitution happened.
func TestCaptureTurnsTheWorkspacesValuesIntoVariables(t *testing.T) {
	w := newWorld(t)
	v := model.NewVault(w.store, nil, nil)
	imported, err := v.ImportBlueprint(w.ctx, w.super, "base-cold-email", baseSources(t), nil)
	if err != nil {
		t.Fatal(err)
	}

	// "Ohio" as an operator sets it up today: the template's tokens
	// replaced by the workspace's values, the workflows created in n8n.
	render := []blueprint.Token{{Value: "YOUR_LEADS_TABLE", Name: "leads_ohio"}, {Value: "YOUR_SENDER_EMAIL", Name: "sales@ohio-roofing.com"},
		{Value: "YOUR_WORKSPACE_ID", Name: "ohio"}}
	var srcs []blueprint.Source
	var ws []json.RawMessage
	json.Unmarshal(imported.Version.Workflows, &ws)
	for i, raw := range ws {
		srcs = append(srcs, blueprint.Source{Name: imported.Prepared.Workflows[i].File, Data: raw})
	}
	rendered, err := blueprint.Prepare(srcs, blueprint.Options{Tokens: render})
	if err != nil {
		t.Fatal(err)
	}
	cl := n8n.New(w.n8n.URL, w.n8n.APIKey)
	for _, rw := range rendered.Workflows {
		var wf n8n.Workflow
		if err := json.Unmarshal(rw.JSON, &wf); err != nil {
			t.Fatal(err)
		}
		made, err := cl.CreateWorkflow(w.ctx, wf)
		if err != nil {
			t.Fatalf("%s: %v", rw.Name, err)
		}
		if _, err := w.store.CreateCampaign(w.ctx, db.NewCampaign{WorkspaceID: w.ws.ID, Name: rw.Name, N8nWorkflowID: made.ID, Status: model.CampaignPaused}); err != nil {
			t.Fatal(err)
		}
	}

	sender, _ := blueprint.ParseTokenize("sales@ohio-roofing.com=YOUR_SENDER_EMAIL")
	got, err := v.CaptureBlueprint(w.ctx, w.super, "ohio-template", w.console, w.ws, []blueprint.Token{sender})
	if err != nil {
		t.Fatal(err)
	}
	if got.Version.Origin != "capture" || got.Version.Version != 1 || len(got.Prepared.Workflows) != 6 {
		t.Fatalf("captured %+v", got.Version)
	}
	var subs []blueprint.Substitution
	json.Unmarshal(got.Version.Substitutions, &subs)
	names := map[string]int{}
	at := map[string]bool{}
	for _, s := range subs {
		names[s.Name]++
		at[s.File+"|"+s.Node+"|"+s.Path] = true
	}
	for _, want := range []string{"YOUR_LEADS_TABLE", "YOUR_WORKSPACE_SLUG", "YOUR_SENDER_EMAIL"} {
		if names[want] == 0 {
			t.Errorf("no substitution made %s: %v", want, names)
		}
	}

	d, err := v.DiffBlueprints(w.ctx, w.super, "base-cold-email@1", "ohio-template@1")
	if err != nil {
		t.Fatal(err)
	}
	if len(d.WorkflowsAdded)+len(d.WorkflowsRemoved) != 0 || len(d.Changed) == 0 {
		t.Fatalf("diff %+v", d)
	}
	changed := 0
	for _, c := range d.Changed {
		if len(c.NodesAdded)+len(c.NodesRemoved) != 0 || c.ConnectionsChanged || c.SettingsChanged {
			t.Errorf("%s: more than substitutions changed: %+v", c.Workflow, c)
		}
		for _, n := range c.Nodes {
			for _, p := range n.Paths {
				changed++
				file := c.Workflow + ".json"
				// The only difference left: the workspace id became the slug's variable.
				if !at[file+"|"+n.Node+"|"+p.Path] || !strings.Contains(p.From, "YOUR_WORKSPACE_ID") || !strings.Contains(p.To, "YOUR_WORKSPACE_SLUG") {
					t.Errorf("%s / %s: %s changed %s -> %s, not by a substitution", c.Workflow, n.Node, p.Path, p.From, p.To)
				}
			}
		}
	}
	if changed == 0 {
		t.Fatal("no changed path")
	}
	rows := w.auditRows(model.AuditBlueprintCapture)
	if len(rows) != 1 || rows[0].Outcome != model.OutcomeOK || rows[0].WorkspaceID == nil || *rows[0].WorkspaceID != w.ws.ID ||
		strings.Contains(string(rows[0].After), "sales@ohio-roofing.com") {
		t.Fatalf("audit %+v", rows)
	}
	if _, err := v.CaptureBlueprint(w.ctx, w.member, "ohio-template", w.console, w.ws, nil); err == nil || !slices.Contains([]int{2}, len(w.auditRows(model.AuditBlueprintCapture))) {
		t.Fatalf("a member captured: %v", err)
	}
}

// Must show 2, the demo half: the demo renders every workspace's campaigns
// from the demo blueprint it imports; capturing texas turns its slug, its
// leads_texas table and its sender address back into the blueprint's
// variables, provisions nothing, and the diff against the blueprint is
// empty but for the campaigns left out (archived, or gone from n8n): the
// only differences between the live workflows and the blueprint were the
// substitutions. A campaign whose workflow is gone is left out and said.
func TestCaptureFromADemoWorkspace(t *testing.T) {
	ctx := context.Background()
	kr, _ := db.NewKeyring(masterKey)
	store := db.NewStore(dbtest.New(t), kr)
	t.Cleanup(store.Close)
	fleet, err := demofleet.Seed(ctx, store, demofleet.Options{Now: time.Now(), SuperEmail: "root@example.com", Workspaces: 4, NoLarge: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(fleet.Close)
	super, err := store.Actor(ctx, fleet.Super, "SHA256:root")
	if err != nil {
		t.Fatal(err)
	}
	console := model.NewConsole(store, dial(), model.ConsoleOptions{Context: "demo"})
	ws, err := console.WorkspaceBySlug(ctx, "texas")
	if err != nil {
		t.Fatal(err)
	}
	texas := demofleet.Workspaces[3]
	srv := fleet.Servers[texas.Instance]
	camps, _ := store.Campaigns(ctx, ws.ID)
	var live []string // the campaigns whose workflows n8n holds and capture reads
	for _, c := range camps {
		if c.Status != model.CampaignArchived && c.Status != model.CampaignError {
			live = append(live, c.Name)
		}
	}
	// The live workflows carry texas' own values, rendered from the blueprint.
	for _, c := range camps {
		if wf, ok := srv.Workflow(c.N8nWorkflowID); ok {
			b, _ := json.Marshal(wf)
			if !strings.Contains(string(b), texas.Sender) && !strings.Contains(string(b), "leads_texas") || strings.Contains(string(b), "YOUR_") {
				t.Fatalf("%s is not texas' copy of the blueprint: %s", c.Name, b)
			}
		}
	}
	before := srv.WorkflowCount()

	v := model.NewVault(store, detect.Analyze, nil)
	sender, err := blueprint.ParseTokenize(texas.Sender + "=YOUR_SENDER_EMAIL")
	if err != nil {
		t.Fatal(err)
	}
	got, err := v.CaptureBlueprint(ctx, super, "texas-template", console, ws, []blueprint.Token{sender})
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Prepared.Workflows) != len(live) || len(got.Prepared.Workflows)+len(got.Gone) != len(camps)-countArchived(camps) {
		t.Fatalf("%d campaigns live, %d captured, gone %v", len(live), len(got.Prepared.Workflows), got.Gone)
	}
	if srv.WorkflowCount() != before {
		t.Errorf("capture changed n8n: %d workflows, were %d", srv.WorkflowCount(), before)
	}

	// The values became variables, where each one is.
	at := map[string]bool{}
	for _, s := range got.Prepared.Substitutions {
		at[s.Name+"="+s.Value+" at "+s.Node+"|"+s.Path] = true
	}
	for _, want := range []string{
		"YOUR_WORKSPACE_SLUG=texas at |name",
		"YOUR_WORKSPACE_SLUG=texas at Webhook|parameters.path",
		"YOUR_LEADS_TABLE=leads_texas at Enrich Lead|parameters.table.value",
		"YOUR_SENDER_EMAIL=" + texas.Sender + " at Email Sender|parameters.jsCode",
	} {
		if !at[want] {
			t.Errorf("no substitution %s in %v", want, at)
		}
	}
	for _, w := range got.Prepared.Workflows {
		for _, value := range []string{`"texas`, "leads_texas", texas.Sender, "texas-"} {
			if strings.Contains(string(w.JSON), value) {
				t.Errorf("%s keeps %q: %s", w.Name, value, w.JSON)
			}
		}
	}
	var vars []blueprint.Variable
	if err := json.Unmarshal(got.Version.Variables, &vars); err != nil {
		t.Fatal(err)
	}
	found := map[string]bool{}
	for _, x := range vars {
		found[x.Name] = true
	}
	for _, want := range []string{"YOUR_WORKSPACE_SLUG", "YOUR_LEADS_TABLE", "YOUR_SENDER_EMAIL"} {
		if !found[want] {
			t.Errorf("the captured version's variables lack %s: %+v", want, vars)
		}
	}

	// Against the blueprint the demo imported: nothing but the campaigns
	// left out.
	d, err := v.DiffBlueprints(ctx, super, demofleet.BlueprintName+"@1", "texas-template@1")
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, tpl := range demofleet.Templates {
		if !slices.Contains(live, tpl.Name) {
			out = append(out, "YOUR_WORKSPACE_SLUG · "+tpl.Name)
		}
	}
	if len(out) == 0 {
		t.Fatal("texas has no campaign archived or gone: the left-out check proves nothing")
	}
	slices.Sort(out)
	if len(d.WorkflowsAdded) != 0 || !slices.Equal(d.WorkflowsRemoved, out) {
		t.Errorf("workflows added %v, removed %v (want removed %v)", d.WorkflowsAdded, d.WorkflowsRemoved, out)
	}
	for _, c := range d.Changed {
		t.Errorf("%s differs from the blueprint by more than the substitutions: %+v", c.Workflow, c)
	}
}

func countArchived(camps []model.Campaign) int {
	n := 0
	for _, c := range camps {
		if c.Status == model.CampaignArchived {
			n++
		}
	}
	return n
}
