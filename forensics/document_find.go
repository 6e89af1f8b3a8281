package forensics

import (
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"unsafe"

	"github.com/tidwall/gjson"
)

// Find searches the keys and scalar values (their JSON text) for query and
// remembers the matches for NextMatch. The search ignores ASCII case unless
// query holds an upper-case letter (smart case). It returns the number of
// matching values; an empty query clears the search.
func (d *Document) Find(query string) int {
	d.matches = d.matches[:0]
	d.query = []byte(query)
	if query == "" {
		return 0
	}
	fold := smartFold(query)
	q := d.query
	for i := range d.nodes {
		n := &d.nodes[i]
		hit := n.key != 0 && contains(d.doc[n.key+1:d.keyEnd(n.key)-1], q, fold)
		if !hit && !n.kind.container() {
			v := d.doc[n.start:n.end]
			if n.kind == KindString {
				v = v[1 : len(v)-1]
			}
			hit = contains(v, q, fold)
		}
		if hit {
			d.matches = append(d.matches, int32(i))
		}
	}
	return len(d.matches)
}

// Matches is how many values the last Find matched.
func (d *Document) Matches() int { return len(d.matches) }

// NextMatch moves to the match after (forward) or before the line fromLine,
// wrapping around, expands what hides it and returns its line; false when
// the last Find matched nothing.
func (d *Document) NextMatch(fromLine int, forward bool) (int, bool) {
	if len(d.matches) == 0 {
		return 0, false
	}
	cur, closing, ok := d.locate(fromLine)
	if !ok {
		cur, closing = 0, false
	}
	var m int32
	if forward {
		after := int32(cur) // a match is after the line when its node comes after cur…
		if closing {
			after = int32(d.nodes[cur].next) - 1 // …or after cur's whole subtree
		}
		i := sort.Search(len(d.matches), func(i int) bool { return d.matches[i] > after })
		if i == len(d.matches) {
			i = 0
		}
		m = d.matches[i]
	} else {
		before := int32(cur) // a match is before the line when its node comes before cur…
		if closing {
			before = int32(d.nodes[cur].next) // …or lies inside cur, above its closing line
		}
		i := sort.Search(len(d.matches), func(i int) bool { return d.matches[i] >= before }) - 1
		if i < 0 {
			i = len(d.matches) - 1
		}
		m = d.matches[i]
	}
	return d.reveal(int(m)), true
}

// smartFold is smart case: a query without capitals ignores ASCII case.
func smartFold(query string) bool { return strings.ToLower(query) == query }

func contains(s, q []byte, fold bool) bool { return index(s, q, fold) >= 0 }

// index is where q first starts in s (ASCII case folded when fold), or -1.
func index(s, q []byte, fold bool) int {
	if !fold {
		return strings.Index(unsafe.String(unsafe.SliceData(s), len(s)), unsafe.String(unsafe.SliceData(q), len(q)))
	}
	for i := 0; i+len(q) <= len(s); i++ {
		j := 0
		for j < len(q) && lower(s[i+j]) == q[j] {
			j++
		}
		if j == len(q) {
			return i
		}
	}
	return -1
}

func lower(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// QueryResult is what a gjson path found.
type QueryResult struct {
	Raw  []byte // the JSON found
	Line int    // the line of that value, expanded into view; -1 when the result is computed (e.g. `#.name`, modifiers) and is no single value of the document
}

// Query evaluates a gjson path (https://github.com/tidwall/gjson/blob/master/SYNTAX.md)
// against the document. When the result is one value of the document, the
// value is expanded into view and its line returned.
func (d *Document) Query(path string) (QueryResult, error) {
	r := gjson.Get(d.str, path)
	if !r.Exists() {
		return QueryResult{Line: -1}, fmt.Errorf("no value at path %q", path)
	}
	if len(r.Raw) > 0 {
		off := uintptr(unsafe.Pointer(unsafe.StringData(r.Raw))) - uintptr(unsafe.Pointer(unsafe.SliceData(d.doc)))
		if off < uintptr(len(d.doc)) {
			if n, ok := d.nodeAt(uint32(off), uint32(int(off)+len(r.Raw))); ok {
				return QueryResult{Raw: d.doc[off : int(off)+len(r.Raw)], Line: d.reveal(n)}, nil
			}
		}
	}
	return QueryResult{Raw: []byte(r.Raw), Line: -1}, nil
}

// nodeAt finds the node spanning exactly [start, end).
func (d *Document) nodeAt(start, end uint32) (int, bool) {
	i := sort.Search(len(d.nodes), func(i int) bool { return d.nodes[i].start >= start })
	// A container and its first child never start at the same offset, so
	// the match, if any, is i.
	if i < len(d.nodes) && d.nodes[i].start == start && d.nodes[i].end == end {
		return i, true
	}
	return 0, false
}

// PathAt is the gjson path of the value shown on line, e.g.
// `data.resultData.runData.OpenAI Agent.0.error.message` (special characters
// in keys escaped as gjson wants them); "@this" for the root. Where a key
// repeats in one object, gjson finds its first occurrence.
func (d *Document) PathAt(line int) string {
	n, _, ok := d.locate(line)
	if !ok {
		return ""
	}
	return d.pathOf(n)
}

// pathOf is PathAt for the value of node n.
func (d *Document) pathOf(n int) string {
	if d.nodes[n].parent < 0 {
		return "@this"
	}
	var parts []string
	for c := n; d.nodes[c].parent >= 0; c = int(d.nodes[c].parent) {
		nd := &d.nodes[c]
		p := int(nd.parent)
		if d.nodes[p].kind == KindArray {
			idx := 0
			for s := p + 1; s != c; s = int(d.nodes[s].next) {
				idx++
			}
			parts = append(parts, strconv.Itoa(idx))
		} else {
			parts = append(parts, gjson.Escape(d.keyText(nd.key)))
		}
	}
	var b strings.Builder
	for i := len(parts) - 1; i >= 0; i-- {
		b.WriteString(parts[i])
		if i > 0 {
			b.WriteByte('.')
		}
	}
	return b.String()
}

// keyText is the key opening at off, unescaped.
func (d *Document) keyText(off uint32) string {
	raw := d.doc[off:d.keyEnd(off)]
	for _, c := range raw {
		if c == '\\' {
			var s string
			if json.Unmarshal(raw, &s) == nil {
				return s
			}
			break
		}
	}
	return string(raw[1 : len(raw)-1])
}

// ValueAt is the raw JSON of the value shown on line (what `y` copies),
// shared with the document.
func (d *Document) ValueAt(line int) []byte {
	n, _, ok := d.locate(line)
	if !ok {
		return nil
	}
	return d.doc[d.nodes[n].start:d.nodes[n].end]
}
