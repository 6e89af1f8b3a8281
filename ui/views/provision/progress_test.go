package provision

import (
	"strings"
	"testing"

	"github.com/charmbracelet/colorprofile"

	"github.com/godmode-console/godmode/model"
	"github.com/godmode-console/godmode/model/genesis"
	"github.com/godmode-console/godmode/themes"
)

func plain(s string) string {
	var b strings.Builder
	w := &colorprofile.Writer{Forward: &b, Profile: colorprofile.NoTTY}
	_, _ = w.WriteString(s)
	return b.String()
}

// While a run applies, the wizard shows the step Postgres recorded last
// and k/N; a step of a run the wizard has left (another seq) is dropped.
func TestApplyShowsEachStepAndDropsStaleOnes(t *testing.T) {
	w := New(nil, model.Actor{}, themes.MustLoad("dark"))
	w.SetSize(100, 20)
	w.slug, w.phase, w.step, w.seq, w.total = "idaho", applying, stepApply, 7, 5
	step := func(seq, n int, kind, ref, status string) {
		w.Update(ProgressMsg{Seq: seq, Progress: model.ProvisionProgress{Run: 42, Total: 5, Status: status, Step: genesis.Step{Seq: n, Kind: kind, Ref: ref}}})
	}
	step(7, 1, genesis.StepCreateCredential, "credential:SLOT", genesis.StepStarted)
	step(7, 1, genesis.StepCreateCredential, "credential:SLOT", genesis.StepDone)
	step(7, 2, genesis.StepCreateWorkflow, "workflow:Email 1.json", genesis.StepStarted)
	s := plain(w.View())
	for _, want := range []string{"step 2/5: create_workflow workflow:Email 1.json", "run 42"} {
		if !strings.Contains(s, want) {
			t.Fatalf("the run's screen lacks %q:\n%s", want, s)
		}
	}
	step(6, 4, genesis.StepTagWorkflow, "workflow:Old.json", genesis.StepStarted) // a run left behind
	step(6, 4, genesis.StepTagWorkflow, "workflow:Old.json", genesis.StepDone)
	if s := plain(w.View()); !strings.Contains(s, "step 2/5: create_workflow") || strings.Contains(s, "Old.json") {
		t.Fatalf("a stale step moved the screen:\n%s", s)
	}
}
