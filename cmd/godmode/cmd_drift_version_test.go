package main

import (
	"context"
	"strings"
	"testing"

	"github.com/godmode-console/godmode/db"
	"github.com/godmode-console/godmode/db/dbtest"
	"github.com/godmode-console/godmode/n8n/n8ntest"
)

// `godmode sync` reports a provisioned workflow edited in n8n, and
// `godmode drift --kind version_mismatch` lists it with what to do.
func TestDriftListsVersionMismatchAfterAnEditInN8n(t *testing.T) {
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
	fake := n8ntest.New(n8ntest.WithMajor(1))
	t.Cleanup(fake.Close)
	inst, err := store.AddInstance(ctx, db.NewInstance{Name: "n8n-texas", BaseURL: fake.URL, APIKey: fake.APIKey})
	if err != nil {
		t.Fatal(err)
	}
	ws, err := store.CreateWorkspace(ctx, "texas", "texas", &inst.ID)
	if err != nil {
		t.Fatal(err)
	}
	mustRun(t, "blueprint", "import", "base-cold-email", "../../model/genesis/testdata/base-optout")
	mustRun(t, "provision", "--workspace", "texas", "--blueprint", "base-cold-email@1", "--values", provisionValues, "--apply")
	mustRun(t, "sync")
	if fs := decode[struct{ Findings []findingJSON }](t, mustRun(t, "drift", "--kind", "version_mismatch", "--json")).Findings; len(fs) != 0 {
		t.Fatalf("findings before any edit: %+v", fs)
	}
	camps, err := store.Campaigns(ctx, ws.ID)
	if err != nil || len(camps) == 0 {
		t.Fatalf("campaigns %v %v", camps, err)
	}
	wf, err := fake.Client().GetWorkflow(ctx, camps[0].N8nWorkflowID)
	if err != nil {
		t.Fatal(err)
	}
	wf.Nodes[0].Name += " (edited)"
	if _, err := fake.Client().UpdateWorkflow(ctx, wf.ID, wf); err != nil {
		t.Fatal(err)
	}
	mustRun(t, "sync")
	fs := decode[struct{ Findings []findingJSON }](t, mustRun(t, "drift", "--kind", "version_mismatch", "--json")).Findings
	if len(fs) != 1 || fs[0].Campaign != camps[0].Name || fs[0].Corrected || fs[0].ResolvedAt != nil ||
		!strings.Contains(fs[0].Detail, "base-cold-email@v1") || !strings.Contains(fs[0].Detail, "godmode provision --workspace texas") {
		t.Fatalf("drift --kind version_mismatch: %+v", fs)
	}
	if out := mustRun(t, "drift", "--open"); !strings.Contains(out, "version_mismatch") {
		t.Errorf("drift --open:\n%s", out)
	}
}
