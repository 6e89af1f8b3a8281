package genesis

import "strings"

// jsState is where a position of JavaScript source falls: what a value
// inserted there must be escaped for. Code nodes and the {{ }} parts of
// n8n expressions are JavaScript, and a blueprint puts its placeholders in
// string literals ('YOUR_DASHBOARD_URL'), comments and, rarely, bare code.
type jsState int

const (
	jsCode jsState = iota
	jsSingle
	jsDouble
	jsTemplate
	jsLineComment
	jsBlockComment
	jsRegex
)

// regexAfterWord are the keywords after which a slash starts a regular
// expression rather than dividing.
var regexAfterWord = map[string]bool{"return": true, "typeof": true, "case": true, "do": true, "else": true,
	"in": true, "of": true, "new": true, "delete": true, "void": true, "throw": true, "yield": true, "await": true}

// jsStateAt lexes src up to pos and says what pos is inside. It knows
// strings, template literals with ${} nesting, comments and regular
// expression literals (told from division by the token before, as lexers
// without a parser do); it does not need to know more, since all it
// decides is how a value is escaped, and an unknown case is refused by the
// caller rather than guessed.
func jsStateAt(src string, pos int) jsState {
	st := jsCode
	var tmpl []int // brace depth at each ${ still open
	depth := 0
	prev := byte(0) // last significant byte in code ('a' after a literal or word)
	word := ""      // the identifier just read, for regexAfterWord
	inClass := false
	for i := 0; i < pos && i < len(src); i++ {
		c := src[i]
		next := byte(0)
		if i+1 < len(src) {
			next = src[i+1]
		}
		switch st {
		case jsCode:
			switch {
			case c == '\'':
				st = jsSingle
			case c == '"':
				st = jsDouble
			case c == '`':
				st = jsTemplate
			case c == '/' && next == '/':
				st, i = jsLineComment, i+1
			case c == '/' && next == '*':
				st, i = jsBlockComment, i+1
			case c == '/' && (prev == 0 || strings.IndexByte("(,=:[!&|?{};+-*%<>~^", prev) >= 0 || (prev == 'a' && regexAfterWord[word])):
				st, inClass = jsRegex, false
			case c == '{':
				depth++
			case c == '}':
				if n := len(tmpl); n > 0 && tmpl[n-1] == depth {
					tmpl, st = tmpl[:n-1], jsTemplate
					continue
				}
				depth--
			}
			if isIdent(c) {
				if i > 0 && isIdent(src[i-1]) {
					word += string(c)
				} else {
					word = string(c)
				}
				prev = 'a'
			} else if c > ' ' {
				word = ""
				if st == jsCode {
					prev = c
				}
			}
		case jsSingle, jsDouble:
			q := byte('\'')
			if st == jsDouble {
				q = '"'
			}
			switch c {
			case '\\':
				i++
			case q:
				st, prev, word = jsCode, 'a', ""
			case '\n':
				st = jsCode // unterminated: the code does not parse anyway
			}
		case jsTemplate:
			switch {
			case c == '\\':
				i++
			case c == '`':
				st, prev, word = jsCode, 'a', ""
			case c == '$' && next == '{':
				tmpl = append(tmpl, depth)
				st, prev, i = jsCode, '{', i+1
			}
		case jsLineComment:
			if c == '\n' {
				st = jsCode
			}
		case jsBlockComment:
			if c == '*' && next == '/' {
				st, i = jsCode, i+1
			}
		case jsRegex:
			switch {
			case c == '\\':
				i++
			case c == '[':
				inClass = true
			case c == ']':
				inClass = false
			case c == '/' && !inClass:
				st, prev, word = jsCode, 'a', ""
			case c == '\n':
				st = jsCode
			}
		}
	}
	return st
}

func isIdent(c byte) bool {
	return c == '_' || c == '$' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80
}

// jsEscape writes v as the inside of a string literal closed by q (', " or
// `). braces also escapes { and }, for literals inside an n8n {{ }}
// expression, which n8n splits at {{ and }} before JavaScript sees it.
func jsEscape(v string, q byte, braces bool) string {
	var b strings.Builder
	for i, r := range v {
		switch {
		case r == '\\':
			b.WriteString(`\\`)
		case r < 0x80 && byte(r) == q:
			b.WriteString(`\` + string(r))
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\u2028':
			b.WriteString(`\u2028`)
		case r == '\u2029':
			b.WriteString(`\u2029`)
		case q == '`' && r == '$' && i+1 < len(v) && v[i+1] == '{':
			b.WriteString(`\$`)
		case braces && r == '{':
			b.WriteString(`\x7b`)
		case braces && r == '}':
			b.WriteString(`\x7d`)
		case r < 0x20:
			b.WriteString(`\x` + hex2(byte(r)))
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// jsLiteral is v as a double-quoted JavaScript string literal.
func jsLiteral(v string, braces bool) string { return `"` + jsEscape(v, '"', braces) + `"` }

func hex2(c byte) string {
	const h = "0123456789abcdef"
	return string([]byte{h[c>>4], h[c&15]})
}
