package uitest

import (
	"context"
	"time"

	"github.com/godmode-console/godmode/db"
)

// Listen feeds the console from Postgres' NOTIFYs through the real
// listener, as cmd/godmode wires it, until the test ends. It returns once
// the listener is connected and its first resync is handed on (drained:
// it is not a change the test made).
func (f *Fleet) Listen() {
	f.t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	up := make(chan struct{}, 1)
	l := db.NewListener(f.Store.Pool(), f.Console.Publish, db.ListenOptions{OnState: func(s db.ListenState) {
		if s.Connected {
			select {
			case up <- struct{}{}:
			default:
			}
		}
	}})
	done := make(chan struct{})
	go func() { defer close(done); l.Run(ctx) }()
	f.t.Cleanup(func() { cancel(); <-done })
	select {
	case <-up:
	case <-time.After(5 * time.Second):
		f.t.Fatal("the change listener did not connect within 5s")
	}
	select {
	case <-f.Console.Changes():
	case <-time.After(time.Second):
	}
}
