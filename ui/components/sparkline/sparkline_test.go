package sparkline

import (
	"testing"
	"unicode/utf8"
)

func TestRenderScalesToTheLargestValue(t *testing.T) {
	got := Render([]int{0, 1, 2, 3, 4, 5, 6, 7, 8})
	if want := " ▁▂▃▄▅▆▇█"; got != want {
		t.Fatalf("Render(0..8) = %q, want %q", got, want)
	}
}

func TestRenderKeepsASmallValueVisible(t *testing.T) {
	got := Render([]int{1, 500, 0})
	if want := "▁█ "; got != want {
		t.Fatalf("Render(1, 500, 0) = %q, want %q: one failure among hundreds must not vanish", got, want)
	}
}

func TestRenderIsOneCellPerValue(t *testing.T) {
	vals := make([]int, 24)
	vals[23] = 3
	got := Render(vals)
	if n := utf8.RuneCountInString(got); n != 24 {
		t.Fatalf("24 values drew %d cells: %q", n, got)
	}
	if Render(make([]int, 5)) != "     " {
		t.Fatalf("all zeros should draw blanks, got %q", Render(make([]int, 5)))
	}
	if Render([]int{-3, 2}) != " █" {
		t.Fatalf("a negative value should count as zero, got %q", Render([]int{-3, 2}))
	}
}
