package common

import "fmt"

// Count writes n with thousands separators (1,000,000), as counts of
// leads and rows are read at a glance.
func Count[N ~int | ~int64](n N) string {
	s := fmt.Sprint(n)
	if n < 0 {
		return s
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// Plural is n and the word for it: "1 match", "3 matches".
func Plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}
