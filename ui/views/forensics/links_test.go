package forensics

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/godmode-console/godmode/model"
	"github.com/godmode-console/godmode/themes"
	"github.com/godmode-console/godmode/ui/common"
	"github.com/godmode-console/godmode/ui/uitest"
)

// linkBackend serves recorded executions by id as LinkedExecution, and
// counts the asks. (The model's own check is tested in model and, through
// the fake n8n, in ui.)
type linkBackend struct {
	raw   map[string][]byte
	asked []string
	err   error
}

func (b *linkBackend) ExecutionData(context.Context, model.Actor, int64, string) ([]byte, error) {
	return nil, errors.New("not served")
}

func (b *linkBackend) Retry(context.Context, model.Actor, int64, string, bool) (model.Execution, error) {
	return model.Execution{}, errors.New("not served")
}

func (b *linkBackend) FindRetry(context.Context, int64, string) (*model.Execution, error) {
	return nil, nil
}

func (b *linkBackend) MayRetry(context.Context, model.Actor, int64, string) error { return nil }

func (b *linkBackend) LinkedExecution(_ context.Context, _ model.Actor, inst int64, id string) (model.ExecutionTarget, []byte, error) {
	b.asked = append(b.asked, id)
	if b.err != nil {
		return model.ExecutionTarget{}, nil, b.err
	}
	raw, ok := b.raw[id]
	if !ok {
		return model.ExecutionTarget{}, nil, errors.New("no such execution")
	}
	return model.ExecutionTarget{InstanceID: inst, ExecutionID: id, Instance: "n8n-test"}, raw, nil
}

// The recorded pair from a real n8n: parent 6 called sub-execution 7,
// which failed at its Code node.
func recordedPair(t *testing.T) (parent, child []byte) {
	return readFixture(t, "execution-parent-sub-failed.json"), readFixture(t, "execution-sub-failed-code.json")
}

func linkScreen(t *testing.T, b Backend, raw []byte) *Model {
	t.Helper()
	v, err := Prepare(raw)
	if err != nil {
		t.Fatal(err)
	}
	m := New(b, Options{Actor: model.Actor{Name: "root", SuperAdmin: true}, Theme: themes.MustLoad("dark")})
	m.SetSize(160, 43)
	m.Show(Source{InstanceID: 1}, v)
	return m
}

// press sends a key and delivers what its command answers (not the
// spinner's further frames).
func press(m *Model, k string) []tea.Msg {
	var msg tea.KeyPressMsg
	switch k {
	case "enter":
		msg = tea.KeyPressMsg{Code: tea.KeyEnter}
	case "esc":
		msg = tea.KeyPressMsg{Code: tea.KeyEscape}
	default:
		msg = tea.KeyPressMsg{Code: rune(k[0]), Text: k}
	}
	var got []tea.Msg
	queue := uitest.Run(m.Update(msg), 2*time.Second)
	for len(queue) > 0 {
		a := queue[0]
		queue = queue[1:]
		got = append(got, a)
		if _, ok := a.(spinner.TickMsg); ok {
			continue // a frame; the next would keep the loop going
		}
		queue = append(queue, uitest.Run(m.Update(a), 2*time.Second)...)
	}
	return got
}

func statusOf(msgs []tea.Msg) string {
	for _, a := range msgs {
		if s, ok := a.(common.StatusMsg); ok {
			return s.Text
		}
	}
	return ""
}

func TestUpGoesToTheParentAndEscComesBack(t *testing.T) {
	parent, child := recordedPair(t)
	b := &linkBackend{raw: map[string][]byte{"6": parent}}
	m := linkScreen(t, b, child)
	s := ansi.Strip(m.View())
	if !strings.Contains(s, "▲ called by execution 6 of workflow GbYcV3qCh5zsW6gd") || !strings.Contains(s, "Execution 7") {
		t.Fatalf("the sub-execution does not say who called it:\n%s", s)
	}
	if !helpHas(m.ShortHelp(), "u", "up to 6") {
		t.Errorf("the footer does not offer u: %v", helpText(m.ShortHelp()))
	}
	press(m, "u")
	s = ansi.Strip(m.View())
	if len(b.asked) != 1 || b.asked[0] != "6" || !strings.Contains(s, "Execution 6") ||
		!strings.Contains(s, "#7 godmode-contract-a12e5d67-sub-validator-1 › #6 godmode-contract-a12e5d67-parent-2") {
		t.Fatalf("u asked for %v and shows:\n%s", b.asked, s)
	}
	if !m.OwnsEsc() || !helpHas(m.ShortHelp(), "esc", "back to 7") {
		t.Errorf("esc should step back to 7: owns %v, footer %v", m.OwnsEsc(), helpText(m.ShortHelp()))
	}
	press(m, "esc")
	s = ansi.Strip(m.View())
	if !strings.Contains(s, "Execution 7") || strings.Contains(s, " › ") || m.OwnsEsc() {
		t.Fatalf("esc did not come back to the sub-execution (owns esc: %v):\n%s", m.OwnsEsc(), s)
	}
	if len(b.asked) != 1 {
		t.Errorf("going back asked n8n again: %v", b.asked)
	}
}

// An answer that arrives after esc stopped the open is dropped: the
// screen stays on the parent.
func TestAStaleSubExecutionIsDropped(t *testing.T) {
	parent, child := recordedPair(t)
	b := &linkBackend{raw: map[string][]byte{"7": child}}
	m := linkScreen(t, b, parent)
	cmd := m.Update(tea.KeyPressMsg{Code: tea.KeyEnter}) // Call Validator is selected: its sub-execution
	if !m.Loading() || !strings.Contains(ansi.Strip(m.View()), "opening execution 7 of workflow 4tZcX2Xxhoe86EvP…") {
		t.Fatalf("no spinner while the sub-execution is fetched:\n%s", ansi.Strip(m.View()))
	}
	if !m.OwnsEsc() {
		t.Fatal("esc would leave the screen instead of stopping the open")
	}
	m.Update(tea.KeyPressMsg{Code: tea.KeyEscape})
	for _, a := range uitest.Run(cmd, 2*time.Second) {
		m.Update(a)
	}
	s := ansi.Strip(m.View())
	if !strings.Contains(s, "Execution 6") || strings.Contains(s, "Execution 7") || len(m.trail) != 0 {
		t.Fatalf("the stale answer replaced the parent:\n%s", s)
	}
}

func TestASubExecutionRefusedLeavesTheParentShown(t *testing.T) {
	parent, _ := recordedPair(t)
	b := &linkBackend{err: errors.Join(model.ErrForbidden, errors.New("a member of florida may not view executions of keys"))}
	m := linkScreen(t, b, parent)
	st := statusOf(press(m, "o"))
	if !strings.Contains(st, "You may not open execution 7") || !strings.Contains(st, "may not view executions of keys") {
		t.Errorf("status after a refusal: %q", st)
	}
	if s := ansi.Strip(m.View()); !strings.Contains(s, "Execution 6") || m.OwnsEsc() {
		t.Errorf("the refusal left the parent (owns esc %v):\n%s", m.OwnsEsc(), s)
	}
}

// Opened from a file there is no n8n to fetch from: the link is shown, and
// enter says why it cannot be followed instead of offering it.
func TestASubExecutionCannotBeFollowedFromAFile(t *testing.T) {
	parent, _ := recordedPair(t)
	v, err := Prepare(parent)
	if err != nil {
		t.Fatal(err)
	}
	m := New(nil, Options{Theme: themes.MustLoad("dark")})
	m.SetSize(160, 43)
	m.Show(Source{File: "parent.json"}, v)
	s := ansi.Strip(m.View())
	if !strings.Contains(s, "✗ failed in sub-execution 7 of workflow 4tZcX2Xxhoe86EvP, at node Validate Lead (called by Call Validator): lead has no email [line 1]") ||
		!strings.Contains(s, "Call Validator (→ #7)") {
		t.Fatalf("the link is not shown:\n%s", s)
	}
	if helpHas(m.ShortHelp(), "o", "") || helpHas(m.ShortHelp(), "enter", "open sub-execution 7") {
		t.Errorf("the footer offers a link that cannot be followed: %v", helpText(m.ShortHelp()))
	}
	st := statusOf(press(m, "enter"))
	if !strings.Contains(st, "cannot open execution 7") || !strings.Contains(st, "opened from parent.json: open it with godmode inspect 7") {
		t.Errorf("enter from a file: %q", st)
	}
}

// Names in the data are n8n's, that is anyone's who edits a workflow:
// control characters in a sub-workflow's or a node's name never reach the
// terminal, on the parent's verdict nor in the breadcrumb.
func TestHostileLinkNamesAreCleaned(t *testing.T) {
	parent, child := recordedPair(t)
	parent = bytes.ReplaceAll(parent, []byte("Validate Lead"), []byte(`Validate\u001b]0;owned\u0007 Lead`))
	child = bytes.ReplaceAll(child, []byte("godmode-contract-a12e5d67-sub-validator-1"), []byte(`sub\u001b[2Jvalidator\u009b31m`))
	b := &linkBackend{raw: map[string][]byte{"7": child}}
	m := linkScreen(t, b, parent)
	check := func(when string) {
		t.Helper()
		out := m.View()
		for _, bad := range []string{"\x1b]0;", "\x07", "\x1b[2J", "\u009b"} {
			if strings.Contains(out, bad) {
				t.Errorf("%s: %q reached the screen", when, bad)
			}
		}
	}
	if s := ansi.Strip(m.View()); !strings.Contains(s, "at node Validate") || !strings.Contains(s, "Lead (called by Call Validator)") {
		t.Fatalf("the failed node's name is not shown:\n%s", s)
	}
	check("the parent")
	press(m, "enter")
	if s := ansi.Strip(m.View()); !strings.Contains(s, "› #7 sub") || !strings.Contains(s, "validator") {
		t.Fatalf("the sub-execution's breadcrumb:\n%s", s)
	}
	check("the breadcrumb")
}

// helpHas says whether the footer offers key k with a description
// holding desc.
func helpHas(bs []key.Binding, k, desc string) bool {
	for _, b := range bs {
		if b.Enabled() && b.Help().Key == k && strings.Contains(b.Help().Desc, desc) {
			return true
		}
	}
	return false
}

func helpText(bs []key.Binding) []string {
	var out []string
	for _, b := range bs {
		if b.Enabled() {
			out = append(out, b.Help().Key+" "+b.Help().Desc)
		}
	}
	return out
}

// A screen opened without its instance (a caller that did not say) does
// not claim the execution came from a file.
func TestALinkWithoutAnInstanceSaysSo(t *testing.T) {
	parent, child := recordedPair(t)
	v, err := Prepare(parent)
	if err != nil {
		t.Fatal(err)
	}
	b := &linkBackend{raw: map[string][]byte{"7": child}}
	m := New(b, Options{Actor: model.Actor{Name: "root", SuperAdmin: true}, Theme: themes.MustLoad("dark")})
	m.SetSize(160, 43)
	m.Show(Source{CampaignID: 3}, v)
	st := statusOf(press(m, "enter"))
	if !strings.Contains(st, "does not know which n8n instance") || strings.Contains(st, "file") || len(b.asked) != 0 {
		t.Errorf("enter without an instance: %q (asked %v)", st, b.asked)
	}
}
