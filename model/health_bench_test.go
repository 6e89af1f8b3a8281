package model_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/godmode-console/godmode/db"
)

// BenchmarkHealthWith2000Instances is the header's health read over a
// fleet of 2000 instances of which every tenth is down.
func BenchmarkHealthWith2000Instances(b *testing.B) {
	w := newWorld(b)
	for i := range 2000 {
		in, err := w.store.AddInstance(w.ctx, db.NewInstance{Name: fmt.Sprintf("n-%04d", i), BaseURL: "https://n.example.com", APIKey: "k"})
		if err != nil {
			b.Fatal(err)
		}
		if err := w.store.RecordInstanceHealth(w.ctx, in.ID, i%10 != 0, time.Millisecond, "connection refused"); err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	for range b.N {
		if h := w.console.Health(w.ctx); h.Down != 200 {
			b.Fatalf("down %d", h.Down)
		}
	}
}
