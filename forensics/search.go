package forensics

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/godmode-console/godmode/forensics/safetext"
)

// Hit is one value of an execution's run data that holds a searched
// string, in its key or its text.
type Hit struct {
	Node string // the node whose run holds the value
	Run  int    // which run of that node (0-based)
	Path string // where in the run, as PathAt writes it (data.main.0.0.json.email)
	Text string // the value around the match: one line, control characters shown as pictures
}

// MayHold is the cheap test run before an execution is indexed: whether
// its bytes hold q as JSON writes it inside a string (a quote, a
// backslash, a tab or a newline escaped), with Find's smart case. False
// means Search finds nothing; true means it may.
func MayHold(raw []byte, q string) bool {
	return q != "" && contains(raw, []byte(escapeJSON(q)), smartFold(q))
}

// Search finds q in the keys and values of every node run, as the
// inspector's Find does in one document (smart case, strings compared as
// their JSON text), and returns at
// most max hits in timeline order, with the number found in all. Only the
// runs whose bytes hold q are indexed, so a miss costs one scan.
func (e *Execution) Search(q string, max int) (hits []Hit, total int, err error) {
	if q == "" {
		return nil, 0, nil
	}
	// Find compares the JSON text of keys and values, so it is given q
	// as that text writes it.
	q = escapeJSON(q)
	bq, fold := []byte(q), smartFold(q)
	for _, r := range e.Timeline() {
		raw := e.slice(r.run)
		if !contains(raw, bq, fold) {
			continue
		}
		d, err := NewDocument(raw)
		if err != nil {
			return hits, total, err
		}
		d.Find(q)
		total += len(d.matches)
		for _, m := range d.matches {
			if len(hits) == max {
				break
			}
			hits = append(hits, Hit{Node: r.Node, Run: r.RunIndex, Path: d.pathOf(int(m)), Text: d.excerpt(int(m), q)})
		}
	}
	return hits, total, nil
}

// excerptWidth bounds a hit's text: enough to recognise the value, short
// enough for one row of a list.
const excerptWidth = 80

// excerpt is the text of node n around the first place it holds q: the
// value when it matched, else its key.
func (d *Document) excerpt(n int, q string) string {
	nd := &d.nodes[n]
	v := d.doc[nd.start:nd.end]
	if nd.kind == KindString {
		v = v[1 : len(v)-1]
	}
	fold := smartFold(q)
	if nd.kind.container() || !contains(v, []byte(q), fold) {
		if nd.key != 0 {
			v = d.doc[nd.key+1 : d.keyEnd(nd.key)-1]
		}
	}
	at := max(0, index(v, []byte(q), fold))
	from := max(0, at-excerptWidth/3)
	for from > 0 && !utf8.RuneStart(v[from]) {
		from--
	}
	to := min(len(v), from+excerptWidth)
	for to < len(v) && !utf8.RuneStart(v[to]) {
		to++
	}
	text := string(v[from:to])
	if nd.kind == KindString {
		text = unescapeLenient(text)
	}
	s := safetext.Line(strings.Join(strings.Fields(text), " "))
	if from > 0 {
		s = "…" + s
	}
	if to < len(v) {
		s += "…"
	}
	return s
}

// unescapeLenient reads the JSON escapes of a piece of a string (cut
// anywhere, so an escape may be broken at either end: it is kept as it
// is). Line breaks and tabs become spaces: an excerpt is one line.
func unescapeLenient(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' {
			b.WriteByte(c)
			continue
		}
		if i+1 == len(s) {
			break // an escape cut in half by the excerpt's end
		}
		i++
		switch e := s[i]; e {
		case 'n', 't', 'r':
			b.WriteByte(' ')
		case 'u':
			if i+5 <= len(s) {
				if r, err := strconv.ParseUint(s[i+1:i+5], 16, 32); err == nil {
					b.WriteRune(rune(r))
					i += 4
					continue
				}
			}
			b.WriteString(`\u`)
		case '"', '\\', '/':
			b.WriteByte(e)
		default:
			b.WriteByte('\\')
			b.WriteByte(e)
		}
	}
	return b.String()
}

// escapeJSON is q as it appears inside a JSON string when it holds a
// quote, a backslash, a newline or a tab.
func escapeJSON(q string) string {
	var b []byte
	for i := 0; i < len(q); i++ {
		switch c := q[i]; {
		case c == '"' || c == '\\':
			b = append(b, '\\', c)
		case c == '\n':
			b = append(b, '\\', 'n')
		case c == '\t':
			b = append(b, '\\', 't')
		default:
			b = append(b, c)
		}
	}
	return string(b)
}
