package model_test

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/godmode-console/godmode/db"
	"github.com/godmode-console/godmode/model"
	"github.com/godmode-console/godmode/n8n/n8ntest"
)

// sharedInstance makes n workspaces awaiting setup on one fake n8n (2.x),
// named prefix-1 … prefix-n.
func (w *provWorld) sharedInstance(name string, n int) (*n8ntest.Server, []string) {
	w.t.Helper()
	f := n8ntest.New(n8ntest.WithMajor(2))
	w.t.Cleanup(f.Close)
	inst, err := w.store.AddInstance(w.ctx, db.NewInstance{Name: name, BaseURL: f.URL, APIKey: f.APIKey})
	if err != nil {
		w.t.Fatal(err)
	}
	var slugs []string
	for i := 1; i <= n; i++ {
		slug := fmt.Sprintf("%s-%d", name, i)
		if _, err := w.store.CreateWorkspace(w.ctx, slug, "Workspace "+slug, &inst.ID); err != nil {
			w.t.Fatal(err)
		}
		slugs = append(slugs, slug)
	}
	return f, slugs
}

// Six workspaces on one instance provisioned at once by one console: the
// instance never serves more of their calls at once than the console's
// bound, 2 when configured so, DefaultProvisionCalls (4) when not (without
// the bound, the client's own 8 slots let the six runs' calls overlap),
// and every run still succeeds.
func TestProvisionCallsPerInstanceAreBounded(t *testing.T) {
	for _, tc := range []struct{ option, bound int }{{2, 2}, {0, model.DefaultProvisionCalls}} {
		t.Run(fmt.Sprintf("ProvisionCalls=%d", tc.option), func(t *testing.T) {
			w := newProvWorld(t)
			console := model.NewConsole(w.store, provDial(), model.ConsoleOptions{Context: "test", ProvisionCalls: tc.option})
			f, slugs := w.sharedInstance("shared", 6)
			// Each answer takes a while, so calls of different runs overlap.
			f.SetLatency(15 * time.Millisecond)
			vals := w.values("texas")
			var wg sync.WaitGroup
			errs := make([]error, len(slugs))
			for i, slug := range slugs {
				wg.Add(1)
				go func() {
					defer wg.Done()
					res, err := console.Provision(w.ctx, w.super, model.ProvisionRequest{Workspace: slug, Blueprint: "base-cold-email", Version: 1, Values: vals, Activate: true})
					if err == nil && res.Run.Status != model.RunSucceeded {
						err = fmt.Errorf("run %d is %s", res.Run.ID, res.Run.Status)
					}
					errs[i] = err
				}()
			}
			wg.Wait()
			for i, err := range errs {
				if err != nil {
					t.Errorf("%s: %v", slugs[i], err)
				}
			}
			if got := f.MaxInFlight(); got > int64(tc.bound) {
				t.Errorf("the instance served %d provisioning calls at once, want at most %d", got, tc.bound)
			} else if got < 2 {
				t.Errorf("the instance served at most %d call at once: the runs did not overlap, the test shows nothing", got)
			}
			if got, want := f.WorkflowCount(), 7*len(slugs); got != want {
				t.Errorf("%d workflows in n8n, want %d", got, want)
			}
		})
	}
}
