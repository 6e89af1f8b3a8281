package main

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/godmode-console/godmode/db"
	"github.com/godmode-console/godmode/db/dbtest"
	"github.com/godmode-console/godmode/n8n/n8ntest"
)

const provisionValues = "../../model/genesis/testdata/texas.toml"

// The whole CLI path: plan (nothing sent), apply, apply again (nothing
// sent: unchanged), runs, show; then a run stopped by a 500 names its
// resume and rollback, and the rollback leaves n8n without its workflows.
func TestProvisionCommand(t *testing.T) {
	isolate(t)
	url := dbtest.URL(t)
	t.Setenv(envDatabaseURL, url)
	t.Setenv(db.EnvMasterKey, db.GenerateKey())
	for k, v := range map[string]string{"APIFY_TOKEN": "a", "CSE_KEY": "c", "RELEVANCE_TOKEN": "r", "PG_PASSWORD": "p", "OPENAI_KEY": "o"} {
		t.Setenv("TEXAS_"+k, "SECRET-cli-"+v)
	}
	ctx := context.Background()
	pool, err := db.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	kr, _ := db.KeyringFromEnv("")
	store := db.NewStore(pool, kr)
	fake := n8ntest.New(n8ntest.WithMajor(2))
	t.Cleanup(fake.Close)
	for _, slug := range []string{"texas", "ohio"} {
		inst, err := store.AddInstance(ctx, db.NewInstance{Name: "n8n-" + slug, BaseURL: fake.URL, APIKey: fake.APIKey})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := store.CreateWorkspace(ctx, slug, slug, &inst.ID); err != nil {
			t.Fatal(err)
		}
	}
	if _, errOut, code := godmode(t, "", "blueprint", "import", "base-cold-email", "../../model/genesis/testdata/base-optout"); code != 0 {
		t.Fatalf("import: %s", errOut)
	}
	args := []string{"provision", "--workspace", "texas", "--blueprint", "base-cold-email@1", "--values", provisionValues}

	out, errOut, code := godmode(t, "", append(args, "--plan", "--activate")...)
	if code != 0 || !strings.Contains(out, "plan for workspace texas from base-cold-email@v1: 32 steps, nothing applied") || !strings.Contains(out, "create_workflow    workflow:Opt-Out.json") {
		t.Fatalf("--plan: exit %d\n%s%s", code, out, errOut)
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
	if code != 0 || !strings.Contains(out, "succeeded") {
		t.Fatalf("runs: %s", out)
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
