package common

import (
	"fmt"
	"time"
)

// Clock returns the current time; views take it from here so that tests
// (and golden files) can fix it.
type Clock func() time.Time

// Age formats how long ago t was, the way headers and lists show it:
// "4s", "3m", "2h", "5d". A zero or future time reads "now"/"-".
func Age(now, t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	d := now.Sub(t)
	if d < time.Second {
		return "now"
	}
	return Dur(d)
}

// Ago says how long ago t was, for sentences and columns: "just now",
// "12s ago".
func Ago(now, t time.Time) string {
	switch a := Age(now, t); a {
	case "now":
		return "just now"
	case "-":
		return a
	default:
		return a + " ago"
	}
}

// AgePtr is Age for optional times.
func AgePtr(now time.Time, t *time.Time) string {
	if t == nil {
		return "-"
	}
	return Age(now, *t)
}

// Dur formats a duration compactly with one unit (two below an hour would
// be noise in a list): 850ms, 12s, 3m, 2h, 5d.
func Dur(d time.Duration) string {
	switch {
	case d < 0:
		return "-"
	case d < time.Second:
		return fmt.Sprintf("%dms", d.Milliseconds())
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%dm", int(d.Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("%dh", int(d.Hours()))
	default:
		return fmt.Sprintf("%dd", int(d.Hours()/24))
	}
}
