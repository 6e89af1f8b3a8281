package forensics

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/godmode-console/godmode/themes"
)

// oneRun is an execution whose only node run outputs item.
func oneRun(item string) []byte {
	return []byte(`{"id":"41","status":"success","mode":"manual","startedAt":"2026-03-14T09:00:00.000Z","stoppedAt":"2026-03-14T09:00:01.000Z",` +
		`"workflowData":{"name":"extremes","nodes":[{"name":"Make","type":"n8n-nodes-base.code","parameters":{"jsCode":"return []"}}]},` +
		`"data":{"resultData":{"runData":{"Make":[{"startTime":1773478800000,"executionTime":5,"executionStatus":"success","source":[],` +
		`"data":{"main":[[{"json":` + item + `}]]}}]}}}}`)
}

func shown(t *testing.T, raw []byte, w, h int, keys ...string) string {
	t.Helper()
	v, err := Prepare(raw)
	if err != nil {
		t.Fatal(err)
	}
	m := New(nil, Options{Theme: themes.MustLoad("dark")})
	m.SetSize(w, h)
	m.Show(Source{File: "extremes.json"}, v)
	for _, k := range keys {
		if k == "enter" {
			m.Update(tea.KeyPressMsg{Code: tea.KeyEnter})
			continue
		}
		m.Update(tea.KeyPressMsg{Code: []rune(k)[0], Text: k})
	}
	s := m.View()
	for i, l := range strings.Split(s, "\n") {
		if ansi.StringWidth(l) > w {
			t.Fatalf("line %d is %d cells wide on a %d-cell screen: %q", i, ansi.StringWidth(l), w, ansi.Strip(l))
		}
	}
	return ansi.Strip(s)
}

func TestTenThousandLevelsOfNesting(t *testing.T) {
	const depth = 10_000
	item := strings.Repeat(`{"a":`, depth) + `"bottom"` + strings.Repeat(`}`, depth)
	s := shown(t, oneRun(item), 160, 43, "l", "/", "b", "o", "t", "t", "o", "m", "enter")
	// The root array, the item and its json field sit above the 10,000 levels.
	if !strings.Contains(s, "‹10002›") || !strings.Contains(s, `"a": "bottom"`) || !strings.Contains(s, "path ") {
		t.Fatalf("the bottom of 10,000 levels is not shown with its depth:\n%s", s)
	}
	s = shown(t, oneRun(item), 160, 43, "l", "z", "2")
	if !strings.Contains(s, "{…} 1 key") {
		t.Errorf("folding to level 2 does not collapse the rest:\n%s", s)
	}
}

func TestA30MBString(t *testing.T) {
	item := `{"body":"` + strings.Repeat("x", 30<<20) + `"}`
	s := shown(t, oneRun(item), 120, 30)
	if !strings.Contains(s, `"body": "xxxxxxxx`) || !strings.Contains(s, "1 long string cut") {
		t.Fatalf("the 30 MB string is not shown cut:\n%s", s)
	}
}

// A failure n8n records without a node reads as such, not "failed at : …".
func TestVerdictOfAFailureWithNoNode(t *testing.T) {
	raw := []byte(`{"id":"9","status":"crashed","data":{"resultData":{"error":{"message":"worker lost"},"runData":{}}}}`)
	s := shown(t, raw, 120, 30)
	if strings.Contains(s, "failed at :") || !strings.Contains(s, "✗ failed (n8n did not record at which node): worker lost") {
		t.Fatalf("verdict of a failure with no node:\n%s", s)
	}
}

// The campaign and workspace names come from the database, where anyone
// with a campaign can name it: the header must not pass their escapes on.
func TestHeaderCleansCampaignAndWorkspaceNames(t *testing.T) {
	v, err := Prepare(oneRun(`{"a":1}`))
	if err != nil {
		t.Fatal(err)
	}
	m := New(nil, Options{Theme: themes.MustLoad("dark")})
	m.SetSize(160, 30)
	m.Show(Source{Campaign: "Ohio\x1b]52;c;aGk=\x07\u009b2J", Workspace: "acme\x1b]0;t\x07", CampaignID: 1}, v)
	s := m.View()
	for _, bad := range []string{"\x1b]", "\u009b", "\x07"} {
		if strings.Contains(s, bad) {
			t.Fatalf("the header passes %q from a name to the terminal: %q", bad, s)
		}
	}
}
