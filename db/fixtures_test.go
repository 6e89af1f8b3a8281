package db_test

import (
	"context"
	"encoding/base64"
	"testing"

	"github.com/godmode-console/godmode/db"
	"github.com/godmode-console/godmode/db/dbtest"
	"github.com/godmode-console/godmode/model"
)

// testKey is a fixed master key so failures are reproducible.
var testKey, _ = base64.StdEncoding.DecodeString("MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=")

func newStore(t *testing.T) (*db.Store, context.Context) {
	t.Helper()
	kr, err := db.NewKeyring(testKey)
	if err != nil {
		t.Fatal(err)
	}
	return db.NewStore(dbtest.New(t), kr), context.Background()
}

// fleet makes an instance with one workspace on it.
func fleet(t *testing.T, s *db.Store, ctx context.Context) (model.Instance, model.Workspace) {
	t.Helper()
	inst, err := s.AddInstance(ctx, db.NewInstance{Name: "ohio", BaseURL: "http://127.0.0.1:5678", APIKey: "n8n_api_ohio_secret"})
	if err != nil {
		t.Fatal(err)
	}
	ws, err := s.CreateWorkspace(ctx, "ohio", "Ohio Roofing", &inst.ID)
	if err != nil {
		t.Fatal(err)
	}
	return inst, ws
}
