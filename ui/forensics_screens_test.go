package ui

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/godmode-console/godmode/model"
	"github.com/godmode-console/godmode/n8n"
	"github.com/godmode-console/godmode/n8n/n8ntest"
	"github.com/godmode-console/godmode/ui/uitest"
	fxview "github.com/godmode-console/godmode/ui/views/forensics"
)

// forensicsFleet is the screen tests' fleet with one recorded execution
// (a fixture from a real n8n) as the newest execution of florida's Email 1,
// so enter on the executions pane's first row opens it. It returns the
// fleet and the execution's id in florida's n8n.
func forensicsFleet(t testing.TB, fixture string, status n8n.Status) (*uitest.Fleet, string) {
	t.Helper()
	f := fleetFixture(t)
	raw, err := os.ReadFile(filepath.Join("..", "forensics", "testdata", fixture))
	if err != nil {
		t.Fatal(err)
	}
	spec := n8ntest.ExecutionSpec{WorkflowID: f.Campaign("florida", "Email 1").N8nWorkflowID, Status: status,
		StartedAt: uitest.Epoch.Add(-20 * time.Second)}
	if status == n8n.StatusError {
		spec.FailAt, spec.Message = "Email Sender", "SMTP 550: mailbox unavailable for bounce@target.com [line 2]"
	}
	srv := f.N8n("florida")
	e, err := srv.AddExecution(spec)
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.SetExecutionData(e.ID, raw); err != nil {
		t.Fatal(err)
	}
	return f, e.ID
}

// openFirstExecution goes to the executions pane and presses enter.
func openFirstExecution(tm *teatest.TestModel) {
	tm.Send(tea.KeyPressMsg{Code: tea.KeyTab})
	tm.Send(tea.KeyPressMsg{Code: tea.KeyTab})
	tm.Send(tea.KeyPressMsg{Code: tea.KeyEnter})
}

// forensicsScreen is screen() for forensics: the console in a real program
// (ASCII profile, fixed clock), enter on the first execution, then steps.
func forensicsScreen(t *testing.T, b *uitest.Backend, w, h int, steps func(tm *teatest.TestModel), want string) []byte {
	t.Helper()
	r := newRoot(b, Options{})
	tm := teatest.NewTestModel(t, r, teatest.WithInitialTermSize(w, h),
		teatest.WithProgramOptions(tea.WithColorProfile(colorprofile.ASCII)))
	// The first poll has drawn florida's executions.
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte(executionsDrawn)) },
		teatest.WithDuration(5*time.Second))
	openFirstExecution(tm)
	// Keys pressed while the execution loads would find no timeline yet.
	first := "Timeline ["
	if steps == nil {
		first = want
	}
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte(first)) },
		teatest.WithDuration(5*time.Second))
	if steps != nil {
		steps(tm)
		teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte(want)) },
			teatest.WithDuration(5*time.Second))
	}
	if err := tm.Quit(); err != nil {
		t.Fatal(err)
	}
	final := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(*Root)
	return []byte(ascii(final.Render()))
}

// requireGolden compares out with testdata/<name>.golden; go test -update
// (the flag teatest's golden package defines) rewrites it.
func requireGolden(t *testing.T, name string, out []byte) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if f := flag.Lookup("update"); f != nil && f.Value.String() == "true" {
		if err := os.WriteFile(path, out, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(want, out) {
		t.Errorf("screen differs from %s:\n--- golden\n%s\n--- now\n%s", path, plain(string(want)), plain(string(out)))
	}
}

func TestForensicsScreen429(t *testing.T) {
	t.Parallel()
	f, id := forensicsFleet(t, "execution-error-http-429-with-binary.json", n8n.StatusError)
	out := forensicsScreen(t, f.As(f.Super()), 160, 45, nil, "failed at")
	s := plain(string(out))
	mustContain(t, s, "Execution "+id+" · ✗ failed · 9 binaries replaced · Email 1 (florida)", "✗ failed at OpenAI Agent: 429 The service is receiving too many requests",
		"Timeline [5/5]", "Inspector · OpenAI Agent (httpRequest)", "3 Error", `"name": "NodeApiError"`, "Attach PDF")
	// The failed run is the selected row.
	if l := lineOf(s, "OpenAI Agent   "); !strings.Contains(l, "✗") || !strings.Contains(l, "1.1s") {
		t.Errorf("the failed run's row reads %q", l)
	}
	requireGolden(t, "forensics-429", out)
}

func TestForensicsScreenLoop(t *testing.T) {
	t.Parallel()
	f, _ := forensicsFleet(t, "execution-success-loop.json", n8n.StatusSuccess)
	out := forensicsScreen(t, f.As(f.Super()), 160, 45, func(tm *teatest.TestModel) {
		// Up to Classify #2, the 10-second run, and show its input.
		for range 12 {
			tm.Send(tea.KeyPressMsg{Code: 'k', Text: "k"})
		}
		tm.Send(tea.KeyPressMsg{Code: '1', Text: "1"})
	}, "Inspector · Classify #2")
	s := plain(string(out))
	mustContain(t, s, "✓ no node failed (19 runs)", "Loop Over Items #6", "Classify #3", "Is Positive? #5", "Timeline [7/19]", "10.2s")
	requireGolden(t, "forensics-loop", out)
}

func TestForensicsScreenStacksOnNarrowTerminals(t *testing.T) {
	t.Parallel()
	f, _ := forensicsFleet(t, "execution-error-http-429-with-binary.json", n8n.StatusError)
	out := forensicsScreen(t, f.As(f.Super()), 80, 24, nil, "failed at")
	s := plain(string(out))
	lines := strings.Split(s, "\n")
	tl, in := -1, -1
	for i, l := range lines {
		if strings.Contains(l, "Timeline [") {
			tl = i
		}
		if strings.Contains(l, "Inspector ·") {
			in = i
		}
	}
	if tl < 0 || in <= tl || strings.Contains(lines[tl], "Inspector") {
		t.Fatalf("at 80 columns the inspector (line %d) should sit below the timeline (line %d):\n%s", in, tl, s)
	}
	requireGolden(t, "forensics-429-80x24", out)
}

// lineOf is the screen line holding sub.
func lineOf(screen, sub string) string {
	for _, l := range strings.Split(screen, "\n") {
		if strings.Contains(l, sub) {
			return l
		}
	}
	return ""
}

// openAt opens forensics on florida's newest execution through the Update
// loop, as actor.
func openAt(t *testing.T, f *uitest.Fleet, actor model.Actor) *Root {
	t.Helper()
	r := newRoot(f.As(actor), Options{})
	sized(r, 160, 45)
	deliver(r, r.Init())
	keys(r, "tab", "tab", "enter")
	return r
}

func TestForensicsCodeNodeShowsTheFailingLine(t *testing.T) {
	t.Parallel()
	f, _ := forensicsFleet(t, "execution-error-code-node.json", n8n.StatusError)
	r := openAt(t, f, f.Super())
	keys(r, "5")
	s := plain(r.Render())
	mustContain(t, s, "javascript line 1/", "▶ 1 const e = $input.first().json.email;", "▶ line 1 is where it failed")
}

func TestForensicsRetryFollowsTheNewExecution(t *testing.T) {
	defer func(d time.Duration) { fxview.FollowEvery = d }(fxview.FollowEvery)
	fxview.FollowEvery = 10 * time.Millisecond
	// Following is a chain of commands (find, fetch, open); give each link
	// time on a loaded machine.
	defer func(d time.Duration) { deliverWait = d }(deliverWait)
	deliverWait = time.Second
	f, id := forensicsFleet(t, "execution-error-code-node.json", n8n.StatusError)
	r := openAt(t, f, f.Super())
	keys(r, "R")
	mustContain(t, plain(r.Render()), "Retry execution "+id+" of Email 1?", "with the workflow as saved now", "with the original workflow")
	keys(r, "o")
	b := f.As(f.Super())
	retry, err := b.FindRetry(context.Background(), f.Campaign("florida", "Email 1").ID, id)
	if err != nil || retry == nil {
		t.Fatalf("no retry of %s in n8n: %v", id, err)
	}
	s := plain(r.Render())
	// The retry failed again the same way and is open.
	mustContain(t, s, "Execution "+retry.ID+" · ✗ failed", "✗ failed at Email Sender", "retry of "+id)
	if st := r.Status().Text; !strings.Contains(st, "retry of "+id+" ended: execution "+retry.ID+" error") {
		t.Errorf("status after following: %q", st)
	}
	audit := f.Audit()
	last := audit[len(audit)-1]
	var after struct {
		LoadWorkflow *bool  `json:"load_workflow"`
		Execution    string `json:"execution"`
	}
	_ = json.Unmarshal(last.After, &after)
	if last.Action != "retry" || last.Outcome != model.OutcomeOK || after.LoadWorkflow == nil || *after.LoadWorkflow || after.Execution != retry.ID {
		t.Errorf("audit: %+v", last)
	}
}

func TestForensicsRetryIsNotOfferedToViewers(t *testing.T) {
	t.Parallel()
	f, id := forensicsFleet(t, "execution-error-http-429-with-binary.json", n8n.StatusError)
	viewer := f.Member("florida", model.RoleViewer)
	b := f.As(viewer)
	r := newRoot(b, Options{})
	sized(r, 160, 45)
	deliver(r, r.Init())
	keys(r, "tab", "tab", "enter")
	mustContain(t, plain(r.Render()), "failed at OpenAI Agent")
	if strings.Contains(plain(r.Render()), "R retry") {
		t.Error("the footer offers retry to a viewer")
	}
	keys(r, "R")
	if strings.Contains(plain(r.Render()), "Retry execution "+id) {
		t.Fatal("a viewer got the retry dialog")
	}
	if n := b.Calls("Retry"); n != 0 {
		t.Errorf("a viewer's R ran a retry %d times", n)
	}
	// The attempt is on the record all the same: the model refused it.
	if rows := failedRows(f.Audit(), viewer.Name, "retry"); len(rows) != 1 || !strings.Contains(rows[0].Error, "viewer") {
		t.Errorf("want one failed retry row for the viewer: %+v", f.Audit())
	}
}

// An execution n8n deleted (or pruned) after the list was read.
func TestForensicsExplainsAMissingExecution(t *testing.T) {
	t.Parallel()
	f := fleetFixture(t)
	id := f.Executions("florida", "Email 1")[0].ID
	r := newRoot(f.As(f.Super()), Options{})
	sized(r, 160, 45)
	deliver(r, r.Init())
	if err := f.N8n("florida").Client().DeleteExecution(context.Background(), id); err != nil {
		t.Fatal(err)
	}
	keys(r, "tab", "tab", "enter")
	s := plain(r.Render())
	mustContain(t, s, "Execution "+id+" no longer exists", "pruned it under its execution retention", "esc goes back")
	keys(r, "esc")
	if s := plain(r.Render()); !strings.Contains(s, "Executions of Email 1") || strings.Contains(s, "no longer exists") {
		t.Errorf("esc did not go back to the fleet:\n%s", s)
	}
}

// n8n answers with a body cut short.
func TestForensicsExplainsInvalidJSON(t *testing.T) {
	t.Parallel()
	f := fleetFixture(t)
	id := f.Executions("florida", "Email 1")[0].ID
	if err := f.N8n("florida").SetExecutionData(id, []byte(`{"id":"`+id+`","data":{"resultData":{"runData":{`)); err != nil {
		t.Fatal(err)
	}
	r := openAt(t, f, f.Super())
	mustContain(t, plain(r.Render()), "Execution "+id+" is not valid JSON", "invalid JSON at line 1")
}

func TestForensicsWithoutRunData(t *testing.T) {
	t.Parallel()
	f := fleetFixture(t)
	id := f.Executions("florida", "Email 1")[0].ID
	if err := f.N8n("florida").SetExecutionData(id, []byte(`{"id":"`+id+`","finished":false,"mode":"webhook","status":"error","startedAt":"2026-03-14T09:28:00.000Z","stoppedAt":"2026-03-14T09:28:01.000Z","workflowId":"x"}`)); err != nil {
		t.Fatal(err)
	}
	r := openAt(t, f, f.Super())
	mustContain(t, plain(r.Render()), "Execution "+id+" · ✗ failed", "n8n kept no run data for this execution", "No node runs")
}

func TestForensicsSavesTheSanitizedExecution(t *testing.T) {
	t.Parallel()
	f, id := forensicsFleet(t, "execution-error-http-429-with-binary.json", n8n.StatusError)
	b := f.As(f.Super())
	r := newRoot(b, Options{})
	dir := t.TempDir()
	r.replace(screenForensics, executionScreen{fxview.New(b, fxview.Options{Actor: b.Actor(), Theme: r.theme, Now: uitest.FixedClock, SaveDir: dir})})
	sized(r, 160, 45)
	deliver(r, r.Init())
	keys(r, "tab", "tab", "enter", "x")
	name := "execution-" + id + ".json"
	saved, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(r.Status().Text, filepath.Join(dir, name)) {
		t.Errorf("the status does not say where it went: %q", r.Status().Text)
	}
	orig, _ := os.ReadFile(filepath.Join("..", "forensics", "testdata", "execution-error-http-429-with-binary.json"))
	if len(saved) == 0 || len(saved) >= len(orig)/2 || !strings.Contains(string(saved), `"OpenAI Agent"`) {
		t.Errorf("saved %d bytes of a %d-byte execution: binaries were not replaced", len(saved), len(orig))
	}
}
