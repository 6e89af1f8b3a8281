package model_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"crypto/rand"
	"encoding/hex"

	"github.com/godmode-console/godmode/db"
	"github.com/godmode-console/godmode/db/dbtest"
	"github.com/godmode-console/godmode/model"
	"github.com/godmode-console/godmode/model/blueprint"
	"github.com/godmode-console/godmode/model/blueprint/detect"
	"github.com/godmode-console/godmode/model/genesis"
	"github.com/godmode-console/godmode/n8n"
)

// BenchmarkProvisionBaseRealN8n provisions one workspace of the six base
// templates (texas' values, activated) on a real n8n of each major
// configured, and rolls it back after each iteration (not timed) so the
// peer is left as it was. A major without its peer configured is skipped:
//
//	source /tmp/h-n8n1/env; source /tmp/h-n8n2/env
//	go test ./model/ -run '^$' -bench ProvisionBaseRealN8n -benchtime 3x
func BenchmarkProvisionBaseRealN8n(b *testing.B) {
	for _, p := range []struct {
		major    int
		url, key string
	}{
		{1, os.Getenv("GODMODE_TEST_N8N_URL"), os.Getenv("GODMODE_TEST_N8N_API_KEY")},
		{2, os.Getenv("GODMODE_TEST_N8N2_URL"), os.Getenv("GODMODE_TEST_N8N2_API_KEY")},
	} {
		b.Run(fmt.Sprintf("n8n-%d.x", p.major), func(b *testing.B) {
			if p.url == "" || p.key == "" {
				b.Skipf("no real n8n %d.x configured", p.major)
			}
			benchRealBase(b, p.url, p.key)
		})
	}
}

func benchRealBase(b *testing.B, url, key string) {
	ctx := context.Background()
	kr, _ := db.NewKeyring(masterKey)
	store := db.NewStore(dbtest.New(b), kr)
	b.Cleanup(store.Close)
	dial := func(base, key string) model.N8n { return n8n.New(base, key) }
	console := model.NewConsole(store, dial, model.ConsoleOptions{Context: "bench"})
	u, err := store.CreateUser(ctx, "root@example.com", "root", true)
	if err != nil {
		b.Fatal(err)
	}
	super, err := store.Actor(ctx, u, "SHA256:root")
	if err != nil {
		b.Fatal(err)
	}
	srcs, err := blueprint.ReadSources([]string{"blueprint/testdata/base"})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := model.NewVault(store, detect.Analyze, nil).ImportBlueprint(ctx, super, "base6", srcs, nil); err != nil {
		b.Fatal(err)
	}
	inst, err := store.AddInstance(ctx, db.NewInstance{Name: "real", BaseURL: url, APIKey: key})
	if err != nil {
		b.Fatal(err)
	}
	vals := realBenchValues(b)
	// Slugs unique per run: the peer keeps what other runs made, and
	// names and webhook paths are the instance's, not this database's.
	suffix := make([]byte, 3)
	_, _ = rand.Read(suffix)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		slug := fmt.Sprintf("gmbench%s%d", hex.EncodeToString(suffix), i)
		if _, err := store.CreateWorkspace(ctx, slug, "Bench "+slug, &inst.ID); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		res, err := console.Provision(ctx, super, model.ProvisionRequest{Workspace: slug, Blueprint: "base6", Version: 1, Values: vals, Activate: true})
		b.StopTimer()
		if res.Run.ID != 0 {
			rctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
			_, rerr := console.RollbackRun(rctx, super, res.Run.ID, &vals)
			cancel()
			if rerr != nil {
				b.Errorf("rolling %s back: %v", slug, rerr)
			}
		}
		peer := n8n.New(url, key)
		for wf, lerr := range peer.Workflows(ctx, n8n.WorkflowFilter{}) {
			if lerr != nil {
				b.Fatal(lerr)
			}
			if strings.HasPrefix(wf.Name, slug+" ") {
				b.Errorf("workflow %s %q is still on the peer after the rollback", wf.ID, wf.Name)
			}
		}
		if err != nil {
			b.Fatalf("provisioning %s: %v", slug, err)
		}
		if res.Run.Status != model.RunSucceeded || len(res.Plan.Workflows) != 6 {
			b.Fatalf("%s: run %d is %s with %d workflows", slug, res.Run.ID, res.Run.Status, len(res.Plan.Workflows))
		}
		b.StartTimer()
	}
}

// realBenchValues are texas' values for the six base templates: the
// file is for base-optout, whose opt-out redirect the six do not have.
func realBenchValues(b *testing.B) genesis.Values {
	env := map[string]string{}
	for _, k := range []string{"APIFY_TOKEN", "CSE_KEY", "RELEVANCE_TOKEN", "PG_PASSWORD", "OPENAI_KEY"} {
		env["TEXAS_"+k] = "SECRET-texas-" + strings.ToLower(k)
	}
	v, err := genesis.ReadValues("genesis/testdata/texas.toml", genesis.LoadOptions{Getenv: func(k string) (string, bool) { s, ok := env[k]; return s, ok }})
	if err != nil {
		b.Fatal(err)
	}
	delete(v.Variables, "YOUR_UNSUBSCRIBE_REDIRECT_URL")
	return v
}
