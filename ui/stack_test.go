package ui

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/godmode-console/godmode/model"
	"github.com/godmode-console/godmode/themes"
	"github.com/godmode-console/godmode/ui/uitest"
)

// greeter is a screen a test registers: it loads a greeting through the
// root like any screen, and counts its reloads.
type greeter struct {
	text    string
	reloads *int
	theme   *themes.Theme
	w, h    int
	wave    key.Binding
}

type greetedMsg struct{ text string }

func (g *greeter) Init() tea.Cmd {
	return func() tea.Msg { return greetedMsg{text: "hello from a registered screen"} }
}

func (g *greeter) Update(msg tea.Msg) tea.Cmd {
	if m, ok := msg.(greetedMsg); ok {
		g.text = m.text
	}
	return nil
}

func (g *greeter) View() string              { return g.text }
func (g *greeter) SetSize(w, h int)          { g.w, g.h = w, h }
func (g *greeter) SetTheme(th *themes.Theme) { g.theme = th }
func (g *greeter) ShortHelp() []key.Binding  { return []key.Binding{g.wave} }
func (g *greeter) FullHelp() [][]key.Binding { return [][]key.Binding{{g.wave}} }
func (g *greeter) Capturing() bool           { return false }
func (g *greeter) Concerns(s model.ChangeSet) bool {
	return s.Has(model.TableWorkspaces)
}
func (g *greeter) Reload() tea.Cmd {
	*g.reloads++
	return g.Init()
}

func greeterSpec(reloads *int) ScreenSpec {
	return ScreenSpec{ID: "greeter", Title: "greeter", Commands: []Command{{Name: "greet", Aliases: []string{"hi"}, Help: "a screen registered by a test"}},
		New: func(Env) Screen {
			return &greeter{reloads: reloads, wave: key.NewBinding(key.WithKeys("w"), key.WithHelp("w", "wave back"))}
		}}
}

// Must-show 4: a screen is added by registering it, in one place; its
// command opens it, the palette completes it, the help lists it and its
// keys, esc goes back, and change sets that concern it reload it.
func TestARegisteredScreenOpensWithItsCommandAndIsInTheHelp(t *testing.T) {
	reloads := 0
	r := newRoot(fleetBackend(t), Options{Screens: []ScreenSpec{greeterSpec(&reloads)}})
	sized(r, 160, 45)
	deliver(r, r.Init())

	keys(r, ":", "gre")
	if got := r.cmdline.CurrentSuggestion(); got != "greet" {
		t.Errorf("the palette completes :gre to %q, want greet", got)
	}
	keys(r, "enter")
	screen := plain(r.Render())
	mustContain(t, screen, "hello from a registered screen", "w wave back", "esc back to fleet")
	keys(r, "?")
	mustContain(t, plain(r.Render()), ":greet (hi)", "a screen registered by a test", "wave back")
	keys(r, "esc", "esc")
	if r.topID() != screenFleet || strings.Contains(plain(r.Render()), "hello from") {
		t.Errorf("esc left %s on top:\n%s", r.topID(), plain(r.Render()))
	}

	keys(r, ":", "hi", "enter")
	_, cmd := r.Update(changesMsg{set: model.ChangeSet{Tables: map[string]bool{model.TableWorkspaces: true}}})
	deliver(r, cmd)
	_, cmd = r.Update(changesMsg{set: model.ChangeSet{Tables: map[string]bool{model.TableAudit: true}}})
	deliver(r, cmd)
	if reloads != 1 {
		t.Errorf("the screen reloaded %d times for one set that concerns it and one that does not", reloads)
	}
}

// auditOf appends three entries of bob's on florida's Email 1, newest
// last, with what the entry screen shows: a JSON before/after, an error,
// and text from data that carries terminal sequences. It returns bob's
// user id.
func auditOf(t *testing.T, f *uitest.Fleet) int64 {
	t.Helper()
	ctx := context.Background()
	bob, err := f.Store.CreateUser(ctx, "bob@acme.io", "Bob", false)
	if err != nil {
		t.Fatal(err)
	}
	camp := f.Campaign("florida", "Email 1")
	for i, action := range []string{"freeze", "toggle", "unfreeze"} {
		e := model.AuditEntry{ActorUserID: &bob.ID, ActorName: "bob@acme.io",
			Action: action, WorkspaceID: &camp.WorkspaceID, CampaignID: &camp.ID, Outcome: model.OutcomeOK,
			Before: []byte(fmt.Sprintf(`{"status":"active","step":%d}`, i)), After: []byte(fmt.Sprintf(`{"status":"paused","step":%d}`, i))}
		if action == "toggle" {
			note, _ := json.Marshal(map[string]string{"note": hostile})
			e.Outcome, e.Error, e.After = model.OutcomeFailed, "n8n answered 500 "+hostile, note
		}
		if _, err := f.Store.AppendAudit(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	return bob.ID
}

// selectedLine is the screen line drawn in the selected row's style.
func selectedLine(t *testing.T, r *Root, has string) bool {
	t.Helper()
	l := line(ascii(r.Render()), has)
	if l == "" {
		t.Fatalf("no line shows %q:\n%s", has, plain(r.Render()))
	}
	// The selected row is drawn bold from its first cell: past the pane's
	// border and style resets, the row starts with the bold sequence.
	row := strings.TrimLeft(strings.ReplaceAll(l, "\x1b[m", ""), "┃│")
	return strings.HasPrefix(row, "\x1b[1m")
}

// Must-show 4: :audit → enter → the entry → esc back to the trail with
// the same row selected → esc back to the fleet.
func TestEscFromAnAuditEntryReturnsToTheTrailOnTheSameRowThenToTheFleet(t *testing.T) {
	f := fleetFixture(t)
	bob := auditOf(t, f)
	r := newRoot(f.AsSuper(), Options{})
	sized(r, 160, 45)
	deliver(r, r.Init())

	keys(r, ":", "audit actor=bob@acme.io", "enter", "j")
	mustContain(t, plain(r.Render()), "Audit trail [3] · actor=bob@acme.io", "enter details")
	if !selectedLine(t, r, "toggle") || selectedLine(t, r, "unfreeze") {
		t.Fatalf("j did not select the second row (toggle):\n%q", ascii(r.Render()))
	}
	keys(r, "enter")
	frame := r.Render()
	screen := plain(frame)
	mustContain(t, screen, "Audit entry #", fmt.Sprintf("actor      bob@acme.io (user %d)", bob), "action     toggle", "workspace  florida",
		"campaign   Email 1", "outcome    failed", "error      n8n answered 500 ␛]52;", `"status": "active"`, `"step": 1`,
		`"note": "\u001b]52;`, "esc back to audit trail")
	for _, bad := range []string{"\x1b]", "\x07", "\u009b", "\r", "\x1b[2J"} {
		if strings.Contains(frame, bad) {
			t.Errorf("the entry screen carries %q from data", bad)
		}
	}
	if strings.Contains(screen, "Audit trail [") {
		t.Fatal("the entry is not on a screen of its own")
	}

	keys(r, "esc")
	mustContain(t, plain(r.Render()), "Audit trail [3] · actor=bob@acme.io", "esc back to fleet")
	if !selectedLine(t, r, "toggle") || selectedLine(t, r, "unfreeze") {
		t.Errorf("back on the trail, the cursor left the row it opened:\n%q", ascii(r.Render()))
	}
	keys(r, "esc")
	screen = plain(r.Render())
	if r.topID() != screenFleet || strings.Contains(screen, "Audit trail") {
		t.Errorf("the second esc left %s:\n%s", r.topID(), screen)
	}
	mustContain(t, screen, "Workspaces [6]")
}

// esc goes back where you were, and a screen opened again is brought back
// rather than stacked twice.
func TestEscGoesBackToThePreviousScreenAndReopeningDoesNotStack(t *testing.T) {
	r, _ := liveRoot(t, driftFixture(t))
	keys(r, ":", "audit", "enter", ":", "drift", "enter")
	mustContain(t, plain(r.Render()), "Drift [", "esc back to audit trail")
	keys(r, "esc")
	mustContain(t, plain(r.Render()), "Audit trail [")
	keys(r, ":", "drift", "enter", ":", "audit", "enter")
	if got := len(r.stack); got != 2 {
		t.Errorf(":audit with the trail already open left %d screens stacked, want 2 (fleet, audit)", got)
	}
	keys(r, "esc")
	if r.topID() != screenFleet {
		t.Errorf("esc from the trail brought back %s, want the fleet", r.topID())
	}
}

// An answer to an older load, or to a screen since closed, is dropped: it
// would show rows older than those already on the screen.
func TestStaleAnswersAreDropped(t *testing.T) {
	f := fleetFixture(t)
	bob := auditOf(t, f)
	r := newRoot(f.AsSuper(), Options{})
	sized(r, 160, 45)
	deliver(r, r.Init())
	keys(r, ":", "audit actor=bob@acme.io", "enter")
	mustContain(t, plain(r.Render()), "Audit trail [3]")
	ws := f.Workspace("florida").ID
	add := func() {
		if _, err := f.Store.AppendAudit(context.Background(), model.AuditEntry{ActorUserID: &bob, ActorName: "bob@acme.io", Action: "toggle", WorkspaceID: &ws, Outcome: model.OutcomeOK}); err != nil {
			t.Fatal(err)
		}
	}

	// An older load answers after a newer one.
	older := uitest.Run(r.reload(r.frameByID(screenAudit)), deliverWait) // three rows
	add()
	deliver(r, r.reload(r.frameByID(screenAudit))) // four
	for _, msg := range older {
		_, cmd := r.Update(msg)
		deliver(r, cmd)
	}
	mustContain(t, plain(r.Render()), "Audit trail [4]")

	// A load for a showing of the trail that was closed since.
	closed := uitest.Run(r.reload(r.frameByID(screenAudit)), deliverWait) // four rows
	keys(r, "esc")
	add()
	keys(r, ":", "audit actor=bob@acme.io", "enter") // five
	for _, msg := range closed {
		_, cmd := r.Update(msg)
		deliver(r, cmd)
	}
	mustContain(t, plain(r.Render()), "Audit trail [5]")
}

// A change set that concerns only the audit trail reloads the trail, and
// neither the fleet nor the header.
func TestAnAuditOnlyChangeDoesNotReloadTheFleet(t *testing.T) {
	f := driftFixture(t)
	r, wait := liveRoot(t, f)
	b := driftOf(r)
	reads := func() []int {
		return []int{b.Calls("Workspaces"), b.Calls("Campaigns"), b.Calls("Executions"), b.Calls("Health"), b.Calls("Instances"), b.Calls("Findings")}
	}
	// What the listener hears of an audit row, and only that.
	auditOnly := model.Change{Table: model.TableAudit, Op: "insert", ID: 1}

	before, audits := reads(), b.Calls("Audit")
	f.Console.Publish(auditOnly)
	_, cmd := r.Update(changesMsg{set: wait()})
	deliver(r, cmd)
	if after := reads(); !slices.Equal(before, after) || b.Calls("Audit") != audits {
		t.Errorf("with the fleet in front, an audit-only change read %v → %v, audit %d → %d", before, after, audits, b.Calls("Audit"))
	}

	keys(r, ":", "audit", "enter")
	before, audits = reads(), b.Calls("Audit")
	f.Console.Publish(auditOnly)
	_, cmd = r.Update(changesMsg{set: wait()})
	deliver(r, cmd)
	if after := reads(); !slices.Equal(before, after) {
		t.Errorf("an audit-only change re-read the fleet or the header: %v → %v (Workspaces, Campaigns, Executions, Health, Instances, Findings)", before, after)
	}
	if n := b.Calls("Audit") - audits; n != 1 {
		t.Errorf("the open trail reloaded %d times, want 1", n)
	}
}
