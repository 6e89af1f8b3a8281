package forensics

import (
	"errors"
	"fmt"
	"math"
	"unsafe"
)

// Kind is the JSON kind of a value.
type Kind uint8

const (
	KindNull Kind = iota
	KindFalse
	KindTrue
	KindNumber
	KindString
	KindObject
	KindArray
)

func (k Kind) container() bool { return k == KindObject || k == KindArray }

// dnode is one value of the document, in document (pre)order. Offsets are
// 32-bit to keep the index small: 36 bytes a value.
type dnode struct {
	start, end uint32 // the value's bytes
	key        uint32 // offset of the member key's opening quote; 0 when none
	parent     int32  // -1 for the root
	next       uint32 // index of the first node after this subtree
	children   uint32 // direct children
	inner      uint32 // visible lines of the children (kept even while collapsed)
	depth      uint32
	kind       Kind
	collapsed  bool
}

// lines is how many lines the value shows: one when it is a scalar, empty
// or collapsed; its open line, its children and its close line otherwise.
func (n *dnode) lines() int {
	if n.collapsed || n.children == 0 {
		return 1
	}
	return 2 + int(n.inner)
}

// Document is a JSON document the inspector pages through. It is indexed in
// one iterative pass (one entry per value, no parse tree of Go values), and
// its lines are derived from the index and the collapse state on demand, so
// a document of any size or depth opens, counts its lines and renders a
// screenful without materialising the other lines.
//
// A Document starts fully expanded. It is not safe for concurrent use.
type Document struct {
	doc     []byte
	str     string // doc seen as a string for gjson
	nodes   []dnode
	matches []int32 // nodes matching the last Find, in document order
	query   []byte
}

// NewDocument indexes json. Invalid JSON gives a *SyntaxError naming the
// offset and line. json must not be modified while the Document is used.
func NewDocument(json []byte) (*Document, error) {
	if len(json) > math.MaxUint32-1 {
		return nil, fmt.Errorf("document of %d bytes is too large to inspect (limit 4 GiB)", len(json))
	}
	d := &Document{doc: json}
	if len(json) > 0 {
		d.str = unsafe.String(&json[0], len(json))
	}
	// A rough guess of one value per 40 bytes saves most re-growing.
	d.nodes = make([]dnode, 0, len(json)/40+1)
	s := scanner{buf: json}
	open := make([]int32, 0, 32)
	var key uint32
	for {
		t, err := s.next()
		if err != nil {
			return nil, err
		}
		switch t {
		case tEOF:
			if len(d.nodes) == 0 {
				return nil, errors.New("empty document")
			}
			return d, nil
		case tKey:
			key = uint32(s.start)
			continue
		case tObjClose, tArrClose:
			i := open[len(open)-1]
			open = open[:len(open)-1]
			n := &d.nodes[i]
			n.end = uint32(s.end)
			n.next = uint32(len(d.nodes))
			if len(open) > 0 {
				d.nodes[open[len(open)-1]].inner += uint32(n.lines())
			}
			continue
		}
		n := dnode{start: uint32(s.start), end: uint32(s.end), key: key, parent: -1, next: uint32(len(d.nodes) + 1)}
		key = 0
		if len(open) > 0 {
			p := open[len(open)-1]
			n.parent = p
			n.depth = uint32(len(open))
			d.nodes[p].children++
		}
		switch t {
		case tObjOpen:
			n.kind = KindObject
		case tArrOpen:
			n.kind = KindArray
		case tString:
			n.kind = KindString
		case tNumber:
			n.kind = KindNumber
		case tTrue:
			n.kind = KindTrue
		case tFalse:
			n.kind = KindFalse
		case tNull:
			n.kind = KindNull
		}
		d.nodes = append(d.nodes, n)
		if n.kind.container() {
			open = append(open, int32(len(d.nodes)-1))
		} else if len(open) > 0 {
			d.nodes[open[len(open)-1]].inner++
		}
	}
}

// Bytes is the document's JSON.
func (d *Document) Bytes() []byte { return d.doc }

// Lines is how many lines the document shows in its current collapse state.
func (d *Document) Lines() int { return d.nodes[0].lines() }

// Values is how many JSON values the document holds.
func (d *Document) Values() int { return len(d.nodes) }

// locate finds the node shown on line l and whether l is its closing line.
func (d *Document) locate(l int) (node int, closing bool, ok bool) {
	if l < 0 || l >= d.Lines() {
		return 0, false, false
	}
	n := 0
	for {
		if l == 0 {
			return n, false, true
		}
		nd := &d.nodes[n]
		if l == nd.lines()-1 {
			return n, true, true
		}
		l-- // the open line
		c := n + 1
		for {
			cl := d.nodes[c].lines()
			if l < cl {
				break
			}
			l -= cl
			c = int(d.nodes[c].next)
		}
		n = c
	}
}

// lineOf is the line of node n's opening (its ancestors must be expanded).
func (d *Document) lineOf(n int) int {
	line := 0
	for c := n; d.nodes[c].parent >= 0; {
		p := int(d.nodes[c].parent)
		line++
		for s := p + 1; s != c; s = int(d.nodes[s].next) {
			line += d.nodes[s].lines()
		}
		c = p
	}
	return line
}

// setCollapsed collapses or expands node n and keeps the line counts of its
// ancestors right: O(depth).
func (d *Document) setCollapsed(n int, collapsed bool) {
	nd := &d.nodes[n]
	if !nd.kind.container() || nd.children == 0 || nd.collapsed == collapsed {
		return
	}
	before := nd.lines()
	nd.collapsed = collapsed
	delta := nd.lines() - before
	for p := nd.parent; p >= 0 && delta != 0; p = d.nodes[p].parent {
		pn := &d.nodes[p]
		pn.inner = uint32(int(pn.inner) + delta)
		if pn.collapsed {
			break // its own line count does not change
		}
	}
}

// reveal expands every collapsed ancestor of n so that n shows, and returns
// its line.
func (d *Document) reveal(n int) int {
	for p := d.nodes[n].parent; p >= 0; p = d.nodes[p].parent {
		d.setCollapsed(int(p), false)
	}
	return d.lineOf(n)
}

// Toggle collapses the container shown on line, or expands it, and returns
// the line where the container now opens (where the cursor belongs). Lines
// that are not containers with children are left as they are.
func (d *Document) Toggle(line int) int {
	n, closing, ok := d.locate(line)
	if !ok {
		return line
	}
	nd := &d.nodes[n]
	if closing {
		line -= nd.lines() - 1
	}
	d.setCollapsed(n, !nd.collapsed)
	return line
}

// ExpandAll expands every container.
func (d *Document) ExpandAll() { d.collapseWhere(func(*dnode) bool { return false }) }

// CollapseToLevel shows level levels of nesting (1–9): containers at depth
// level or deeper are collapsed, the ones above expanded. Level 1 shows the
// root's members, each collapsed.
func (d *Document) CollapseToLevel(level int) {
	level = max(1, min(level, 9))
	d.collapseWhere(func(n *dnode) bool { return int(n.depth) >= level })
}

// collapseWhere sets every container's state, then recomputes the line
// counts bottom-up in one reverse pass (children follow their parent in the
// index, so no recursion is needed).
func (d *Document) collapseWhere(collapse func(*dnode) bool) {
	for i := range d.nodes {
		n := &d.nodes[i]
		n.inner = 0
		if n.kind.container() {
			n.collapsed = n.children > 0 && collapse(n)
		}
	}
	for i := len(d.nodes) - 1; i > 0; i-- {
		n := &d.nodes[i]
		d.nodes[n.parent].inner += uint32(n.lines())
	}
}
