package forensics

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/godmode-console/godmode/model"
	"github.com/godmode-console/godmode/themes"
)

// rowOf is the timeline row of node: a line of the timeline's box (its
// styling kept) whose text holds the node's name.
func rowOf(screen, node string) string {
	for _, l := range strings.Split(screen, "\n") {
		if p := ansi.Strip(l); strings.HasPrefix(p, "┃") && !strings.HasPrefix(p, "┃━") && strings.Contains(p, node) {
			return l
		}
	}
	return ""
}

// A retry copies the runs before the failed node from the original, with
// the original's start times: they are marked reused, and the offsets of
// the runs the retry made count from the retry's own start (without the
// mark, the real execution-retry-of-2.json said "+6s" for a run 9 ms into
// the retry).
func TestReusedRunsAreMarkedWithoutAnOffset(t *testing.T) {
	s := shown(t, readFixture(t, "execution-retry-of-2.json"), 160, 30)
	for _, node := range []string{"Webhook ", "Enrich Lead "} {
		if l := rowOf(s, node); !strings.Contains(l, " reused ") {
			t.Errorf("%s's row is not marked reused: %q", node, l)
		}
	}
	if l := rowOf(s, " Email Sender "); !strings.Contains(l, "+9ms") || strings.Contains(l, "+6s") {
		t.Errorf("the retry's own run: %q", l)
	}
}

func TestDisabledAndPinnedRunsAreMarked(t *testing.T) {
	s := shown(t, readFixture(t, "execution-disabled-node.json"), 160, 30)
	if l := rowOf(s, "Normalize"); !strings.Contains(l, "⊘ Normalize (disabled)") {
		t.Errorf("the disabled node's row: %q", l)
	}
	pinned := []byte(`{"id":"52","status":"success","mode":"manual","startedAt":"2026-03-14T09:00:00.000Z","stoppedAt":"2026-03-14T09:00:01.000Z",` +
		`"workflowData":{"name":"pins","nodes":[{"name":"Manual","type":"n8n-nodes-base.manualTrigger","parameters":{}},{"name":"Fetch","type":"n8n-nodes-base.httpRequest","parameters":{}}]},` +
		`"data":{"resultData":{"pinData":{"Fetch":[{"json":{"id":1}}]},"runData":{` +
		`"Manual":[{"startTime":1773478800000,"executionTime":1,"executionStatus":"success","source":[],"data":{"main":[[{"json":{"id":1}}]]}}],` +
		`"Fetch":[{"startTime":1773478800001,"executionTime":1,"executionStatus":"success","source":[{"previousNode":"Manual"}],"data":{"main":[[{"json":{"id":1}}]]}}]}}}}`)
	s = shown(t, pinned, 160, 30)
	if l := rowOf(s, "Fetch"); !strings.Contains(l, "Fetch (pinned)") {
		t.Errorf("the pinned node's row: %q", l)
	}
	if l := rowOf(s, "Manual"); strings.Contains(l, "pinned") {
		t.Errorf("a node without pinned data is marked: %q", l)
	}
}

// The swallowed error is drawn in the theme's soft-failure style, not the
// failure's: the two read as different news.
func TestASoftFailureHasItsOwnGlyphAndStyle(t *testing.T) {
	th := themes.MustLoad("dark")
	if th.Forensics.RunSoft.GetForeground() == th.Forensics.RunFailed.GetForeground() {
		t.Fatal("the theme draws a swallowed error in the failure's colour")
	}
	v, err := Prepare(readFixture(t, "execution-soft-failure-merge.json"))
	if err != nil {
		t.Fatal(err)
	}
	m := New(nil, Options{Theme: th})
	m.SetSize(160, 30)
	m.Show(Source{File: "soft.json"}, v)
	m.Update(tea.KeyPressMsg{Code: 'g', Text: "g"}) // the cursor off the soft run, so its own colours show
	out := m.View()
	row := rowOf(out, "Fetch Profile")
	if !strings.Contains(row, th.Forensics.RunSoft.Render("⚠")) || strings.Contains(row, th.Error.Render("✗")) {
		t.Errorf("the soft failure's row is not drawn as one: %q", row)
	}
	if r, ok := m.Selected(); !ok || r.Node != "Webhook" {
		t.Fatalf("g did not move to the top: %+v", r)
	}
}

// With no hard failure the error hunter lands on the first swallowed
// error, its error tab open on what the node tucked into its items.
func TestTheErrorHunterLandsOnTheSwallowedError(t *testing.T) {
	v, err := Prepare(readFixture(t, "execution-soft-failure-merge.json"))
	if err != nil {
		t.Fatal(err)
	}
	m := New(nil, Options{Theme: themes.MustLoad("dark")})
	m.SetSize(160, 30)
	m.Show(Source{File: "soft.json"}, v)
	if r, ok := m.Selected(); !ok || r.Node != "Fetch Profile" || m.Tab() != "Error" {
		t.Fatalf("opened on %s, tab %s", r.Node, m.Tab())
	}
	s := ansi.Strip(m.View())
	for _, want := range []string{`"message": "connect ECONNREFUSED 127.0.0.1:1"`, `"code": "ECONNREFUSED"`, "⚠ succeeded, 1 error swallowed"} {
		if !strings.Contains(s, want) {
			t.Errorf("screen lacks %q:\n%s", want, s)
		}
	}
}

// An Error Trigger's execution points at the execution that failed, and u
// opens it.
func TestAnErrorTriggerLinksToTheFailedExecution(t *testing.T) {
	raw := []byte(`{"id":"240","status":"success","mode":"error","workflowId":"wfErr","startedAt":"2026-03-14T09:00:00.000Z","stoppedAt":"2026-03-14T09:00:01.000Z",` +
		`"workflowData":{"name":"Alerts","nodes":[{"name":"Error Trigger","type":"n8n-nodes-base.errorTrigger","parameters":{}}]},` +
		`"data":{"resultData":{"runData":{"Error Trigger":[{"startTime":1773478800000,"executionTime":1,"executionStatus":"success","source":[],` +
		`"data":{"main":[[{"json":{"execution":{"id":"231","lastNodeExecuted":"Send Mail","mode":"trigger","error":{"message":"SMTP 550","node":{"name":"Send Mail"}}},` +
		`"workflow":{"id":"wfFailed","name":"Ohio · Email 1"}}}]]}}]}}}}`)
	_, failed := recordedPair(t)
	b := &linkBackend{raw: map[string][]byte{"231": failed}}
	m := linkScreen(t, b, raw)
	s := ansi.Strip(m.View())
	if !strings.Contains(s, `▲ started by an Error Trigger for failed execution 231 of workflow "Ohio · Email 1", which failed at node Send Mail`) {
		t.Fatalf("the link to the failed execution:\n%s", s)
	}
	if !helpHas(m.ShortHelp(), "u", "failed execution 231") {
		t.Errorf("footer: %v", helpText(m.ShortHelp()))
	}
	press(m, "u")
	if len(b.asked) != 1 || b.asked[0] != "231" || !strings.Contains(ansi.Strip(m.View()), "#240 Alerts › #") {
		t.Fatalf("u asked %v:\n%s", b.asked, ansi.Strip(m.View()))
	}
}

// Following a link is a read: a read-only session follows it as any other.
func TestAReadOnlySessionFollowsLinks(t *testing.T) {
	parent, child := recordedPair(t)
	v, err := Prepare(parent)
	if err != nil {
		t.Fatal(err)
	}
	b := &linkBackend{raw: map[string][]byte{"7": child}}
	m := New(b, Options{Actor: model.Actor{Name: "root", SuperAdmin: true}, ReadOnly: true, Theme: themes.MustLoad("dark")})
	m.SetSize(160, 43)
	m.Show(Source{InstanceID: 1}, v)
	press(m, "enter")
	if s := ansi.Strip(m.View()); !strings.Contains(s, "Execution 7 ·") {
		t.Fatalf("read-only: enter did not open the sub-execution:\n%s", s)
	}
}

// godmode inspect ID runs the screen alone, where esc quits: along a path
// it steps back first, and quits only from where the path began.
func TestStandaloneEscStepsBackBeforeQuitting(t *testing.T) {
	parent, child := recordedPair(t)
	b := &linkBackend{raw: map[string][]byte{"7": child}}
	m := linkScreen(t, b, parent)
	s := NewStandalone(m, nil)
	s.Update(tea.WindowSizeMsg{Width: 160, Height: 45})
	press(m, "enter")
	if !strings.Contains(ansi.Strip(s.Render()), "esc back to 6") {
		t.Errorf("the standalone footer does not say esc goes back:\n%s", ansi.Strip(s.Render()))
	}
	_, cmd := s.Update(tea.KeyPressMsg{Code: tea.KeyEscape})
	if cmd != nil {
		if _, quit := cmd().(tea.QuitMsg); quit {
			t.Fatal("esc quit from the sub-execution")
		}
	}
	if out := ansi.Strip(s.Render()); !strings.Contains(out, "Execution 6 ·") {
		t.Fatalf("esc did not go back to the parent:\n%s", out)
	}
	_, cmd = s.Update(tea.KeyPressMsg{Code: tea.KeyEscape})
	if cmd == nil {
		t.Fatal("esc at the start of the path did nothing")
	}
	if _, quit := cmd().(tea.QuitMsg); !quit {
		t.Error("esc at the start of the path did not quit")
	}
}
