// Package sparkline draws a series of counts as one line of block
// characters (▁▂▃▄▅▆▇█), one cell per value, scaled to the series' own
// largest value. bubbles has no sparkline and ntcharts is not among the
// packages this project may use; this is the few lines it takes.
package sparkline

import "strings"

// levels are the eight heights; a zero is a space, so an hour with no
// failures reads as nothing happened rather than as a little.
var levels = []rune("▁▂▃▄▅▆▇█")

// Render draws values, oldest first. Each non-zero value gets at least
// the lowest block, so a single failure among hundreds stays visible;
// the largest gets the full block. Negative values count as zero.
func Render(values []int) string {
	top := 0
	for _, v := range values {
		top = max(top, v)
	}
	var b strings.Builder
	b.Grow(len(values) * 3)
	for _, v := range values {
		if v <= 0 || top == 0 {
			b.WriteByte(' ')
			continue
		}
		// Round up, so 1 of 8 is ▁ and nothing non-zero rounds to blank.
		i := (v*len(levels) + top - 1) / top
		b.WriteRune(levels[min(i, len(levels))-1])
	}
	return b.String()
}
