package n8ntest

import "strings"

// like is SQL's LIKE, which n8n's name filter is (`%name%`, with '%' and
// '_' in the name left unescaped, as seen on both majors): '%' is any run
// of characters, '_' any one. fold makes it ASCII case-insensitive, as
// SQLite's LIKE (1.123.81); Postgres's (2.41.1) is case-sensitive.
func like(s, pattern string, fold bool) bool {
	if fold {
		s, pattern = asciiLower(s), asciiLower(pattern)
	}
	str, pat := []rune(s), []rune(pattern)
	// match[j]: pat[:j] matches the runes of str seen so far.
	match := make([]bool, len(pat)+1)
	match[0] = true
	for j := 1; j <= len(pat) && pat[j-1] == '%'; j++ {
		match[j] = true
	}
	for _, c := range str {
		next := make([]bool, len(pat)+1)
		for j := 1; j <= len(pat); j++ {
			switch pat[j-1] {
			case '%':
				next[j] = next[j-1] || match[j]
			case '_':
				next[j] = match[j-1]
			default:
				next[j] = match[j-1] && pat[j-1] == c
			}
		}
		match = next
	}
	return match[len(pat)]
}

func asciiLower(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'A' && r <= 'Z' {
			return r + 'a' - 'A'
		}
		return r
	}, s)
}
