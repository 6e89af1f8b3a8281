package model

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/godmode-console/godmode/n8n"
)

// blockingN8n holds every CreateWorkflow until release is closed.
type blockingN8n struct {
	ProvisionN8n // nil: any other call panics
	release      chan struct{}
	calls        atomic.Int32
}

func (b *blockingN8n) CreateWorkflow(ctx context.Context, w n8n.Workflow) (n8n.Workflow, error) {
	b.calls.Add(1)
	<-b.release
	return n8n.Workflow{ID: "wf"}, nil
}

// A call waiting for the instance's only slot gives up when its context is
// cancelled (Ctrl-C), without reaching n8n; the slot's holder still
// finishes, and the slot is free again after it.
func TestProvisionCallWaitingForASlotGivesUpOnCancel(t *testing.T) {
	var cl clients
	cl.limits.n = 1
	fake := &blockingN8n{release: make(chan struct{})}
	l := cl.limited(7, fake)
	first := make(chan error, 1)
	go func() { _, err := l.CreateWorkflow(context.Background(), n8n.Workflow{}); first <- err }()
	for fake.calls.Load() == 0 {
		time.Sleep(time.Millisecond)
	}
	// Another run's client of the same instance shares the slot.
	other := cl.limited(7, fake)
	ctx, cancel := context.WithCancel(context.Background())
	waiting := make(chan error, 1)
	go func() { _, err := other.CreateWorkflow(ctx, n8n.Workflow{}); waiting <- err }()
	select {
	case err := <-waiting:
		t.Fatalf("the second call did not wait for the slot: %v", err)
	case <-time.After(50 * time.Millisecond):
	}
	cancel()
	select {
	case err := <-waiting:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("the cancelled wait returned %v, want context.Canceled", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the cancelled wait did not return")
	}
	if n := fake.calls.Load(); n != 1 {
		t.Errorf("n8n saw %d creates, want 1: the cancelled call must not reach it", n)
	}
	close(fake.release)
	if err := <-first; err != nil {
		t.Errorf("the slot's holder: %v", err)
	}
	done := make(chan error, 1)
	go func() { _, err := other.CreateWorkflow(context.Background(), n8n.Workflow{}); done <- err }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("after the slot was freed: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the slot was not freed after its call returned")
	}
}
