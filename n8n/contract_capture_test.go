package n8n_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/godmode-console/godmode/db"
	"github.com/godmode-console/godmode/model"
	"github.com/godmode-console/godmode/model/blueprint"
	"github.com/godmode-console/godmode/model/blueprint/detect"
	"github.com/godmode-console/godmode/n8n"
)

// acmeValues are the acme workspace's own values, by the base templates'
// placeholder names: its leads table, its sender address and its slug
// (the templates call the workspace YOUR_WORKSPACE_ID).
var acmeValues = map[string]string{
	"YOUR_LEADS_TABLE":  "leads_acme",
	"YOUR_SENDER_EMAIL": "outreach@acme-roofing.example",
	"YOUR_WORKSPACE_ID": "acme",
}

// Capture against every target, the way "Ohio" becomes the template for
// "Texas": the base templates are imported, rendered with acme's values,
// created in n8n as acme's campaigns, and captured back. The captured
// version has acme's slug, leads_acme and its sender address as variables,
// and differs from the imported version only where a capture substitution
// happened: whatever n8n adds or rewrites on create (node ids, webhook
// ids, settings, fields dropped) is normalised away.
func TestContractCaptureGivesBackTheImportedBlueprint(t *testing.T) {
	forEachTarget(t, func(t *testing.T, tg target) {
		ctx := context.Background()
		store, inst := tg.store(t)
		ws, err := store.CreateWorkspace(ctx, "acme", "Acme Roofing", &inst.ID)
		if err != nil {
			t.Fatal(err)
		}
		actor := superAdmin(t, store)
		vault := model.NewVault(store, detect.Analyze, nil)
		src, err := blueprint.ReadSources([]string{"../model/blueprint/testdata/base"})
		if err != nil {
			t.Fatal(err)
		}
		imported, err := vault.ImportBlueprint(ctx, actor, "base-cold-email", src, nil)
		if err != nil {
			t.Fatalf("import: %v", err)
		}

		var base []json.RawMessage
		if err := json.Unmarshal(imported.Version.Workflows, &base); err != nil || len(base) != 6 {
			t.Fatalf("imported workflows: %d, %v", len(base), err)
		}
		for _, raw := range base {
			rendered, err := blueprint.Render(raw, acmeValues)
			if err != nil {
				t.Fatal(err)
			}
			for tok, v := range acmeValues {
				if bytes.Contains(rendered, []byte(tok)) {
					t.Fatalf("%s left after rendering (%s)", tok, v)
				}
			}
			var w n8n.Workflow
			if err := json.Unmarshal(rendered, &w); err != nil {
				t.Fatal(err)
			}
			created := tg.create(t, w)
			if _, err := store.CreateCampaign(ctx, db.NewCampaign{WorkspaceID: ws.ID, Name: w.Name, N8nWorkflowID: created.ID}); err != nil {
				t.Fatal(err)
			}
		}

		dial := func(base, key string) model.N8n { return n8n.New(base, key) }
		console := model.NewConsole(store, dial, model.ConsoleOptions{Context: "contract"})
		sender, err := blueprint.ParseTokenize(acmeValues["YOUR_SENDER_EMAIL"] + "=YOUR_SENDER_EMAIL")
		if err != nil {
			t.Fatal(err)
		}
		captured, err := vault.CaptureBlueprint(ctx, actor, "acme-captured", console, ws, []blueprint.Token{sender})
		if err != nil {
			t.Fatalf("capture: %v", err)
		}
		if !captured.Created || len(captured.Gone) != 0 || len(captured.Prepared.Workflows) != 6 {
			t.Fatalf("capture: created %v, gone %v, %d workflows", captured.Created, captured.Gone, len(captured.Prepared.Workflows))
		}

		// The workspace's values are variables of the captured version, as
		// stored.
		stored, err := vault.BlueprintVersion(ctx, actor, "acme-captured@1")
		if err != nil {
			t.Fatal(err)
		}
		shown := model.ShowBlueprintVersion("acme-captured", stored)
		vars := map[string]bool{}
		for _, v := range shown.Report.Variables {
			vars[v.Name] = true
		}
		values := map[string]string{} // captured name -> acme's value
		for _, s := range shown.Substitutions {
			values[s.Name] = s.Value
		}
		for name, value := range map[string]string{"YOUR_WORKSPACE_SLUG": "acme", "YOUR_LEADS_TABLE": "leads_acme", "YOUR_SENDER_EMAIL": acmeValues["YOUR_SENDER_EMAIL"]} {
			if !vars[name] || values[name] != value {
				t.Errorf("%s: a variable %v, substituted for %q; want %q", name, vars[name], values[name], value)
			}
		}
		for name := range values {
			if !slices.Contains([]string{"YOUR_WORKSPACE_SLUG", "YOUR_LEADS_TABLE", "YOUR_SENDER_EMAIL"}, name) {
				t.Errorf("capture substituted %s for %q, a value not acme's own", name, values[name])
			}
		}

		// The diff is the substitutions: same workflows, same nodes, same
		// wiring and settings, and each changed field is one a
		// substitution touched.
		d, err := vault.DiffBlueprints(ctx, actor, "base-cold-email@1", "acme-captured@1")
		if err != nil {
			t.Fatal(err)
		}
		if len(d.WorkflowsAdded) != 0 || len(d.WorkflowsRemoved) != 0 {
			t.Fatalf("workflows added %v, removed %v", d.WorkflowsAdded, d.WorkflowsRemoved)
		}
		substituted := map[string]bool{}
		for _, s := range shown.Substitutions {
			substituted[strings.TrimSuffix(s.File, ".json")+"|"+s.Node+"|"+s.Path] = true
		}
		for _, c := range d.Changed {
			if len(c.NodesAdded) != 0 || len(c.NodesRemoved) != 0 || c.ConnectionsChanged || c.SettingsChanged {
				t.Errorf("%s: nodes added %v, removed %v, connections changed %v, settings changed %v",
					c.Workflow, c.NodesAdded, c.NodesRemoved, c.ConnectionsChanged, c.SettingsChanged)
			}
			for _, n := range c.Nodes {
				for _, p := range n.Paths {
					if !substituted[c.Workflow+"|"+n.Node+"|"+p.Path] {
						t.Errorf("%s / %s: %s changed with no substitution there: %s -> %s", c.Workflow, n.Node, p.Path, p.From, p.To)
					}
				}
			}
		}
		// And filled in with acme's values, the two versions are the same
		// workflows byte for byte.
		back := map[string]string{}
		for name, v := range values {
			back[name] = v
		}
		var got []json.RawMessage
		_ = json.Unmarshal(stored.Workflows, &got)
		if len(got) != 6 {
			t.Fatalf("%d workflows stored", len(got))
		}
		want := map[string][]byte{}
		for _, raw := range base {
			r, _ := blueprint.Render(raw, acmeValues)
			want[workflowName(r)] = r
		}
		for _, raw := range got {
			r, _ := blueprint.Render(raw, back)
			if w := want[workflowName(r)]; !bytes.Equal(r, w) {
				t.Errorf("workflow %s, rendered with acme's values, differs from the imported one rendered so:\n%s", workflowName(r), firstDifference(w, r))
			}
		}
	})
}

func workflowName(raw []byte) string {
	var w struct{ Name string }
	_ = json.Unmarshal(raw, &w)
	return w.Name
}

func firstDifference(a, b []byte) string {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	cut := func(x []byte) string { return string(x[max(0, i-80):min(len(x), i+80)]) }
	return fmt.Sprintf("  imported: …%s…\n  captured: …%s…", cut(a), cut(b))
}

// What create does to settings, which a capture reads back: 1.x fills in
// callerPolicy and availableInMCP, 2.41.1 keeps what it was given (the
// blueprint normaliser drops those two at their default values, so a
// capture from either major compares equal to its import).
func TestContractCreateFillsSettingsOn1xOnly(t *testing.T) {
	forEachTarget(t, func(t *testing.T, tg target) {
		in := noopWorkflow(tg.unique("settings"))
		in.Settings = map[string]json.RawMessage{"executionOrder": json.RawMessage(`"v1"`)}
		w := tg.create(t, in)
		got, err := tg.client.GetWorkflow(context.Background(), w.ID)
		if err != nil {
			t.Fatal(err)
		}
		var keys []string
		for k := range got.Settings {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		want := pick(tg, "availableInMCP,callerPolicy,executionOrder", "executionOrder")
		if strings.Join(keys, ",") != want {
			t.Errorf("settings after create: %s, want %s", strings.Join(keys, ","), want)
		}
	})
}
