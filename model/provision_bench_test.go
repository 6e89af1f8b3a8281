package model_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/godmode-console/godmode/db"
	"github.com/godmode-console/godmode/db/dbtest"
	"github.com/godmode-console/godmode/model"
	"github.com/godmode-console/godmode/model/blueprint"
	"github.com/godmode-console/godmode/model/blueprint/detect"
	"github.com/godmode-console/godmode/model/genesis"
	"github.com/godmode-console/godmode/n8n"
	"github.com/godmode-console/godmode/n8n/n8ntest"
)

// Sizes of BenchmarkProvision100Workspaces.
const (
	benchWorkspaces = 100
	benchInstances  = 4
	// benchLatency is added to every answer of the fake n8n: a loopback
	// call otherwise takes microseconds, and the bound on calls in flight
	// would cost nothing.
	benchLatency = 3 * time.Millisecond
)

// benchBlueprint is four base workflows: the opt-out webhook and the three
// emails, with the Postgres credential created per workspace and the
// OAuth ones given by id.
var benchBlueprint = []string{"Opt-Out.json", "Email 1.json", "Email 2.json", "Email 3.json"}

// BenchmarkProvision100Workspaces provisions 100 workspaces × 4 workflows
// at once, 25 on each of 4 fake n8n instances (3 ms an answer), through one
// console and one Postgres, with the default bound of calls in flight per
// instance. Each iteration starts from fresh instances and workspaces.
//
//	go test ./model/ -run '^$' -bench Provision100 -benchtime 3x
func BenchmarkProvision100Workspaces(b *testing.B) {
	ctx := context.Background()
	kr, _ := db.NewKeyring(masterKey)
	store := db.NewStore(dbtest.New(b), kr)
	b.Cleanup(store.Close)
	console := model.NewConsole(store, func(base, key string) model.N8n { return n8n.New(base, key) }, model.ConsoleOptions{Context: "bench"})
	u, err := store.CreateUser(ctx, "root@example.com", "root", true)
	if err != nil {
		b.Fatal(err)
	}
	super, err := store.Actor(ctx, u, "SHA256:root")
	if err != nil {
		b.Fatal(err)
	}
	var files []string
	for _, f := range benchBlueprint {
		files = append(files, "genesis/testdata/base-optout/"+f)
	}
	srcs, err := blueprint.ReadSources(files)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := model.NewVault(store, detect.Analyze, nil).ImportBlueprint(ctx, super, "bench4", srcs, nil); err != nil {
		b.Fatal(err)
	}
	vals := benchValues(b)

	var maxInFlight int64
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		var fakes []*n8ntest.Server
		var slugs []string
		for k := range benchInstances {
			f := n8ntest.New(n8ntest.WithMajor(2))
			f.SetLatency(benchLatency)
			fakes = append(fakes, f)
			inst, err := store.AddInstance(ctx, db.NewInstance{Name: fmt.Sprintf("n8n-%d-%d", i, k), BaseURL: f.URL, APIKey: f.APIKey})
			if err != nil {
				b.Fatal(err)
			}
			for j := range benchWorkspaces / benchInstances {
				slug := fmt.Sprintf("ws-%d-%d-%d", i, k, j)
				if _, err := store.CreateWorkspace(ctx, slug, "Workspace "+slug, &inst.ID); err != nil {
					b.Fatal(err)
				}
				slugs = append(slugs, slug)
			}
		}
		b.StartTimer()
		var wg sync.WaitGroup
		errs := make(chan error, len(slugs))
		for _, slug := range slugs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				res, err := console.Provision(ctx, super, model.ProvisionRequest{Workspace: slug, Blueprint: "bench4", Version: 1, Values: vals, Activate: true})
				if err == nil && res.Run.Status != model.RunSucceeded {
					err = fmt.Errorf("run %d is %s", res.Run.ID, res.Run.Status)
				}
				if err != nil {
					errs <- fmt.Errorf("%s: %w", slug, err)
				}
			}()
		}
		wg.Wait()
		b.StopTimer()
		close(errs)
		for err := range errs {
			b.Fatal(err)
		}
		for _, f := range fakes {
			if got := f.WorkflowCount(); got != len(benchBlueprint)*benchWorkspaces/benchInstances {
				b.Fatalf("%d workflows on an instance, want %d", got, len(benchBlueprint)*benchWorkspaces/benchInstances)
			}
			maxInFlight = max(maxInFlight, f.MaxInFlight())
			f.Close()
		}
		b.StartTimer()
	}
	b.ReportMetric(float64(benchWorkspaces*b.N)/b.Elapsed().Seconds(), "workspaces/s")
	b.ReportMetric(float64(maxInFlight), "max-calls-in-flight/instance")
}

// benchValues reads testdata/bench4.toml, its secrets from a fake
// environment.
func benchValues(b *testing.B) genesis.Values {
	env := map[string]string{"BENCH_WEBHOOK_TOKEN": "SECRET-bench-token", "BENCH_PG_PASSWORD": "SECRET-bench-pg"}
	v, err := genesis.ReadValues("testdata/bench4.toml", genesis.LoadOptions{Getenv: func(k string) (string, bool) { s, ok := env[k]; return s, ok }})
	if err != nil {
		b.Fatal(err)
	}
	return v
}
