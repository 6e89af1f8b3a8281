package fleet

import (
	"context"
	"strings"
	"testing"
	"time"

	"charm.land/bubbles/v2/spinner"

	"github.com/godmode-console/godmode/model"
	"github.com/godmode-console/godmode/ui/common"
	"github.com/godmode-console/godmode/ui/uitest"
)

// hungToggle is a backend whose Toggle never returns, deadline or not: a
// hung n8n behind a call that ignores its context.
type hungToggle struct {
	*uitest.Backend
	release chan struct{}
}

func (h hungToggle) Toggle(ctx context.Context, a model.Actor, id int64, want model.CampaignStatus) model.ToggleResult {
	<-h.release
	return model.ToggleResult{Outcome: model.OutcomeFailed}
}

// The spinner of a toggle whose backend never answers stops at the
// toggle's deadline plus a short grace, says n8n did not answer, and asks
// for a refresh (on e26f193 it spun for as long as the call hung).
func TestHungToggleSpinnerStopsAtItsDeadline(t *testing.T) {
	defer func(d time.Duration) { ToggleTimeout = d }(ToggleTimeout)
	ToggleTimeout = 50 * time.Millisecond
	f, real := newFixture(t, small)
	b := hungToggle{real, make(chan struct{})}
	defer close(b.release)
	m := newFleet(t, f, b, Options{Actor: real.Actor()})
	id := emailOne(t, f).ID

	cmd := m.Update(press("space"))
	if _, ok := m.Pending(id); !ok {
		t.Fatal("space did not start the switch")
	}
	var statuses []common.StatusMsg
	refreshed := false
	// Long enough for the deadline and its grace, far less than the 30 s
	// the spinner ran before.
	for _, msg := range uitest.Run(cmd, 3*time.Second) {
		switch msg := msg.(type) {
		case spinner.TickMsg:
		case common.StatusMsg:
			statuses = append(statuses, msg)
		default:
			for _, next := range uitest.Run(m.Update(msg), wait) {
				switch next := next.(type) {
				case common.StatusMsg:
					statuses = append(statuses, next)
				case common.RefreshMsg:
					refreshed = true
				}
			}
		}
	}
	if _, ok := m.Pending(id); ok {
		t.Fatal("the switch is still spinning after its deadline")
	}
	if len(statuses) != 1 || statuses[0].Level != common.Failure || !strings.Contains(statuses[0].Text, "n8n did not answer in 50ms") {
		t.Errorf("statuses = %+v, want one failure saying n8n did not answer in 50ms", statuses)
	}
	if !refreshed {
		t.Error("no refresh asked for: the screen would keep guessing")
	}
}

// The model's bound on a toggle's n8n call says so in its error; the
// rollback shows that reason as it is.
func TestRollbackShowsTheModelsDeadline(t *testing.T) {
	t.Parallel()
	f, b := newFixture(t, uitest.Options{Workspaces: 5, ToggleTimeout: 100 * time.Millisecond})
	m := newFleet(t, f, b, Options{Actor: b.Actor(), ToggleBound: 100 * time.Millisecond})
	f.N8n("florida").HangNext(1)
	statuses := deliver(m, m.Update(press("space")))
	if len(statuses) != 1 || !strings.Contains(statuses[0].Text, "rolled back to active: n8n did not answer in 100ms") {
		t.Errorf("statuses = %+v", statuses)
	}
}
