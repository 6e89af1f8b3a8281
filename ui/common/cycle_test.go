package common

import "testing"

func TestCycleGoesThroughAnyThenEachThenBack(t *testing.T) {
	all := []string{"ok", "noop", "failed"}
	var got []string
	cur := ""
	for range 5 {
		cur = Cycle(cur, all)
		got = append(got, cur)
	}
	want := []string{"ok", "noop", "failed", "", "ok"}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("round %v, want %v", got, want)
		}
	}
	if Cycle("unknown", all) != "" {
		t.Error("an unknown value does not go back to any")
	}
}
