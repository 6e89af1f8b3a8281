package model_test

import (
	"fmt"
	"testing"

	"github.com/godmode-console/godmode/model"
	"github.com/godmode-console/godmode/model/genesis"
)

// A screen showing a run live hears every step of the plan, in order,
// started then done, each once Postgres holds it.
func TestProvisionTellsEachStepAsItIsRecorded(t *testing.T) {
	w := newProvWorld(t)
	w.workspace("texas")
	var heard []model.ProvisionProgress
	res, err := w.console.Provision(w.ctx, w.super, model.ProvisionRequest{Workspace: "texas", Blueprint: "base-cold-email", Version: 1,
		Values: w.values("texas"), Activate: true, Progress: func(p model.ProvisionProgress) {
			steps, _ := w.store.RunSteps(w.ctx, p.Run)
			for _, s := range steps {
				if s.Seq == p.Step.Seq && s.Status != p.Status {
					t.Errorf("step %d heard %s while Postgres holds %s", s.Seq, p.Status, s.Status)
				}
			}
			heard = append(heard, p)
		}})
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, s := range res.Plan.Steps {
		want = append(want, fmt.Sprintf("%d %s %s %s", s.Seq, s.Kind, s.Ref, genesis.StepStarted), fmt.Sprintf("%d %s %s %s", s.Seq, s.Kind, s.Ref, genesis.StepDone))
	}
	if len(heard) != len(want) {
		t.Fatalf("heard %d step events, want %d (started and done for each of %d steps)", len(heard), len(want), len(res.Plan.Steps))
	}
	for i, p := range heard {
		if got := fmt.Sprintf("%d %s %s %s", p.Step.Seq, p.Step.Kind, p.Step.Ref, p.Status); got != want[i] || p.Total != len(res.Plan.Steps) || p.Run != res.Run.ID {
			t.Errorf("event %d: %s (of %d, run %d), want %s (of %d, run %d)", i, got, p.Total, p.Run, want[i], len(res.Plan.Steps), res.Run.ID)
		}
	}
}
