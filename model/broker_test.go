package model_test

import (
	"testing"
	"time"

	"github.com/godmode-console/godmode/model"
)

// The change feed is a broker: one process serves many sessions, each
// with its own subscription.

func TestBrokerEverySessionGetsEverySet(t *testing.T) {
	c := model.NewConsole(nil, nil, model.ConsoleOptions{})
	a, b := c.As(model.Actor{UserID: 1}), c.As(model.Actor{UserID: 2})
	defer a.Close()
	defer b.Close()
	fa, fb := a.Changes(), b.Changes()
	if fa == fb {
		t.Fatal("two sessions share one channel: one would take the other's sets")
	}
	c.Publish(model.Change{Table: model.TableCampaigns, Op: "update", ID: 7, WorkspaceID: ws(3)})
	for name, ch := range map[string]<-chan model.ChangeSet{"first": fa, "second": fb} {
		s := take(t, ch)
		if !s.Has(model.TableCampaigns) || !s.HasWorkspace(3) || s.Resync || s.Count != 1 {
			t.Errorf("the %s session got %+v, want the campaign's change", name, s)
		}
	}
	if a.Changes() != fa {
		t.Error("a second call to Changes gave another channel")
	}
}

func TestBrokerStalledSessionGetsAResyncAndDelaysNoOne(t *testing.T) {
	c := model.NewConsole(nil, nil, model.ConsoleOptions{})
	stalled, live := c.As(model.Actor{UserID: 1}), c.As(model.Actor{UserID: 2})
	defer stalled.Close()
	defer live.Close()
	sf, lf := stalled.Changes(), live.Changes()
	const windows = 20 // well past any session's buffer
	for i := range windows {
		c.Publish(model.Change{Table: model.TableCampaigns, Op: "update", ID: int64(i), WorkspaceID: ws(int64(i))})
		// take fails past a second: the live session is served each window
		// while the stalled one takes nothing.
		s := take(t, lf)
		if s.Resync || s.Count != 1 || !s.HasWorkspace(int64(i)) {
			t.Fatalf("window %d: the live session got %+v, want just that window's change", i, s)
		}
	}
	// The flush that served the live session may still be handing the
	// last window to the stalled one (sessions are served one after the
	// other): read what it holds until every change is in, or a second
	// has passed.
	var sets []model.ChangeSet
	counted := 0
	for deadline := time.After(time.Second); counted < windows; {
		select {
		case s := <-sf:
			sets = append(sets, s)
			counted += s.Count
			continue
		case <-deadline:
		}
		break
	}
	if len(sets) == 0 || len(sets) >= windows {
		t.Fatalf("the stalled session holds %d sets: want fewer than the %d windows (its buffer is bounded)", len(sets), windows)
	}
	total, resync := 0, false
	for _, s := range sets {
		total += s.Count
		resync = resync || s.Resync
	}
	if !resync {
		t.Errorf("none of the stalled session's %d sets is a Resync: it would not know it missed sets", len(sets))
	}
	if total != windows || !sets[len(sets)-1].HasWorkspace(windows-1) {
		t.Errorf("the stalled session's sets count %d changes, want all %d folded in", total, windows)
	}
}

func TestBrokerCloseStopsDeliveryAndForgetsTheSession(t *testing.T) {
	c := model.NewConsole(nil, nil, model.ConsoleOptions{})
	before := c.Subscribers()
	s := c.As(model.Actor{UserID: 1})
	feed := s.Changes()
	if c.Subscribers() != before+1 {
		t.Fatalf("%d subscribers after one session subscribed, want %d", c.Subscribers(), before+1)
	}
	s.Close()
	s.Close() // a second teardown must not panic
	if c.Subscribers() != before {
		t.Errorf("%d subscribers after Close, want %d: the broker still holds the session", c.Subscribers(), before)
	}
	c.Publish(model.Change{Table: model.TableAudit, Op: "insert", ID: 1})
	select {
	case got, ok := <-feed:
		if ok {
			t.Errorf("a closed session received %+v", got)
		}
	case <-time.After(time.Second):
		t.Fatal("a receive on a closed session's feed still waits: its goroutine would leak")
	}
	if got, ok := <-s.Changes(); ok {
		t.Errorf("Changes after Close delivered %+v, want a closed channel", got)
	}
	other := c.As(model.Actor{UserID: 2})
	defer other.Close()
	of := other.Changes()
	c.Publish(model.Change{Table: model.TableAudit, Op: "insert", ID: 2})
	if got := take(t, of); !got.Has(model.TableAudit) || got.Resync {
		t.Errorf("the open session got %+v after another closed", got)
	}
}
