package model_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/godmode-console/godmode/model"
	"github.com/godmode-console/godmode/n8n/n8ntest"
)

// Reads of n8n's execution lists are shared by the sessions of a process:
// n8n's load must not grow with the number of people watching.

func addExecution(t *testing.T, w twoTenants, c model.Campaign) {
	t.Helper()
	if _, err := w.n8n.AddExecution(n8ntest.ExecutionSpec{WorkflowID: c.N8nWorkflowID}); err != nil {
		t.Fatal(err)
	}
}

func TestSharedReadsAskN8nOnceForFiftySessions(t *testing.T) {
	w := newTwoTenants(t)
	addExecution(t, w, w.ohioCamp)
	w.n8n.SetLatency(150 * time.Millisecond) // the sessions' reads overlap
	w.n8n.ResetRequests()
	var wg sync.WaitGroup
	errs := make(chan error, 50)
	for i := range 50 {
		actor := w.super
		if i%2 == 1 {
			actor = w.member
		}
		s := w.console.As(actor)
		wg.Go(func() {
			ex, err := s.Executions(w.ctx, w.ohioCamp.ID, "")
			if err == nil && len(ex) != 1 {
				err = errors.New("a session saw no execution")
			}
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if n := w.n8n.Requests(); n != 1 {
		t.Errorf("50 sessions reading one campaign made %d n8n requests, want 1", n)
	}
	// A command asking the same list soon after is answered from it too.
	if ex, err := w.console.ExecutionsFor(w.ctx, w.super, w.ohioCamp.ID, "", model.ExecutionsShown); err != nil || len(ex) != 1 {
		t.Fatalf("executions %v %v", ex, err)
	}
	if n := w.n8n.Requests(); n != 1 {
		t.Errorf("%d n8n requests after a second read within %s, want still 1", n, model.SharedReadTTL)
	}
	// Another status filter is another list.
	if _, err := w.console.As(w.super).Executions(w.ctx, w.ohioCamp.ID, "error"); err != nil {
		t.Fatal(err)
	}
	if n := w.n8n.Requests(); n != 2 {
		t.Errorf("%d n8n requests after reading the errors only, want 2", n)
	}
}

func TestSharedReadsRefuseBeforeServingWhatIsShared(t *testing.T) {
	w := newTwoTenants(t)
	addExecution(t, w, w.texasCamp)
	// The super admin's read leaves texas's executions in the shared reads.
	if ex, err := w.console.As(w.super).Executions(w.ctx, w.texasCamp.ID, ""); err != nil || len(ex) != 1 {
		t.Fatalf("super admin: %v %v", ex, err)
	}
	if ex, err := w.console.As(w.member).Executions(w.ctx, w.texasCamp.ID, ""); !errors.Is(err, model.ErrForbidden) || len(ex) != 0 {
		t.Errorf("an ohio member got texas's executions %+v %v, want a refusal", ex, err)
	}
	if ex, err := w.console.ExecutionsFor(w.ctx, w.member, w.texasCamp.ID, "", model.ExecutionsShown); !errors.Is(err, model.ErrForbidden) || len(ex) != 0 {
		t.Errorf("an ohio member's command got texas's executions %+v %v, want a refusal", ex, err)
	}
	rows, err := w.console.Audit(w.ctx, model.AuditFilter{})
	if err != nil {
		t.Fatal(err)
	}
	refused := 0
	for _, r := range rows {
		if r.Action == "executions.list" && r.Outcome == model.OutcomeFailed {
			refused++
		}
	}
	if refused != 2 {
		t.Errorf("%d refused reads on the record, want 2", refused)
	}
}

func TestSharedReadsAreReadAnewAfterAToggleOrAChange(t *testing.T) {
	w := newTwoTenants(t)
	s := w.console.As(w.super)
	count := func(want int, what string) {
		t.Helper()
		ex, err := s.Executions(w.ctx, w.ohioCamp.ID, "")
		if err != nil || len(ex) != want {
			t.Errorf("%s: %d executions (%v), want %d", what, len(ex), err, want)
		}
	}
	count(0, "first read")
	addExecution(t, w, w.ohioCamp)
	count(0, "within the shared read's life") // shared: n8n is not asked again
	if r := w.console.Toggle(w.ctx, w.super, w.ohioCamp.ID, model.CampaignActive); r.Err != nil {
		t.Fatal(r.Err)
	}
	count(1, "after a toggle of the campaign")
	addExecution(t, w, w.ohioCamp)
	// A change in another workspace leaves ohio's read as it is.
	feed := w.console.Changes()
	w.console.Publish(model.Change{Table: model.TableCampaigns, Op: "update", ID: w.texasCamp.ID, WorkspaceID: &w.texas.ID})
	take(t, feed)
	count(1, "after a change in texas")
	// Nor does an instance's health, which n8n calls write now and then.
	w.console.Publish(model.Change{Table: model.TableInstances, Op: "update", ID: *w.ws.InstanceID})
	take(t, feed)
	count(1, "after a change of the instance's row")
	w.console.Publish(model.Change{Table: model.TableCampaigns, Op: "update", ID: w.ohioCamp.ID, WorkspaceID: &w.ws.ID})
	take(t, feed)
	count(2, "after a change set of ohio")
}

func TestSharedReadsShowARetryAtOnce(t *testing.T) {
	w := newWorld(t)
	camp, exec := w.failingCampaign(w.ws, "Email 1")
	s := w.console.As(w.member)
	before, err := s.Executions(w.ctx, camp.ID, "")
	if err != nil {
		t.Fatal(err)
	}
	next, err := w.console.Retry(w.ctx, w.member, camp.ID, exec.ID, false)
	if err != nil {
		t.Fatal(err)
	}
	after, err := s.Executions(w.ctx, camp.ID, "")
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, e := range after {
		found = found || e.ID == next.ID
	}
	if !found || len(after) != len(before)+1 {
		t.Errorf("after the retry the pane lists %d executions (before %d) without the retry %s: the shared read was kept", len(after), len(before), next.ID)
	}
}

func TestSharedReadsOutliveTheSessionThatAsked(t *testing.T) {
	w := newTwoTenants(t)
	addExecution(t, w, w.ohioCamp)
	w.n8n.SetLatency(300 * time.Millisecond)
	gone, leave := context.WithCancel(w.ctx)
	first := make(chan error, 1)
	go func() {
		_, err := w.console.As(w.super).Executions(gone, w.ohioCamp.ID, "")
		first <- err
	}()
	time.Sleep(50 * time.Millisecond) // the first read is in flight
	second := make(chan error, 1)
	go func() {
		ex, err := w.console.As(w.member).Executions(w.ctx, w.ohioCamp.ID, "")
		if err == nil && len(ex) != 1 {
			err = errors.New("no execution")
		}
		second <- err
	}()
	time.Sleep(50 * time.Millisecond)
	leave() // the first session closes
	if err := <-first; !errors.Is(err, context.Canceled) {
		t.Errorf("the session that left got %v, want its own cancellation", err)
	}
	if err := <-second; err != nil {
		t.Errorf("a session sharing the read of one that left got %v, want the executions", err)
	}
}
