package forensics

import (
	"fmt"
	"strings"
	"unicode"

	"github.com/alecthomas/chroma/v2"
	"github.com/charmbracelet/x/ansi"

	fx "github.com/godmode-console/godmode/forensics"
	"github.com/godmode-console/godmode/themes"
)

// codeView is a Code node's source split into lines of tokens. Lexing
// happens once; styling happens per frame for the visible lines only.
type codeView struct {
	lang    string
	lines   [][]chroma.Token
	failing int // 1-based; 0 when unknown
	cursor  int
	top     int
}

func newCodeView(c fx.Code) *codeView {
	v := &codeView{lang: c.Language, failing: c.FailingLine}
	lx := chroma.Coalesce(lexer(c.Language))
	src := printable(c.Source)
	it, err := lx.Tokenise(nil, src)
	var toks []chroma.Token
	if err == nil {
		toks = it.Tokens()
	} else {
		toks = []chroma.Token{{Type: chroma.Text, Value: src}}
	}
	v.lines = chroma.SplitTokensIntoLines(toks)
	if len(v.lines) == 0 {
		v.lines = [][]chroma.Token{nil}
	}
	if v.failing > 0 && v.failing <= len(v.lines) {
		v.cursor = v.failing - 1
	}
	return v
}

// printable replaces control characters (an escape sequence in a node's
// code must not reach the terminal) and expands tabs.
func printable(s string) string {
	if strings.IndexFunc(s, func(r rune) bool { return r != '\n' && unicode.IsControl(r) }) < 0 {
		return s
	}
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\t':
			return ' '
		case r != '\n' && unicode.IsControl(r):
			return '�'
		}
		return r
	}, s)
}

// render draws h lines from top, w cells wide, with a gutter of line
// numbers; the failing line is marked.
func (v *codeView) render(th *themes.Theme, w, h int) []string {
	fs := &th.Forensics
	v.clamp(h)
	gw := len(fmt.Sprint(len(v.lines)))
	out := make([]string, 0, h)
	for i := v.top; i < len(v.lines) && len(out) < h; i++ {
		n := i + 1
		mark, gutter := "  ", fs.LineNumber
		if n == v.failing {
			mark, gutter = "▶ ", fs.FailingLine
		}
		var b strings.Builder
		b.WriteString(gutter.Render(fmt.Sprintf("%s%*d", mark, gw, n)))
		b.WriteString(" ")
		room := w - gw - 3
		for _, t := range v.lines[i] {
			if room <= 0 {
				break
			}
			val := strings.TrimRight(t.Value, "\n")
			val = cut(val, room)
			room -= ansi.StringWidth(val)
			b.WriteString(fs.Code(t.Type).Render(val))
		}
		s := b.String()
		if i == v.cursor {
			s = th.RowCursor.Render(ansi.Strip(s))
		}
		out = append(out, fitLine(s, w))
	}
	return out
}

func (v *codeView) clamp(h int) {
	n := len(v.lines)
	v.cursor = max(0, min(v.cursor, n-1))
	if v.cursor < v.top {
		v.top = v.cursor
	}
	if h > 0 && v.cursor >= v.top+h {
		v.top = v.cursor - h + 1
	}
	v.top = max(0, min(v.top, n-h))
}

// source is the code as text, for copying.
func (v *codeView) source() string {
	var b strings.Builder
	for i, l := range v.lines {
		if i > 0 {
			b.WriteByte('\n')
		}
		for _, t := range l {
			b.WriteString(strings.TrimRight(t.Value, "\n"))
		}
	}
	return b.String()
}
