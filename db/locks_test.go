package db_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/godmode-console/godmode/db"
	"github.com/godmode-console/godmode/model"
)

// The workspace lock orders a freeze (exclusive) with toggles (shared)
// across processes: here two stores with pools of their own.
func TestWorkspaceLockSharedExclusiveAndSkip(t *testing.T) {
	a, ctx := newStore(t)
	defer a.Close()
	_, ws := fleet(t, a, ctx)
	pool2, err := db.Connect(ctx, a.Pool().Config().ConnString())
	if err != nil {
		t.Fatal(err)
	}
	defer pool2.Close()
	kr, _ := db.NewKeyring(testKey)
	b := db.NewStore(pool2, kr)
	defer b.Close()

	held, release, done := make(chan struct{}), make(chan struct{}), make(chan error, 1)
	go func() {
		done <- a.WithWorkspaceLock(ctx, ws.ID, model.LockExclusive, func(ctx context.Context) error {
			close(held)
			<-release
			return nil
		})
	}()
	<-held
	ran := false
	err = b.WithWorkspaceLock(ctx, ws.ID, model.LockSharedOrSkip, func(context.Context) error { ran = true; return nil })
	if !errors.Is(err, model.ErrLockBusy) || ran {
		t.Fatalf("skip while a freeze holds the lock: %v, ran %v", err, ran)
	}
	short, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
	err = b.WithWorkspaceLock(short, ws.ID, model.LockShared, func(context.Context) error { ran = true; return nil })
	cancel()
	if err == nil || ran {
		t.Fatalf("a shared lock was granted during an exclusive one: %v", err)
	}
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	// Shared holders do not exclude each other, and a campaign lock taken
	// inside rides on the same connection.
	err = a.WithWorkspaceLock(ctx, ws.ID, model.LockShared, func(ctx context.Context) error {
		return b.WithWorkspaceLock(ctx, ws.ID, model.LockSharedOrSkip, func(ctx context.Context) error {
			return b.WithCampaignLock(ctx, 1, func(context.Context) error { ran = true; return nil })
		})
	})
	if err != nil || !ran {
		t.Fatalf("two shared holders: %v, ran %v", err, ran)
	}
}
