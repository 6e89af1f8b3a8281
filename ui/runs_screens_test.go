package ui

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/godmode-console/godmode/model"
	"github.com/godmode-console/godmode/model/blueprint"
	"github.com/godmode-console/godmode/model/genesis"
	"github.com/godmode-console/godmode/n8n"
	"github.com/godmode-console/godmode/ui/common"
	"github.com/godmode-console/godmode/ui/uitest"
	"github.com/godmode-console/godmode/ui/views/runs"
)

// runsFixture is the screen tests' fleet with two runs recorded as a
// stopped apply leaves them: florida's (older) made one workflow that is
// in its n8n, then failed with an error full of control characters;
// texas' (newer) made a credential, then stopped on a workflow create of
// unknown outcome.
type runsFixture struct {
	f               *uitest.Fleet
	florida, texas  int64
	floridaWorkflow string
}

const runError = "n8n answered 500:\x1b[31m boom\x07\nat step 2"

func newRunsFixture(t *testing.T, opt uitest.Options) runsFixture {
	t.Helper()
	opt.Workspaces, opt.Majors = fleetOptions.Workspaces, fleetOptions.Majors
	f := uitest.New(t, opt)
	ctx := t.Context()
	paths, _ := filepath.Glob("../model/blueprint/testdata/base/*.json")
	var src []blueprint.Source
	for _, p := range paths[:1] {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		src = append(src, blueprint.Source{Name: filepath.Base(p), Data: data})
	}
	if _, err := model.NewVault(f.Store, nil, nil).ImportBlueprint(ctx, f.AsSuper().Actor(), "base-cold-email", src, nil); err != nil {
		t.Fatal(err)
	}
	bv, err := f.Store.BlueprintVersionByName(ctx, "base-cold-email", 1)
	if err != nil {
		t.Fatal(err)
	}
	wf, err := f.N8n("florida").AddWorkflow(n8n.Workflow{Name: "florida · Email 9", Connections: json.RawMessage(`{}`),
		Nodes: []n8n.Node{{Name: "Start", Type: "n8n-nodes-base.manualTrigger", TypeVersion: 1, Parameters: json.RawMessage(`{}`)}}})
	if err != nil {
		t.Fatal(err)
	}
	rf := runsFixture{f: f, floridaWorkflow: wf.ID}
	record := func(slug string, steps func(id int64), errMsg string) int64 {
		r, err := f.Store.StartProvisioningRun(ctx, f.Workspace(slug).ID, bv.ID, nil, false)
		if err != nil {
			t.Fatal(err)
		}
		steps(r.ID)
		if _, err := f.Store.SetRunStatus(ctx, r.ID, model.RunFailed, errMsg); err != nil {
			t.Fatal(err)
		}
		return r.ID
	}
	must := func(err error) {
		if err != nil {
			t.Fatal(err)
		}
	}
	rf.florida = record("florida", func(id int64) {
		must(f.Store.StepStarted(ctx, id, 1, genesis.StepCreateWorkflow, "workflow:email-9.json", ""))
		must(f.Store.SetStepStatus(ctx, id, 1, genesis.StepDone, wf.ID, ""))
		must(f.Store.StepStarted(ctx, id, 2, genesis.StepActivateWorkflow, "workflow:email-9.json", ""))
		must(f.Store.SetStepStatus(ctx, id, 2, genesis.StepFailed, "", runError))
	}, runError)
	rf.texas = record("texas", func(id int64) {
		must(f.Store.StepStarted(ctx, id, 1, genesis.StepCreateCredential, "credential:smtp", ""))
		must(f.Store.SetStepStatus(ctx, id, 1, genesis.StepDone, "cred-77", ""))
		must(f.Store.StepStarted(ctx, id, 2, genesis.StepCreateWorkflow, "workflow:email-1.json", ""))
	}, "killed")
	rf.pin(t)
	return rf
}

// pin puts the runs on the fleet's clock: started 10 and 5 minutes
// before it, finished a minute after they started.
func (rf runsFixture) pin(t *testing.T) {
	t.Helper()
	_, err := rf.f.Store.Pool().Exec(t.Context(), `UPDATE provisioning_runs SET started_at = $1::timestamptz - (10 - 5 * (id - $2)) * interval '1 minute',
		finished_at = CASE WHEN finished_at IS NULL THEN NULL ELSE $1::timestamptz - (9 - 5 * (id - $2)) * interval '1 minute' END`, rf.f.Now, rf.florida)
	if err != nil {
		t.Fatal(err)
	}
}

func runsView(t *testing.T, r *Root) *runs.Model {
	t.Helper()
	s, ok := r.screen("runs")
	if !ok {
		t.Fatal("no :runs screen")
	}
	return s.(runsScreen).Model
}

func runView(t *testing.T, r *Root) *runs.Detail {
	t.Helper()
	s, ok := r.screen(runs.DetailScreen)
	if !ok {
		t.Fatal("no run screen")
	}
	return s.(runScreen).Detail
}

func openRuns(t *testing.T, b *uitest.Backend, o Options, w, h int) *Root {
	t.Helper()
	r := newRoot(b, o)
	sized(r, w, h)
	deliver(r, r.Init())
	keys(r, ":", "runs", "enter")
	return r
}

// cleanedRunError is runError as the screens print it: each control
// character shown as its picture, the line kept one line.
const cleanedRunError = "n8n answered 500:␛[31m boom␇␊at step 2"

// noControl fails when the screen as drawn (with the theme's own escape
// codes) carries the error's control characters.
func noControl(t *testing.T, raw string) {
	t.Helper()
	if strings.Contains(raw, "\x07") || strings.Contains(raw, "\x1b[31m boom") || strings.Contains(raw, "500:\x1b") {
		t.Errorf("the screen carries a control character of the data:\n%q", raw)
	}
}

func TestScreenRunsListsEveryRunNewestFirstAndOpensOne(t *testing.T) {
	t.Parallel()
	rf := newRunsFixture(t, uitest.Options{})
	r := openRuns(t, rf.f.AsSuper(), Options{}, 160, 45)
	noControl(t, r.Render())
	s := plain(r.Render())
	mustContain(t, s, "Provisioning runs [2] · 2 not finished", "RUN", "WORKSPACE", "BLUEPRINT", "STATUS", "STARTED", "FINISHED", "STEPS", "ERROR")
	tx, fl := line(s, " texas "), line(s, " florida ")
	mustContain(t, tx, strconv.FormatInt(rf.texas, 10), "base-cold-email@v1", "failed", "5m ago", "4m ago", "1/2", "killed")
	mustContain(t, fl, strconv.FormatInt(rf.florida, 10), "base-cold-email@v1", "failed", "10m ago", "9m ago", "1/2", cleanedRunError)
	if strings.Index(s, tx) > strings.Index(s, fl) {
		t.Errorf("texas' run (newer) is not above florida's:\n%s", s)
	}
	mustContain(t, s, "enter steps", "R roll back run")

	keys(r, "j", "enter") // florida's
	d := runView(t, r)
	if d.Shown().ID != rf.florida {
		t.Fatalf("opened run %d, want florida's %d", d.Shown().ID, rf.florida)
	}
	noControl(t, r.Render())
	s = plain(r.Render())
	id := strconv.FormatInt(rf.florida, 10)
	mustContain(t, s, "Run "+id+" · florida · base-cold-email@v1 · failed", "steps done 1/2",
		"error: "+cleanedRunError,
		"This run stopped: resume it with `godmode provision --resume "+id+" --values FILE`", "--rollback "+id+"`")
	mustContain(t, line(s, " create_workflow "), "workflow:email-9.json", "done", rf.floridaWorkflow)
	mustContain(t, line(s, " activate_workflow "), "failed", cleanedRunError)
	if strings.Index(s, " create_workflow ") > strings.Index(s, " activate_workflow ") {
		t.Errorf("steps are not in order:\n%s", s)
	}
}

// At 80×24 every line fits and the row, its steps and the advice read.
func TestScreenRunsAt80x24(t *testing.T) {
	t.Parallel()
	rf := newRunsFixture(t, uitest.Options{})
	r := openRuns(t, rf.f.AsSuper(), Options{}, 80, 24)
	check := func(s string) {
		t.Helper()
		lines := strings.Split(s, "\n")
		if len(lines) != 24 {
			t.Errorf("%d lines, want 24", len(lines))
		}
		for i, l := range lines {
			if w := ansi.StringWidth(l); w > 80 {
				t.Errorf("line %d is %d wide: %q", i+1, w, l)
			}
		}
	}
	s := plain(r.Render())
	check(s)
	mustContain(t, s, "Provisioning runs [2]", "texas", "florida", "failed", "1/2", "run "+strconv.FormatInt(rf.texas, 10)+": killed")
	keys(r, "enter")
	s = plain(r.Render())
	check(s)
	id := strconv.FormatInt(rf.texas, 10)
	mustContain(t, s, "Run "+id+" · texas", "--resume "+id, "create_credential", "cred-77", "started")
}

// R on a run with a step of unknown outcome: the model refuses, naming
// the step, and the screen says so; nothing is undone.
func TestScreenRunsRollbackRefusedNamesTheStep(t *testing.T) {
	t.Parallel()
	rf := newRunsFixture(t, uitest.Options{})
	r := openRuns(t, rf.f.AsSuper(), Options{}, 160, 45)
	keys(r, "enter", "R") // texas'
	id := strconv.FormatInt(rf.texas, 10)
	mustContain(t, plain(r.Render()), "Roll back run "+id+" (texas, base-cold-email@v1)?", "Type the run number to confirm")
	keys(r, "9", "enter")
	mustContain(t, plain(r.Render()), "type "+id+" to roll back run "+id)
	_, cmd := r.Update(tea.KeyPressMsg{Code: tea.KeyBackspace})
	deliver(r, cmd)
	keys(r, id)
	_, cmd = r.Update(tea.KeyPressMsg{Code: tea.KeyEnter})
	deliverSlow(r, cmd, 10*time.Second)
	st := r.Status()
	if st.Level != common.Failure || !strings.Contains(st.Text, "rollback of run "+id+" refused") || !strings.Contains(st.Text, "step 2") || !strings.Contains(st.Text, "unknown") {
		t.Fatalf("status %+v, want the refusal naming step 2", st)
	}
	mustContain(t, plain(r.Render()), "rollback of run "+id+" refused")
	_, steps, err := rf.f.AsSuper().ProvisioningRun(t.Context(), rf.texas)
	if err != nil || steps[0].Status != genesis.StepDone {
		t.Errorf("after a refused rollback: steps %+v, %v", steps, err)
	}
}

// R on a run whose steps are all known: confirmed, it undoes them; the
// workflow is gone from n8n and the screen shows the run rolled back.
func TestScreenRunsRollbackUndoesTheRun(t *testing.T) {
	t.Parallel()
	rf := newRunsFixture(t, uitest.Options{})
	r := openRuns(t, rf.f.AsSuper(), Options{}, 160, 45)
	keys(r, "j", "R")
	id := strconv.FormatInt(rf.florida, 10)
	keys(r, id)
	_, cmd := r.Update(tea.KeyPressMsg{Code: tea.KeyEnter})
	// The spinner line shows while the rollback runs.
	mustContain(t, plain(r.Render()), "rolling back run "+id+"…")
	deliverSlow(r, cmd, 10*time.Second)
	st := r.Status()
	if st.Level != common.Success || st.Text != "run "+id+" rolled back: 2 steps undone" {
		t.Fatalf("status %+v", st)
	}
	if _, ok := rf.f.N8n("florida").Workflow(rf.floridaWorkflow); ok {
		t.Errorf("the run's workflow %s is still in n8n", rf.floridaWorkflow)
	}
	rf.pin(t)
	deliver(r, runsView(t, r).Load())
	mustContain(t, line(plain(r.Render()), " florida "), "rolled_back", "0/2")
}

// In a read-only session, and for anyone not a super admin, R is not
// offered and does nothing.
func TestScreenRunsRollbackHiddenInReadOnlyAndForOthers(t *testing.T) {
	t.Parallel()
	rf := newRunsFixture(t, uitest.Options{ReadOnly: true})
	r := openRuns(t, rf.f.AsSuper(), Options{ReadOnly: true}, 160, 45)
	if s := plain(r.Render()); strings.Contains(s, "roll back") || !strings.Contains(s, "Provisioning runs [2]") {
		t.Errorf("read-only :runs:\n%s", s)
	}
	keys(r, "R")
	keys(r, "enter", "R")
	if s := plain(r.Render()); strings.Contains(s, "Roll back run") || strings.Contains(s, "(R here)") {
		t.Errorf("read-only: a rollback offered:\n%s", s)
	}
	owner := rf.f.Member("florida", model.RoleOwner)
	m := runs.New(rf.f.As(owner), runs.Options{Actor: owner, Theme: r.opts.Theme, Now: uitest.FixedClock})
	for _, k := range m.ShortHelp() {
		if k.Help().Key == "R" && k.Enabled() {
			t.Errorf("a workspace owner is offered R")
		}
	}
}

// A run recorded elsewhere reaches the screen through the change feed,
// and the cursor stays on the run it was on.
func TestScreenRunsFollowsChangesKeepingTheCursor(t *testing.T) {
	t.Parallel()
	rf := newRunsFixture(t, uitest.Options{})
	r := openRuns(t, rf.f.AsSuper(), Options{}, 160, 45)
	keys(r, "j")
	if sel, _ := runsView(t, r).Selected(); sel.ID != rf.florida {
		t.Fatalf("selected %d", sel.ID)
	}
	bv, _ := rf.f.Store.BlueprintVersionByName(t.Context(), "base-cold-email", 1)
	if _, err := rf.f.Store.StartProvisioningRun(t.Context(), rf.f.Workspace("ohio").ID, bv.ID, nil, false); err != nil {
		t.Fatal(err)
	}
	_, cmd := r.Update(changesMsg{set: model.ChangeSet{Tables: map[string]bool{model.TableProvisioningRuns: true}}})
	deliver(r, cmd)
	v := runsView(t, r)
	if sel, _ := v.Selected(); sel.ID != rf.florida || v.Len() != 3 {
		t.Errorf("after a new run: %d rows, cursor on %d, want 3 and florida's %d", v.Len(), sel.ID, rf.florida)
	}
	mustContain(t, plain(r.Render()), "Provisioning runs [3]", " ohio ", "applying")
}
