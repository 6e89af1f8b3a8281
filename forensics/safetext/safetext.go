// Package safetext makes text that comes from data (n8n node names, error
// messages, campaign names, answers of a remote server) safe to print on a
// terminal. A terminal obeys the control characters it is sent: an
// execution whose node name holds ESC ] 52 could write the clipboard, one
// holding ESC [ 2 J clears the screen. Every text line printed from data
// goes through Line or Text first. It needs only the standard library so
// that every package (forensics, model, cmd, ui) can use it.
package safetext

import (
	"strings"
	"unicode/utf8"
)

// Line cleans s for one line of output (a table cell, a status line): every
// control character, newline and tab included, becomes a visible picture
// (ESC becomes ␛, a newline ␊, a tab a space), so a sequence is shown, never obeyed.
// Invalid UTF-8 becomes U+FFFD. Text that needs no cleaning is returned
// as is, without allocating.
func Line(s string) string { return clean(s, false) }

// Text is Line for text that may span lines (an error's stack, a message
// of several lines): newline and tab are kept, everything else is cleaned.
func Text(s string) string { return clean(s, true) }

// Unsafe reports whether r is one Line replaces: C0 controls, DEL, the
// C1 controls U+0080–U+009F (U+009B is a one-character CSI for terminals
// that honour C1), and the bidirectional overrides and isolates, which
// make a terminal show text in another order than it is (a node named
// "evil\u202Egnp.exe" reads as "evilexe.png").
func Unsafe(r rune) bool {
	switch {
	case r < 0x20, r >= 0x7f && r <= 0x9f:
		return true
	case r == 0x061c, r == 0x200e, r == 0x200f, r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069:
		return true
	}
	return false
}

func clean(s string, multiline bool) string {
	i := firstUnsafe(s, multiline)
	if i < 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	b.WriteString(s[:i])
	for _, r := range s[i:] { // range yields U+FFFD for each invalid byte
		b.WriteString(picture(r, multiline))
	}
	return b.String()
}

// firstUnsafe is the byte offset of the first thing to clean, or -1.
func firstUnsafe(s string, multiline bool) int {
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c < 0x7f {
			i++
			continue
		}
		if c < utf8.RuneSelf {
			if multiline && (c == '\n' || c == '\t') {
				i++
				continue
			}
			return i
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 || Unsafe(r) {
			return i
		}
		i += n
	}
	return -1
}

// picture is what r is printed as.
func picture(r rune, multiline bool) string {
	switch {
	case multiline && (r == '\n' || r == '\t'):
		return string(r)
	case r == '\t':
		return " "
	case r < 0x20:
		return string(rune(0x2400 + r)) // the Control Pictures block: ␀ … ␟
	case r == 0x7f:
		return "␡"
	case Unsafe(r):
		return "\uFFFD"
	}
	return string(r)
}
