package main

import (
	"strings"
	"testing"
)

// `godmode sync` reports a provisioned workflow edited in n8n, and
// `godmode drift --kind version_mismatch` lists it with what to do.
func TestDriftListsVersionMismatchAfterAnEditInN8n(t *testing.T) {
	pf := newProvisionFleet(t, 1, "texas")
	ctx, store, fake, ws := pf.ctx, pf.store, pf.fake, pf.ws["texas"]
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
