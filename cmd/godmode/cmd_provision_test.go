package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/godmode-console/godmode/model/blueprint"
	"github.com/godmode-console/godmode/n8n"
)

const provisionValues = "../../model/genesis/testdata/texas.toml"

// The whole CLI path: plan (nothing sent), apply, apply again (nothing
// sent: unchanged), runs, show; then a run stopped by a 500 names its
// resume and rollback, and the rollback leaves n8n without its workflows.
func TestProvisionCommand(t *testing.T) {
	pf := newProvisionFleet(t, 2, "texas", "ohio")
	fake := pf.fake
	args := []string{"provision", "--workspace", "texas", "--blueprint", "base-cold-email@1", "--values", provisionValues}

	out, errOut, code := godmode(t, "", append(args, "--plan", "--activate")...)
	if code != 0 || !strings.Contains(out, "plan for workspace texas from base-cold-email@v1: 32 steps, nothing applied") || !strings.Contains(out, "create_workflow    workflow:Opt-Out.json") {
		t.Fatalf("--plan: exit %d\n%s%s", code, out, errOut)
	}
	// The plan says what rendering fills in, workflow by workflow.
	if !strings.Contains(out, `render Opt-Out.json: "Opt-Out" becomes "texas - Opt-Out"`) || !regexp.MustCompile(`node "Webhook": [^\n]*parameters\.path`).MatchString(out) {
		t.Errorf("--plan does not show what rendering changes:\n%s", out)
	}
	out, _, _ = godmode(t, "", append(args, "--plan", "--json")...)
	var planned struct {
		Changes []struct {
			File, To    string
			Differences *blueprint.WorkflowDiff
		}
	}
	if err := json.Unmarshal([]byte(out), &planned); err != nil || len(planned.Changes) != 7 || planned.Changes[0].Differences == nil {
		t.Errorf("--plan --json changes: %v %+v", err, planned.Changes)
	}
	for _, sec := range []string{"SECRET-cli-", "whtok-texas-SECRET"} {
		if strings.Contains(out, sec) {
			t.Errorf("--plan --json shows secret %q", sec)
		}
	}
	if fake.Writes() != 0 {
		t.Fatalf("--plan made %d writes to n8n", fake.Writes())
	}

	out, errOut, code = godmode(t, "", append(args, "--apply", "--activate", "--json")...)
	var applied struct {
		Run struct {
			ID     int64
			Status string
		}
		Unchanged bool
	}
	if code != 0 || json.Unmarshal([]byte(out), &applied) != nil || applied.Run.Status != "succeeded" {
		t.Fatalf("--apply: exit %d\n%s%s", code, out, errOut)
	}
	writes := fake.Writes()
	out, _, code = godmode(t, "", append(args, "--apply", "--activate")...)
	if code != 0 || !strings.HasPrefix(out, "unchanged:") || fake.Writes() != writes {
		t.Fatalf("second --apply: exit %d, %d writes: %s", code, fake.Writes()-writes, out)
	}

	out, _, code = godmode(t, "", "provision", "runs")
	if code != 0 || !strings.Contains(out, "run 1  texas  base-cold-email@v1  succeeded    32/32 steps done") {
		t.Fatalf("runs does not name the run's workspace, version and steps: %s", out)
	}
	out, _, code = godmode(t, "", "provision", "show", "1", "--json")
	var shown struct {
		Steps []struct{ Kind, Status string }
	}
	if code != 0 || json.Unmarshal([]byte(out), &shown) != nil || len(shown.Steps) != 32 {
		t.Fatalf("show 1: %s", out)
	}
	for _, st := range shown.Steps {
		if st.Status != "done" {
			t.Errorf("step %s is %s", st.Kind, st.Status)
		}
	}

	before := fake.WorkflowCount()
	fake.FailWriteAt(6, 500)
	ohio := []string{"provision", "--workspace", "ohio", "--blueprint", "base-cold-email@1", "--values", provisionValues, "--apply"}
	_, errOut, code = godmode(t, "", ohio...)
	if code == 0 || !strings.Contains(errOut, "--resume 2 --values FILE") || !strings.Contains(errOut, "--rollback 2") {
		t.Fatalf("a stopped apply: exit %d %s", code, errOut)
	}
	out, errOut, code = godmode(t, "", "provision", "--rollback", "2", "--values", provisionValues)
	if code != 0 || !strings.HasPrefix(out, "run 2 rolled back: rolled_back") {
		t.Fatalf("--rollback: exit %d %s %s", code, out, errOut)
	}
	if fake.WorkflowCount() != before {
		t.Errorf("after the rollback n8n holds %d workflows, want texas's %d", fake.WorkflowCount(), before)
	}
}

// Re-apply from the CLI: a changed value is applied in place; after an
// edit in n8n, --plan marks the workflow edited, --apply refuses naming
// --plan and --overwrite, and --apply --overwrite replaces it.
func TestProvisionReapplyCommand(t *testing.T) {
	pf := newProvisionFleet(t, 2, "texas")
	ctx, store, fake, ws := pf.ctx, pf.store, pf.fake, pf.ws["texas"]
	args := []string{"provision", "--workspace", "texas", "--blueprint", "base-cold-email@1", "--values", provisionValues}
	if out, errOut, code := godmode(t, "", append(args, "--apply", "--activate")...); code != 0 {
		t.Fatalf("--apply: exit %d %s%s", code, out, errOut)
	}
	// The values with one variable changed, beside the token file.
	src, err := os.ReadFile(provisionValues)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	tok, _ := os.ReadFile(filepath.Join(filepath.Dir(provisionValues), "texas-webhook-token.txt"))
	if err := os.WriteFile(filepath.Join(dir, "texas-webhook-token.txt"), tok, 0o600); err != nil {
		t.Fatal(err)
	}
	changed := filepath.Join(dir, "texas.toml")
	if err := os.WriteFile(changed, []byte(strings.Replace(string(src), `"Solar panels"`, `"Heat pumps"`, 1)), 0o600); err != nil {
		t.Fatal(err)
	}
	args2 := []string{"provision", "--workspace", "texas", "--blueprint", "base-cold-email@1", "--values", changed}
	camps, _ := store.Campaigns(ctx, ws.ID)
	writes := fake.Writes()
	out, errOut, code := godmode(t, "", append(args2, "--apply", "--activate")...)
	if code != 0 || !strings.HasPrefix(out, "run 2 applied: succeeded, 4 steps") || fake.Writes()-writes != 2 {
		t.Fatalf("re-apply: exit %d, %d writes\n%s%s", code, fake.Writes()-writes, out, errOut)
	}
	after, _ := store.Campaigns(ctx, ws.ID)
	for i := range camps {
		if after[i].N8nWorkflowID != camps[i].N8nWorkflowID || after[i].WebhookURL != camps[i].WebhookURL {
			t.Errorf("campaign %q moved: %s %s, was %s %s", camps[i].Name, after[i].N8nWorkflowID, after[i].WebhookURL, camps[i].N8nWorkflowID, camps[i].WebhookURL)
		}
	}

	var prep string
	for _, cp := range after {
		if cp.Name == "texas - Email Preparation" {
			prep = cp.N8nWorkflowID
		}
	}
	wf, _ := fake.Workflow(prep)
	wf.Nodes = append(wf.Nodes, n8n.Node{Name: "Added in n8n", Type: "n8n-nodes-base.noOp", TypeVersion: 1, Position: []float64{0, 0}})
	if _, err := fake.Client().UpdateWorkflow(ctx, prep, wf); err != nil {
		t.Fatal(err)
	}
	// Back to the first values: both workflows using the variable differ.
	out, errOut, code = godmode(t, "", append(args, "--plan", "--activate")...)
	if code != 0 || !strings.Contains(out, "4 steps, nothing applied") || !strings.Contains(out, "update_workflow    workflow:Email Preparation.json") ||
		!strings.Contains(out, `live Email Preparation.json (campaign "texas - Email Preparation", n8n workflow `+prep+`): EDITED in n8n`) ||
		!strings.Contains(out, `only in n8n: node "Added in n8n"`) || !strings.Contains(out, "is kept: the values' new postgres credential is not created") {
		t.Fatalf("--plan after an edit: exit %d\n%s%s", code, out, errOut)
	}
	writes = fake.Writes()
	_, errOut, code = godmode(t, "", append(args, "--apply", "--activate")...)
	if code == 0 || !strings.Contains(errOut, "edited in n8n since the last run") || !strings.Contains(errOut, "--plan") || !strings.Contains(errOut, "--overwrite") || fake.Writes() != writes {
		t.Fatalf("--apply over an edit: exit %d, %d writes: %s", code, fake.Writes()-writes, errOut)
	}
	out, errOut, code = godmode(t, "", append(args, "--apply", "--activate", "--overwrite")...)
	if code != 0 || !strings.HasPrefix(out, "run 3 applied: succeeded") {
		t.Fatalf("--apply --overwrite: exit %d %s%s", code, out, errOut)
	}
	if wf, _ := fake.Workflow(prep); slices.ContainsFunc(wf.Nodes, func(n n8n.Node) bool { return n.Name == "Added in n8n" }) {
		t.Errorf("the edit made in n8n is still there after --overwrite")
	}
	// A re-apply that updated workflows cannot be rolled back, and the
	// refusal does not send the operator to resume a run that finished.
	_, errOut, code = godmode(t, "", "provision", "--rollback", "3")
	if code == 0 || !strings.Contains(errOut, "re-apply the previous version with its values file") || strings.Contains(errOut, "resume it") {
		t.Errorf("--rollback of a re-apply: exit %d %s", code, errOut)
	}
}

// A new operator's first values file: blueprint values writes every
// question the plan asks, commented out; provision --plan on it names
// each one still to answer, and nothing is sent.
func TestBlueprintValuesIsTheFirstValuesFile(t *testing.T) {
	pf := newProvisionFleet(t, 2, "texas")
	out, errOut, code := godmode(t, "", "blueprint", "values", "base-cold-email@1")
	if code != 0 {
		t.Fatalf("blueprint values: exit %d %s", code, errOut)
	}
	for _, want := range []string{"[variables]", `# YOUR_COMPANY_NAME = ""`, `# YOUR_WEBHOOK_TOKEN = "env:YOUR_WEBHOOK_TOKEN"`,
		"# [credentials.YOUR_CREDENTIAL_POSTGRES_ID]", `# type = "postgres"`, "--blueprint base-cold-email@1 --values"} {
		if !strings.Contains(out, want) {
			t.Errorf("blueprint values lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "# YOUR_WORKSPACE_SLUG = ") {
		t.Error("blueprint values asks for the slug")
	}
	path := filepath.Join(t.TempDir(), "texas.toml")
	if err := os.WriteFile(path, []byte(out), 0o600); err != nil {
		t.Fatal(err)
	}
	_, errOut, code = godmode(t, "", "provision", "--workspace", "texas", "--blueprint", "base-cold-email@1", "--values", path)
	if code == 0 || !strings.Contains(errOut, "variable YOUR_COMPANY_NAME has no value") || !strings.Contains(errOut, "credential slot YOUR_CREDENTIAL_POSTGRES_ID") || pf.fake.Writes() != 0 {
		t.Errorf("--plan of the unfilled template: exit %d, %d writes: %s", code, pf.fake.Writes(), errOut)
	}
}
