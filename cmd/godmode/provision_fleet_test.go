package main

import (
	"context"
	"testing"

	"github.com/godmode-console/godmode/db"
	"github.com/godmode-console/godmode/db/dbtest"
	"github.com/godmode-console/godmode/model"
	"github.com/godmode-console/godmode/n8n/n8ntest"
)

// provisionFleet is what the provisioning commands' tests start from: a
// database the commands reach (DATABASE_URL, a master key), texas's
// secrets in the environment as its values file names them, one fake n8n
// of the given major holding a workspace per slug (instance n8n-SLUG), and
// base-cold-email imported.
type provisionFleet struct {
	ctx   context.Context
	store *db.Store
	fake  *n8ntest.Server
	ws    map[string]model.Workspace
}

func newProvisionFleet(t *testing.T, major int, slugs ...string) provisionFleet {
	t.Helper()
	isolate(t)
	url := dbtest.URL(t)
	t.Setenv(envDatabaseURL, url)
	t.Setenv(db.EnvMasterKey, db.GenerateKey())
	for k, v := range map[string]string{"APIFY_TOKEN": "a", "CSE_KEY": "c", "RELEVANCE_TOKEN": "r", "PG_PASSWORD": "p", "OPENAI_KEY": "o"} {
		t.Setenv("TEXAS_"+k, "SECRET-cli-"+v)
	}
	f := provisionFleet{ctx: context.Background(), store: testStore(t, url), fake: n8ntest.New(n8ntest.WithMajor(major)), ws: map[string]model.Workspace{}}
	t.Cleanup(f.fake.Close)
	for _, slug := range slugs {
		inst, err := f.store.AddInstance(f.ctx, db.NewInstance{Name: "n8n-" + slug, BaseURL: f.fake.URL, APIKey: f.fake.APIKey})
		if err != nil {
			t.Fatal(err)
		}
		if f.ws[slug], err = f.store.CreateWorkspace(f.ctx, slug, slug, &inst.ID); err != nil {
			t.Fatal(err)
		}
	}
	if _, errOut, code := godmode(t, "", "blueprint", "import", "base-cold-email", "../../model/genesis/testdata/base-optout"); code != 0 {
		t.Fatalf("import: %s", errOut)
	}
	return f
}
