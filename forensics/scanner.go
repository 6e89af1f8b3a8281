package forensics

import (
	"bytes"
	"fmt"
)

// MaxDepth bounds the nesting a document may have. Our own code walks JSON
// iteratively and would cope with any depth, but gjson's modifiers and
// multi-component paths recurse once per level; bounding the depth keeps
// those frames far below Go's stack limit while admitting any execution n8n
// can produce (V8's JSON.stringify itself gives up long before this).
const MaxDepth = 100_000

// SyntaxError says where a document stops being JSON.
type SyntaxError struct {
	Offset int // byte offset of the offending byte
	Line   int // 1-based
	Column int // 1-based, in bytes
	Msg    string
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("invalid JSON at line %d, column %d (byte %d): %s", e.Line, e.Column, e.Offset, e.Msg)
}

func syntaxErrorAt(buf []byte, off int, msg string) *SyntaxError {
	if off > len(buf) {
		off = len(buf)
	}
	line := 1 + bytes.Count(buf[:off], []byte{'\n'})
	col := off - (bytes.LastIndexByte(buf[:off], '\n') + 1) + 1
	return &SyntaxError{Offset: off, Line: line, Column: col, Msg: msg}
}

type token uint8

const (
	tEOF token = iota
	tObjOpen
	tObjClose
	tArrOpen
	tArrClose
	tKey
	tString
	tNumber
	tTrue
	tFalse
	tNull
)

// What the scanner expects next.
const (
	sValue        = iota // any value
	sValueOrClose        // first element of an array, or ']'
	sKey                 // a member key (after ',')
	sKeyOrClose          // first member of an object, or '}'
	sCommaOrClose        // after a value inside a container
	sDone                // after the top-level value
)

// scanner is a validating JSON tokenizer. It keeps an explicit stack of open
// containers instead of recursing, so no input can exhaust the goroutine
// stack, and it reports the byte offset of the first error.
type scanner struct {
	buf        []byte
	pos        int
	stack      []byte // '{' or '[' per open container
	state      uint8
	base       int // depth already open around buf[pos] when scanning a fragment
	start, end int // span of the last token; strings include their quotes
}

func (s *scanner) depth() int { return len(s.stack) }

func (s *scanner) err(off int, msg string) error { return syntaxErrorAt(s.buf, off, msg) }

func (s *scanner) afterValue() {
	if len(s.stack) == 0 {
		s.state = sDone
	} else {
		s.state = sCommaOrClose
	}
}

// skipOpened abandons the container whose open token was just returned and
// resumes after it, at end (the offset just past its closing bracket).
func (s *scanner) skipOpened(end int) {
	s.stack = s.stack[:len(s.stack)-1]
	s.pos = end
	s.afterValue()
}

func (s *scanner) close(p int, t token) (token, error) {
	s.stack = s.stack[:len(s.stack)-1]
	s.start, s.end, s.pos = p, p+1, p+1
	s.afterValue()
	return t, nil
}

func (s *scanner) next() (token, error) {
	buf := s.buf
	for {
		p := s.pos
		for p < len(buf) && (buf[p] == ' ' || buf[p] == '\n' || buf[p] == '\r' || buf[p] == '\t') {
			p++
		}
		s.pos = p
		if p >= len(buf) {
			if s.state == sDone {
				return tEOF, nil
			}
			return 0, s.err(p, "unexpected end of input"+s.expecting())
		}
		c := buf[p]
		switch s.state {
		case sDone:
			return 0, s.err(p, "unexpected data after the top-level value")
		case sCommaOrClose:
			top := s.stack[len(s.stack)-1]
			switch {
			case c == ',':
				s.pos = p + 1
				if top == '{' {
					s.state = sKey
				} else {
					s.state = sValue
				}
				continue
			case c == '}' && top == '{':
				return s.close(p, tObjClose)
			case c == ']' && top == '[':
				return s.close(p, tArrClose)
			}
			return 0, s.err(p, "unexpected "+quoteByte(c)+s.expecting())
		case sKey, sKeyOrClose:
			if c == '}' && s.state == sKeyOrClose {
				return s.close(p, tObjClose)
			}
			if c != '"' {
				return 0, s.err(p, "unexpected "+quoteByte(c)+s.expecting())
			}
			end, err := s.scanString(p)
			if err != nil {
				return 0, err
			}
			s.start, s.end = p, end
			q := end
			for q < len(buf) && (buf[q] == ' ' || buf[q] == '\n' || buf[q] == '\r' || buf[q] == '\t') {
				q++
			}
			if q >= len(buf) || buf[q] != ':' {
				return 0, s.err(q, "expected ':' after object key")
			}
			s.pos = q + 1
			s.state = sValue
			return tKey, nil
		default: // sValue, sValueOrClose
			if c == ']' && s.state == sValueOrClose {
				return s.close(p, tArrClose)
			}
			return s.value(p)
		}
	}
}

func (s *scanner) expecting() string {
	switch s.state {
	case sValue:
		return ": expected a value"
	case sValueOrClose:
		return ": expected a value or ']'"
	case sKey:
		return ": expected a string key"
	case sKeyOrClose:
		return ": expected a string key or '}'"
	case sCommaOrClose:
		if s.stack[len(s.stack)-1] == '{' {
			return ": expected ',' or '}' after object member"
		}
		return ": expected ',' or ']' after array element"
	}
	return ""
}

func (s *scanner) value(p int) (token, error) {
	buf := s.buf
	s.start = p
	switch c := buf[p]; c {
	case '{', '[':
		if s.base+len(s.stack) >= MaxDepth {
			return 0, s.err(p, fmt.Sprintf("nesting deeper than %d levels", MaxDepth))
		}
		s.stack = append(s.stack, c)
		s.end, s.pos = p+1, p+1
		if c == '{' {
			s.state = sKeyOrClose
			return tObjOpen, nil
		}
		s.state = sValueOrClose
		return tArrOpen, nil
	case '"':
		end, err := s.scanString(p)
		if err != nil {
			return 0, err
		}
		s.end, s.pos = end, end
		s.afterValue()
		return tString, nil
	case 't':
		return s.literal(p, "true", tTrue)
	case 'f':
		return s.literal(p, "false", tFalse)
	case 'n':
		return s.literal(p, "null", tNull)
	default:
		if c == '-' || (c >= '0' && c <= '9') {
			end, err := s.scanNumber(p)
			if err != nil {
				return 0, err
			}
			s.end, s.pos = end, end
			s.afterValue()
			return tNumber, nil
		}
		return 0, s.err(p, "unexpected "+quoteByte(c)+s.expecting())
	}
}

func (s *scanner) literal(p int, word string, t token) (token, error) {
	if !bytes.HasPrefix(s.buf[p:], []byte(word)) {
		return 0, s.err(p, "invalid literal: expected "+word)
	}
	s.end, s.pos = p+len(word), p+len(word)
	s.afterValue()
	return t, nil
}

// strPlain marks the bytes a string may hold without a closer look.
var strPlain = func() (t [256]bool) {
	for i := 0x20; i < 256; i++ {
		t[i] = i != '"' && i != '\\'
	}
	return
}()

// scanString returns the offset just past the closing quote of the string
// whose opening quote is at p.
func (s *scanner) scanString(p int) (int, error) {
	buf := s.buf
	i := p + 1
	for {
		for i < len(buf) && strPlain[buf[i]] {
			i++
		}
		if i >= len(buf) {
			return 0, s.err(p, "unterminated string")
		}
		switch c := buf[i]; {
		case c == '"':
			return i + 1, nil
		case c == '\\':
			if i+1 >= len(buf) {
				return 0, s.err(p, "unterminated string")
			}
			switch buf[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				if i+6 > len(buf) || !isHex(buf[i+2]) || !isHex(buf[i+3]) || !isHex(buf[i+4]) || !isHex(buf[i+5]) {
					return 0, s.err(i, `invalid \u escape in string`)
				}
				i += 6
			default:
				return 0, s.err(i, "invalid escape "+quoteByte(buf[i+1])+" in string")
			}
		default:
			return 0, s.err(i, "control character in string")
		}
	}
}

func isHex(c byte) bool {
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func (s *scanner) scanNumber(p int) (int, error) {
	buf := s.buf
	i := p
	if buf[i] == '-' {
		i++
	}
	switch {
	case i < len(buf) && buf[i] == '0':
		i++
	case i < len(buf) && isDigit(buf[i]):
		for i < len(buf) && isDigit(buf[i]) {
			i++
		}
	default:
		return 0, s.err(p, "invalid number")
	}
	if i < len(buf) && buf[i] == '.' {
		i++
		if i >= len(buf) || !isDigit(buf[i]) {
			return 0, s.err(p, "invalid number: no digit after '.'")
		}
		for i < len(buf) && isDigit(buf[i]) {
			i++
		}
	}
	if i < len(buf) && (buf[i] == 'e' || buf[i] == 'E') {
		i++
		if i < len(buf) && (buf[i] == '+' || buf[i] == '-') {
			i++
		}
		if i >= len(buf) || !isDigit(buf[i]) {
			return 0, s.err(p, "invalid number: no digit in exponent")
		}
		for i < len(buf) && isDigit(buf[i]) {
			i++
		}
	}
	return i, nil
}

func quoteByte(c byte) string {
	if c >= 0x20 && c < 0x7f {
		return fmt.Sprintf("%q", rune(c))
	}
	return fmt.Sprintf("byte 0x%02x", c)
}

// validate checks that buf holds exactly one JSON value.
func validate(buf []byte) error {
	s := scanner{buf: buf}
	for {
		t, err := s.next()
		if err != nil {
			return err
		}
		if t == tEOF {
			return nil
		}
	}
}
