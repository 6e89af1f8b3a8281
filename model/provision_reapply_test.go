package model_test

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/godmode-console/godmode/model"
	"github.com/godmode-console/godmode/model/blueprint"
	"github.com/godmode-console/godmode/model/blueprint/detect"
	"github.com/godmode-console/godmode/model/genesis"
	"github.com/godmode-console/godmode/n8n"
	"github.com/godmode-console/godmode/n8n/n8ntest"
)

// campaignState is what a re-apply must keep (id, URL) or move (hash).
type campaignState struct {
	id, workflow, url, hash string
}

func (w *provWorld) campaignStates(slug string) map[string]campaignState {
	w.t.Helper()
	ws, err := w.store.WorkspaceBySlug(w.ctx, slug)
	if err != nil {
		w.t.Fatal(err)
	}
	camps, err := w.store.Campaigns(w.ctx, ws.ID)
	if err != nil {
		w.t.Fatal(err)
	}
	hashes, err := w.store.CampaignAppliedHashes(w.ctx, ws.ID)
	if err != nil {
		w.t.Fatal(err)
	}
	out := map[string]campaignState{}
	for _, cp := range camps {
		out[cp.Name] = campaignState{id: cp.N8nWorkflowID, workflow: cp.N8nWorkflowID, url: cp.WebhookURL, hash: hashes[cp.Name]}
	}
	return out
}

func withValue(v genesis.Values, name, val string) genesis.Values {
	vars := map[string]genesis.Value{}
	for k, x := range v.Variables {
		vars[k] = x
	}
	vars[name] = genesis.Value{V: genesis.NewSecret(val, name)}
	v.Variables = vars
	return v
}

func (w *provWorld) reapply(ctx context.Context, slug string, vals genesis.Values, overwrite bool) (model.ProvisionResult, error) {
	return w.console.Provision(ctx, w.super, model.ProvisionRequest{Workspace: slug, Blueprint: "base-cold-email", Version: 1, Values: vals, Activate: true, Overwrite: overwrite})
}

// liveHash is the hash of a workflow as the fake holds it now.
func liveHash(t *testing.T, f *n8ntest.Server, id string) string {
	t.Helper()
	wf, ok := f.Workflow(id)
	if !ok {
		t.Fatalf("workflow %s is gone from n8n", id)
	}
	raw, _ := json.Marshal(wf.Published())
	return genesis.LiveHash(raw)
}

// checkKept: the same campaigns on the same workflow ids and webhook URLs,
// all active in n8n, each applied hash what n8n holds now; returns the
// campaigns whose hash moved.
func checkKept(t *testing.T, f *n8ntest.Server, before, after map[string]campaignState) []string {
	t.Helper()
	if len(after) != len(before) {
		t.Fatalf("%d campaigns after the re-apply, %d before", len(after), len(before))
	}
	var moved []string
	for name, b := range before {
		a, ok := after[name]
		if !ok || a.workflow != b.workflow || a.url != b.url {
			t.Errorf("campaign %q: workflow %s url %q, before %s %q", name, a.workflow, a.url, b.workflow, b.url)
		}
		if wf, ok := f.Workflow(a.workflow); !ok || !wf.Active {
			t.Errorf("campaign %q: workflow %s active=%v in n8n", name, a.workflow, ok && wf.Active)
		}
		if h := liveHash(t, f, a.workflow); h != a.hash {
			t.Errorf("campaign %q: applied hash %s, live %s", name, a.hash, h)
		}
		if a.hash != b.hash {
			moved = append(moved, name)
		}
	}
	return moved
}

// Re-apply of base-cold-email with one variable changed PUTs only the
// workflows that use it, keeping ids, webhook URLs, credentials and
// activation; an edit made in n8n since is refused, then overwritten with
// Overwrite; a re-apply killed midway resumes; its rollback is refused.
func TestReapplyChangedVariableUpdatesInPlace(t *testing.T) {
	w := newProvWorld(t)
	f := w.workspace("texas")
	if _, err := w.provision(w.ctx, "texas", "texas"); err != nil {
		t.Fatal(err)
	}
	creds := len(f.Credentials())
	before := w.campaignStates("texas")

	// YOUR_SERVICE_4_DESCRIPTION is in Email Preparation and Research
	// Report only.
	v2 := withValue(w.values("texas"), "YOUR_SERVICE_4_DESCRIPTION", "Skylights \"and\" {{ domes }}")
	writes := f.Writes()
	res, err := w.reapply(w.ctx, "texas", v2, false)
	if err != nil {
		t.Fatalf("re-apply: %v", err)
	}
	if res.Run.Status != model.RunSucceeded || res.Unchanged {
		t.Fatalf("re-apply: run %d %s, unchanged %v", res.Run.ID, res.Run.Status, res.Unchanged)
	}
	if got := f.Writes() - writes; got != 2 {
		t.Errorf("re-apply made %d write requests to n8n, want 2 (a PUT of each workflow using the variable)", got)
	}
	after := w.campaignStates("texas")
	moved := checkKept(t, f, before, after)
	if strings.Join(moved, ",") != "texas - Email Preparation,texas - Research Report" && strings.Join(moved, ",") != "texas - Research Report,texas - Email Preparation" {
		t.Errorf("campaigns whose applied hash moved: %v, want Email Preparation and Research Report", moved)
	}
	wf, _ := f.Workflow(after["texas - Research Report"].workflow)
	if raw, _ := json.Marshal(wf); !strings.Contains(string(raw), `Skylights`) || !strings.Contains(string(raw), `domes`) {
		t.Errorf("Research Report in n8n does not hold the new value")
	}
	if n := len(f.Credentials()); n != creds {
		t.Errorf("n8n holds %d credentials after the re-apply, %d before: the earlier ones must be kept", n, creds)
	}
	if ws, _ := w.store.WorkspaceBySlug(w.ctx, "texas"); ws.Status != model.WorkspaceActive {
		t.Errorf("workspace is %s after the re-apply", ws.Status)
	}
	w.noSecretsInPostgres(secretsOf("texas"))

	// The same values again: nothing is called.
	writes = f.Writes()
	if res, err := w.reapply(w.ctx, "texas", v2, false); err != nil || !res.Unchanged || f.Writes() != writes {
		t.Errorf("same values again: %v, unchanged %v, %d writes", err, res.Unchanged, f.Writes()-writes)
	}

	// Someone edits Email Preparation in n8n: the next re-apply touching
	// it is refused, naming it; nothing is written.
	prep := after["texas - Email Preparation"].workflow
	edited, _ := f.Workflow(prep)
	edited.Nodes = append(edited.Nodes, n8n.Node{Name: "Added in n8n", Type: "n8n-nodes-base.noOp", TypeVersion: 1, Position: []float64{0, 0}})
	if _, err := f.Client().UpdateWorkflow(w.ctx, prep, edited); err != nil {
		t.Fatal(err)
	}
	v3 := withValue(v2, "YOUR_SERVICE_4_DESCRIPTION", "Chimneys")
	writes = f.Writes()
	_, err = w.reapply(w.ctx, "texas", v3, false)
	var le *model.LiveEditsError
	if !errors.As(err, &le) || len(le.Edits) != 1 || le.Edits[0].WorkflowID != prep || le.Edits[0].Diff == nil || len(le.Edits[0].Diff.NodesRemoved) != 1 {
		t.Fatalf("re-apply over an edit: %v (%+v), want a LiveEditsError naming Email Preparation and its added node", err, le)
	}
	for _, sec := range secretsOf("texas") {
		if strings.Contains(err.Error()+mustJSON(le), sec) {
			t.Errorf("the refusal carries secret %q", sec)
		}
	}
	// Only the change the plan makes (Analyze uses the variable) differs
	// from n8n, not every node holding a secret the preview masks.
	for _, nd := range le.Edits[0].Diff.Nodes {
		if nd.Node != "Analyze" {
			t.Errorf("the differences name node %q (%v), which neither the edit nor the plan changed", nd.Node, nd.Paths)
		}
	}
	if !strings.Contains(err.Error(), "--overwrite") || !strings.Contains(err.Error(), "--plan") {
		t.Errorf("the refusal does not say how to see the differences and go on: %v", err)
	}
	if f.Writes() != writes {
		t.Errorf("the refused re-apply made %d writes", f.Writes()-writes)
	}
	if e := lastAudit(t, w, model.ActionNameProvision); e.Outcome != model.OutcomeFailed || !strings.Contains(string(e.After), `"edited_in_n8n": ["texas - Email Preparation"]`) && !strings.Contains(string(e.After), `"edited_in_n8n":["texas - Email Preparation"]`) {
		t.Errorf("the refused re-apply is audited as %s: %s", e.Outcome, e.After)
	}
	if _, err := w.reapply(w.ctx, "texas", v3, true); err != nil {
		t.Fatalf("re-apply with overwrite: %v", err)
	}
	if wf, _ := f.Workflow(prep); strings.Contains(mustJSON(wf), "Added in n8n") {
		t.Errorf("the edit made in n8n is still there after the overwrite")
	}

	// An edit saved as a draft only (n8n 2.x) counts as well.
	rr := after["texas - Research Report"].workflow
	if err := f.EditDraft(rr, func(wf *n8n.Workflow) {
		wf.Nodes = append(wf.Nodes, n8n.Node{Name: "Draft in n8n", Type: "n8n-nodes-base.noOp", TypeVersion: 1, Position: []float64{0, 0}})
	}); err != nil {
		t.Fatal(err)
	}
	v3 = withValue(v3, "YOUR_SERVICE_4_DESCRIPTION", "Draft check")
	if _, err := w.reapply(w.ctx, "texas", v3, false); !errors.As(err, &le) || len(le.Edits) != 1 || le.Edits[0].WorkflowID != rr {
		t.Fatalf("re-apply over a draft edit: %v, want a LiveEditsError naming Research Report", err)
	}
	if _, err := w.reapply(w.ctx, "texas", v3, true); err != nil {
		t.Fatalf("re-apply with overwrite over the draft: %v", err)
	}
	before = w.campaignStates("texas")

	// YOUR_DASHBOARD_URL is in all seven: kill the process after the third
	// campaign is recorded, then resume.
	v4 := withValue(v3, "YOUR_DASHBOARD_URL", "https://dash.example.com/texas-2")
	ctx, cancel := context.WithCancel(w.ctx)
	w.store.killAt, w.store.seen, w.store.kill = 3, 0, cancel
	res, err = w.reapply(ctx, "texas", v4, false)
	w.store.killAt = 0
	cancel()
	if err == nil || res.Run.ID == 0 {
		t.Fatalf("killed re-apply: %v, run %d", err, res.Run.ID)
	}
	res, err = w.console.ResumeRun(w.ctx, w.super, res.Run.ID, v4)
	if err != nil || res.Run.Status != model.RunSucceeded {
		t.Fatalf("resume of the re-apply: %v (%s)", err, res.Run.Status)
	}
	if moved := checkKept(t, f, before, w.campaignStates("texas")); len(moved) != 7 {
		t.Errorf("after the resumed re-apply %d campaigns moved, want 7: %v", len(moved), moved)
	}
	if n := f.WorkflowCount(); n != 7 {
		t.Errorf("n8n holds %d workflows after the resumed re-apply, want 7", n)
	}

	// Its rollback is refused: the previous bodies are not kept.
	writes = f.Writes()
	_, err = w.console.RollbackRun(w.ctx, w.super, res.Run.ID, &v4)
	if !errors.Is(err, genesis.ErrUpdatedInPlace) || !strings.Contains(err.Error(), "re-apply the previous version with its values file") {
		t.Errorf("rollback of a re-apply: %v", err)
	}
	if ws, _ := w.store.WorkspaceBySlug(w.ctx, "texas"); ws.Status != model.WorkspaceActive || f.Writes() != writes {
		t.Errorf("after the refused rollback: workspace %s, %d writes", ws.Status, f.Writes()-writes)
	}
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// versionSources are the base blueprint's files with edit applied to the
// named workflow's JSON (nil: left out) and extra files added.
func versionSources(t *testing.T, edit map[string]func(map[string]any) map[string]any) []blueprint.Source {
	t.Helper()
	srcs, err := blueprint.ReadSources([]string{"genesis/testdata/base-optout"})
	if err != nil {
		t.Fatal(err)
	}
	var out []blueprint.Source
	for _, s := range srcs {
		f, ok := edit[s.Name]
		if !ok {
			out = append(out, s)
			continue
		}
		var doc map[string]any
		if err := json.Unmarshal(s.Data, &doc); err != nil {
			t.Fatal(err)
		}
		if doc = f(doc); doc != nil {
			s.Data, _ = json.Marshal(doc)
			out = append(out, s)
		}
	}
	return out
}

// A newer version: the workflows it changes are PUT, every workflow is
// tagged with the new version (no other call for those it leaves alone),
// the one it adds is created as in a first run; a version that drops a
// workflow is refused, naming it.
func TestReapplyNewerVersion(t *testing.T) {
	w := newProvWorld(t)
	f := w.workspace("texas")
	if _, err := w.provision(w.ctx, "texas", "texas"); err != nil {
		t.Fatal(err)
	}
	before := w.campaignStates("texas")
	addNode := func(doc map[string]any) map[string]any {
		doc["nodes"] = append(doc["nodes"].([]any), map[string]any{"name": "v2 marker", "type": "n8n-nodes-base.noOp", "typeVersion": 1, "position": []any{0, 0}, "parameters": map[string]any{}})
		return doc
	}
	v2 := versionSources(t, map[string]func(map[string]any) map[string]any{"Email 2.json": addNode})
	one, _ := blueprint.ReadSources([]string{"genesis/testdata/base-optout/Email 1.json"})
	var e4 map[string]any
	_ = json.Unmarshal(one[0].Data, &e4)
	e4["name"] = "Email 4"
	data, _ := json.Marshal(e4)
	v2 = append(v2, blueprint.Source{Name: "Email 4.json", Data: data})
	vault := model.NewVault(w.store, detect.Analyze, nil)
	imp, err := vault.ImportBlueprint(w.ctx, w.super, "base-cold-email", v2, nil)
	if err != nil || imp.Version.Version != 2 {
		t.Fatalf("import of v2: %v (version %d)", err, imp.Version.Version)
	}
	res, err := w.console.Provision(w.ctx, w.super, model.ProvisionRequest{Workspace: "texas", Blueprint: "base-cold-email", Version: 2, Values: w.values("texas"), Activate: true})
	if err != nil || res.Run.Status != model.RunSucceeded {
		t.Fatalf("re-apply of v2: %v", err)
	}
	count := map[string]int{}
	for _, s := range res.Plan.Steps {
		count[s.Kind]++
	}
	if count[genesis.StepUpdateWorkflow] != 1 || count[genesis.StepCreateWorkflow] != 1 || count[genesis.StepTagWorkflow] != 8 || count[genesis.StepCreateCredential] != 0 || count[genesis.StepRecordCampaign] != 8 {
		t.Errorf("re-apply of v2 steps: %v; want 1 update (Email 2), 1 create (Email 4), 8 tags and campaign records, no credential", count)
	}
	after := w.campaignStates("texas")
	for name, b := range before {
		if a := after[name]; a.workflow != b.workflow || a.url != b.url {
			t.Errorf("campaign %q: workflow %s url %q, before %s %q", name, a.workflow, a.url, b.workflow, b.url)
		}
	}
	if _, ok := after["texas - Email 4"]; !ok || len(after) != 8 || f.WorkflowCount() != 8 {
		t.Errorf("after v2: campaigns %d, workflows %d, Email 4 recorded %v; want 8, 8, true", len(after), f.WorkflowCount(), ok)
	}
	for name, a := range after {
		wf, _ := f.Workflow(a.workflow)
		var tags []string
		for _, tg := range wf.Tags {
			tags = append(tags, tg.Name)
		}
		if !slices.Contains(tags, "bp:base-cold-email@v2") || slices.Contains(tags, "bp:base-cold-email@v1") || !wf.Active {
			t.Errorf("%s after v2: tags %v active %v", name, tags, wf.Active)
		}
	}

	// v3 drops Research Report: refused, naming it; nothing written.
	v3 := versionSources(t, map[string]func(map[string]any) map[string]any{"Email 2.json": addNode, "Research Report.json": func(map[string]any) map[string]any { return nil }})
	v3 = append(v3, blueprint.Source{Name: "Email 4.json", Data: data})
	if _, err := vault.ImportBlueprint(w.ctx, w.super, "base-cold-email", v3, nil); err != nil {
		t.Fatal(err)
	}
	writes := f.Writes()
	_, err = w.console.Provision(w.ctx, w.super, model.ProvisionRequest{Workspace: "texas", Blueprint: "base-cold-email", Version: 3, Values: w.values("texas"), Activate: true})
	if err == nil || !strings.Contains(err.Error(), "Research Report.json") || !strings.Contains(err.Error(), "no longer has this workflow") || f.Writes() != writes {
		t.Errorf("re-apply of a version without Research Report: %v, %d writes", err, f.Writes()-writes)
	}
}

// An active workspace that no run provisioned (adopted, say) is not
// provisioned over: that would make a second copy of its workflows.
func TestReapplyRefusesWorkspaceNoRunProvisioned(t *testing.T) {
	w := newProvWorld(t)
	f := w.workspace("adopted")
	ws, err := w.store.WorkspaceBySlug(w.ctx, "adopted")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.store.SetWorkspaceStatus(w.ctx, ws.ID, model.WorkspaceActive, ""); err != nil {
		t.Fatal(err)
	}
	_, err = w.provision(w.ctx, "adopted", "texas")
	if !errors.Is(err, model.ErrInvalid) || !strings.Contains(err.Error(), "no provisioning run created its workflows") || f.Writes() != 0 {
		t.Errorf("provisioning an active workspace no run provisioned: %v, %d writes", err, f.Writes())
	}
}
