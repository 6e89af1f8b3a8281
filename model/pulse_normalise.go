package model

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/godmode-console/godmode/forensics/safetext"
)

// MaxNormalisedMessage caps a normalised message, in runes: enough to
// tell failures apart, short enough to group on.
const MaxNormalisedMessage = 200

// Placeholders NormaliseMessage puts where a message held a value.
const (
	placeNumber = "<n>"
	placeID     = "<id>"
	placeEmail  = "<email>"
	placeValue  = "<v>"
	placeQuery  = "…"
)

var (
	urlRE   = regexp.MustCompile(`(?i)\b[a-z][a-z0-9+.-]*://[^\s"'<>` + "`" + `]+`)
	emailRE = regexp.MustCompile(`[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}`)
	wordRE  = regexp.MustCompile(`[0-9A-Za-z_.,-]+`)
)

// NormaliseMessage turns an error message into the same text for every
// occurrence of the same failure: "HTTP 429 for lead 4711 (a@b.com)" and
// "HTTP 429 for lead 12 (c@d.org)" both become "HTTP 429 for lead <n>
// (<email>)", so the pulse groups them across workspaces. It replaces
// numbers (but a status after "HTTP", "SMTP", "status" or "code"), ids (words
// with two digits or more, six characters or longer: uuids, hex, org-…),
// emails, the variable parts of URLs (path segments that are numbers or
// ids, the query) and quoted values of one word; a quoted text of several
// words is normalised inside. Control characters become spaces, runs of space one,
// and the result is at most MaxNormalisedMessage runes. It is idempotent.
func NormaliseMessage(s string) string {
	s = normaliseInner(cleanSpaces(s))
	if utf8.RuneCountInString(s) <= MaxNormalisedMessage {
		return s
	}
	// Cut at a space, so every word kept is whole and normalising the
	// result again changes nothing.
	cut := s
	n := 0
	for i := range s {
		if n == MaxNormalisedMessage-2 {
			cut = s[:i]
			break
		}
		n++
	}
	if i := strings.LastIndexByte(cut, ' '); i > 0 {
		cut = cut[:i]
	}
	return strings.TrimRight(cut, " ") + " …"
}

// cleanSpaces replaces control characters, invalid UTF-8 and every kind
// of space by one plain space, and trims.
func cleanSpaces(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		if r == utf8.RuneError || unicode.IsSpace(r) || safetext.Unsafe(r) || !unicode.IsPrint(r) {
			space = true
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
	}
	return b.String()
}

func normaliseInner(s string) string {
	s = urlRE.ReplaceAllStringFunc(s, normaliseURL)
	s = emailRE.ReplaceAllString(s, placeEmail)
	s = normaliseQuoted(s)
	return normaliseWords(s)
}

// normaliseURL keeps a URL's scheme, host and fixed path segments.
func normaliseURL(u string) string {
	scheme, rest, _ := strings.Cut(u, "://")
	rest, query, hasQuery := strings.Cut(rest, "?")
	rest, _, _ = strings.Cut(rest, "#")
	host, path, hasPath := strings.Cut(rest, "/")
	if at := strings.LastIndexByte(host, '@'); at >= 0 {
		host = host[at+1:] // never keep credentials written into a URL
	}
	var b strings.Builder
	b.WriteString(strings.ToLower(scheme) + "://" + strings.ToLower(host))
	if hasPath {
		for _, seg := range strings.Split(path, "/") {
			b.WriteByte('/')
			if normaliseWord(seg, "") != seg || len(seg) > 32 {
				seg = placeID
			}
			b.WriteString(seg)
		}
	}
	if hasQuery && query != "" {
		b.WriteString("?" + placeQuery)
	}
	return b.String()
}

// normaliseQuoted replaces the content of short quoted values ("x",
// 'x', `x`) by a placeholder; a JSON key (a quoted string followed by a
// colon) and a quoted text of several words are kept and normalised
// inside. A single
// quote counts only where it cannot be an apostrophe.
func normaliseQuoted(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		c := s[i]
		if c != '"' && c != '\'' && c != '`' || c == '\'' && i > 0 && isWordByte(s[i-1]) {
			b.WriteByte(c)
			i++
			continue
		}
		end := strings.IndexByte(s[i+1:], c)
		if end < 0 {
			b.WriteString(s[i:])
			break
		}
		end += i + 1
		if c == '\'' && end+1 < len(s) && isWordByte(s[end+1]) {
			b.WriteByte(c) // an apostrophe after all ("it's a 'don't'")
			i++
			continue
		}
		inner := s[i+1 : end]
		key := end+1 < len(s) && s[end+1] == ':'
		switch {
		case key || strings.Contains(inner, " "):
			inner = normaliseWords(inner)
		case inner != "":
			inner = placeValue
		}
		b.WriteByte(c)
		b.WriteString(inner)
		b.WriteByte(c)
		i = end + 1
	}
	return b.String()
}

// isWordByte: '<' and '>' count, so a placeholder put where a word was
// still decides the same way when the text is normalised again.
func isWordByte(c byte) bool {
	return c == '<' || c == '>' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c >= utf8.RuneSelf
}

// normaliseWords replaces numbers and ids.
func normaliseWords(s string) string {
	prev := ""
	last := 0
	var b strings.Builder
	b.Grow(len(s))
	for _, m := range wordRE.FindAllStringIndex(s, -1) {
		w := s[m[0]:m[1]]
		// Sentence punctuation after a word is not part of it.
		core := strings.TrimRight(w, ".,")
		tail := w[len(core):]
		b.WriteString(s[last:m[0]])
		b.WriteString(normaliseWord(core, prev))
		b.WriteString(tail)
		last = m[1]
		if core != "" {
			prev = core
		}
	}
	b.WriteString(s[last:])
	return b.String()
}

func normaliseWord(w, prev string) string {
	digits, other := 0, 0
	for i := 0; i < len(w); i++ {
		switch c := w[i]; {
		case c >= '0' && c <= '9':
			digits++
		case c == '.' || c == ',':
		default:
			other++
		}
	}
	switch {
	case digits == 0:
		return w
	case other == 0:
		if digits == 3 && len(w) == 3 && w[0] >= '1' && w[0] <= '5' {
			switch strings.ToLower(prev) {
			case "http", "status", "code", "smtp":
				return w // an HTTP or SMTP status says what failed
			}
		}
		return placeNumber
	case digits >= 2 && len(w) >= 6:
		return placeID
	}
	return w
}
