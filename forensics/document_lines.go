package forensics

import "strconv"

// Line is one line of the document as shown, with enough structure for a
// UI to colour each token without parsing anything again. Key and Value
// share the document's bytes (do not modify them).
//
// Key is the member key, raw with its quotes, or nil for array elements and
// the root. Value is the raw token of a scalar (a string with its quotes, as
// long as it is: cut it to the screen when drawing), "{" or "[" on the
// opening line of an expanded container, "}" or "]" on its closing line, and
// nil for a collapsed or empty container (see Children).
type Line struct {
	Number    int
	Node      int // the value's index in the document (stable across collapsing)
	Depth     int // nesting level: indent by it
	Key       []byte
	Kind      Kind
	Value     []byte
	Closing   bool // the closing '}' or ']' line of an expanded container
	Collapsed bool
	Children  int  // members or items, for containers
	Comma     bool // a ',' follows
}

// Line returns line i, or false when there is no such line.
func (d *Document) Line(i int) (Line, bool) {
	n, closing, ok := d.locate(i)
	if !ok {
		return Line{}, false
	}
	return d.line(i, n, closing), true
}

// Window returns up to n lines from line from: what one screen shows.
func (d *Document) Window(from, n int) []Line {
	return d.AppendWindow(make([]Line, 0, max(n, 0)), from, n)
}

// AppendWindow appends up to n lines from line from to dst; a UI that keeps
// dst between frames renders without allocating.
func (d *Document) AppendWindow(dst []Line, from, n int) []Line {
	node, closing, ok := d.locate(from)
	for i := 0; ok && i < n; i++ {
		dst = append(dst, d.line(from+i, node, closing))
		node, closing, ok = d.following(node, closing)
	}
	return dst
}

// following is the line after the one showing node (opening or closing).
func (d *Document) following(n int, closing bool) (int, bool, bool) {
	nd := &d.nodes[n]
	if !closing && nd.kind.container() && nd.children > 0 && !nd.collapsed {
		return n + 1, false, true
	}
	if nd.parent < 0 {
		return 0, false, false
	}
	if nd.next < d.nodes[nd.parent].next {
		return int(nd.next), false, true
	}
	return int(nd.parent), true, true
}

func (d *Document) line(num, n int, closing bool) Line {
	nd := &d.nodes[n]
	l := Line{Number: num, Node: n, Depth: int(nd.depth), Kind: nd.kind, Closing: closing,
		Children: int(nd.children)}
	if nd.parent >= 0 {
		l.Comma = nd.next < d.nodes[nd.parent].next
	}
	switch {
	case closing:
		l.Value = d.doc[nd.end-1 : nd.end]
		return l
	case nd.key != 0:
		l.Key = d.doc[nd.key:d.keyEnd(nd.key)]
	}
	switch {
	case !nd.kind.container():
		l.Value = d.doc[nd.start:nd.end]
	case nd.collapsed || nd.children == 0:
		l.Collapsed = nd.collapsed
	default:
		l.Value = d.doc[nd.start : nd.start+1]
		l.Comma = false // it belongs to the closing line
	}
	return l
}

// keyEnd is the offset just past the key string opening at off.
func (d *Document) keyEnd(off uint32) uint32 {
	i := off + 1
	for d.doc[i] != '"' {
		if d.doc[i] == '\\' {
			i++
		}
		i++
	}
	return i + 1
}

// AppendText appends the line as plain text (two spaces of indent a level,
// key, value, comma) to dst. A value longer than maxValue bytes is cut with
// "…" (maxValue <= 0: no limit). A collapsed container reads `{…} 12 keys`
// or `[…] 20000 items`.
func (l Line) AppendText(dst []byte, maxValue int) []byte {
	for i := 0; i < l.Depth; i++ {
		dst = append(dst, ' ', ' ')
	}
	if l.Key != nil {
		dst = append(dst, l.Key...)
		dst = append(dst, ':', ' ')
	}
	switch {
	case l.Value != nil:
		if maxValue > 0 && len(l.Value) > maxValue {
			dst = append(dst, l.Value[:maxValue]...)
			dst = append(dst, "…"...)
		} else {
			dst = append(dst, l.Value...)
		}
	case l.Kind == KindObject && l.Children == 0:
		dst = append(dst, "{}"...)
	case l.Kind == KindArray && l.Children == 0:
		dst = append(dst, "[]"...)
	default:
		dst = append(dst, l.Summary()...)
	}
	if l.Comma {
		dst = append(dst, ',')
	}
	return dst
}

// Text is AppendText into a new string.
func (l Line) Text() string { return string(l.AppendText(nil, 0)) }

// Summary is what a collapsed container shows: `{…} 12 keys`, `[…] 1 item`.
func (l Line) Summary() string {
	switch {
	case l.Kind == KindObject:
		return "{…} " + strconv.Itoa(l.Children) + plural(l.Children, " key", " keys")
	case l.Kind == KindArray:
		return "[…] " + strconv.Itoa(l.Children) + plural(l.Children, " item", " items")
	}
	return ""
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
