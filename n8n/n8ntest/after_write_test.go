package n8ntest_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/godmode-console/godmode/n8n"
	"github.com/godmode-console/godmode/n8n/n8ntest"
)

// The armed write takes effect although the client hears a failure (a 500,
// or nothing until its deadline); the writes before it are served as
// usual, and Writes counts every one.
func TestFailWriteAfterEffect(t *testing.T) {
	ctx := context.Background()
	s := n8ntest.New()
	defer s.Close()
	c := s.Client(n8n.WithRetryPolicy(n8n.RetryPolicy{MaxAttempts: 1}))
	called := false
	s.FailWriteAfterEffect(2, 500, func() { called = true })
	if _, err := c.CreateTag(ctx, "first"); err != nil {
		t.Fatalf("the first write failed: %v", err)
	}
	if _, err := c.CreateTag(ctx, "second"); err == nil {
		t.Fatal("the armed write answered success")
	}
	tags, _ := c.Tags(ctx)
	if len(tags) != 2 || !called {
		t.Fatalf("after the armed write: tags %v, then called %v; want both tags and the call", tags, called)
	}
	s.FailWriteAfterEffect(1, 0, nil)
	tctx, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
	defer cancel()
	if _, err := c.CreateTag(tctx, "third"); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("a hung write: %v, want the deadline", err)
	}
	if tags, _ = c.Tags(ctx); len(tags) != 3 {
		t.Fatalf("the hung write did not take effect: %v", tags)
	}
	s.FailWriteAt(1, 500)
	if _, err := c.CreateTag(ctx, "fourth"); err == nil {
		t.Fatal("FailWriteAt's write answered success")
	}
	if tags, _ = c.Tags(ctx); len(tags) != 3 {
		t.Fatalf("FailWriteAt's write took effect: %v", tags)
	}
	if got := s.Writes(); got != 4 {
		t.Errorf("Writes = %d, want 4", got)
	}
}
