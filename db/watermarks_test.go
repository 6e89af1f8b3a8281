package db_test

import (
	"context"
	"testing"

	"github.com/godmode-console/godmode/db"
	"github.com/godmode-console/godmode/db/dbtest"
)

// An install upgraded to 00010 keeps reading its campaigns' executions
// from the instance's cursor: each existing campaign gets its workflow's
// watermark (its newest execution stored), so sync does not backfill
// every campaign again.
func TestMigration10GivesExistingCampaignsTheirWatermark(t *testing.T) {
	ctx := context.Background()
	pool, err := db.Connect(ctx, dbtest.NewDatabase(t))
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	m, err := db.NewMigrator(pool)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	if _, err := m.Up(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := m.DownTo(ctx, 9); err != nil {
		t.Fatal(err)
	}
	kr, _ := db.NewKeyring([]byte("0123456789abcdef0123456789abcdef"))
	store := db.NewStore(pool, kr)
	inst, err := store.AddInstance(ctx, db.NewInstance{Name: "ohio", BaseURL: "https://ohio.example.com", APIKey: "k"})
	if err != nil {
		t.Fatal(err)
	}
	ws, err := store.CreateWorkspace(ctx, "ohio", "Ohio", &inst.ID)
	if err != nil {
		t.Fatal(err)
	}
	ran, err := store.CreateCampaign(ctx, db.NewCampaign{WorkspaceID: ws.ID, Name: "Ran", N8nWorkflowID: "wf-ran"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := store.CreateCampaign(ctx, db.NewCampaign{WorkspaceID: ws.ID, Name: "Never", N8nWorkflowID: "wf-never"}); err != nil {
		t.Fatal(err)
	}
	if err := store.SetExecutionSummary(ctx, ran.ID, db.ExecutionSummary{LastID: "42", LastStatus: "success"}); err != nil {
		t.Fatal(err)
	}
	if _, err := m.Up(ctx); err != nil {
		t.Fatal(err)
	}
	marks, err := store.ExecutionWatermarks(ctx, inst.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(marks) != 2 || marks["wf-ran"] != "42" || marks["wf-never"] != "" {
		t.Errorf("watermarks after 00010: %v; want wf-ran 42 and wf-never with none", marks)
	}
	if _, ok := marks["wf-never"]; !ok {
		t.Error("wf-never has no watermark row: sync would backfill it")
	}
}
