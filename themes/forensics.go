package themes

import (
	"charm.land/lipgloss/v2"
	"github.com/alecthomas/chroma/v2"
)

// Forensics is what the forensics screen draws with: the timeline's bars,
// the inspector's JSON tokens and tabs, and the Code node's source.
type Forensics struct {
	BarOK, BarFailed, BarWaiting lipgloss.Style // duration bars of the timeline
	RunFailed                    lipgloss.Style // a failed run's row
	// A soft failure (an error the node swallowed) is drawn apart from a
	// failure: n8n called the run a success, and it is not the same news.
	RunSoft, BarSoft lipgloss.Style
	// RunFlag marks what a run is beside its status: disabled, pinned,
	// reused by a retry, or the caller of a sub-execution.
	RunFlag lipgloss.Style
	// Crumb is a step of the path through linked executions (parent ›
	// child); CrumbHere is the one shown.
	Crumb, CrumbHere lipgloss.Style

	TabActive, TabInactive lipgloss.Style

	JSONKey, JSONString, JSONNumber, JSONLiteral, JSONPunct lipgloss.Style // literal: true, false, null
	JSONSummary                                             lipgloss.Style // `{…} 12 keys` of a collapsed container
	Match                                                   lipgloss.Style // a line the find matched

	LineNumber  lipgloss.Style // the Code view's gutter
	FailingLine lipgloss.Style // the gutter and marker of the line the error names

	code map[chroma.TokenType]lipgloss.Style
}

// Code is the style of one chroma token in the Code node's source, taken
// from the theme's chroma style.
func (f *Forensics) Code(t chroma.TokenType) lipgloss.Style {
	for ; t > 0; t = t.Parent() {
		if st, ok := f.code[t]; ok {
			return st
		}
	}
	return f.code[chroma.Text]
}

func forensicsStyles(p Palette, chromaName string) Forensics {
	s := lipgloss.NewStyle
	return Forensics{
		BarOK:       s().Foreground(c(p.OK)),
		BarFailed:   s().Foreground(c(p.Error)).Bold(true),
		BarWaiting:  s().Foreground(c(p.Warn)),
		RunFailed:   s().Foreground(c(p.Error)).Bold(true),
		RunSoft:     s().Foreground(c(p.Warn)).Bold(true),
		BarSoft:     s().Foreground(c(p.Warn)),
		RunFlag:     s().Foreground(c(p.Info)).Italic(true),
		Crumb:       s().Foreground(c(p.Muted)),
		CrumbHere:   s().Foreground(c(p.Accent)).Bold(true),
		TabActive:   s().Foreground(c(p.SelectedFg)).Background(c(p.SelectedBg)).Bold(true).Padding(0, 1),
		TabInactive: s().Foreground(c(p.Muted)).Padding(0, 1),
		JSONKey:     s().Foreground(c(p.Accent)),
		JSONString:  s().Foreground(c(p.OK)),
		JSONNumber:  s().Foreground(c(p.Info)),
		JSONLiteral: s().Foreground(c(p.Warn)),
		JSONPunct:   s().Foreground(c(p.Muted)),
		JSONSummary: s().Foreground(c(p.Muted)).Italic(true),
		Match:       s().Foreground(c(p.MarkedFg)).Bold(true).Underline(true),
		LineNumber:  s().Foreground(c(p.Muted)),
		FailingLine: s().Foreground(c(p.Error)).Bold(true).Reverse(true),
		code:        chromaStyles(chromaName),
	}
}

func forensicsNoColour() Forensics {
	s := lipgloss.NewStyle
	return Forensics{
		BarOK: s(), BarFailed: s().Bold(true), BarWaiting: s().Faint(true), RunFailed: s().Bold(true),
		RunSoft: s().Underline(true), BarSoft: s().Underline(true), RunFlag: s().Italic(true),
		Crumb: s().Faint(true), CrumbHere: s().Bold(true),
		TabActive: s().Reverse(true).Padding(0, 1), TabInactive: s().Padding(0, 1),
		JSONKey: s().Bold(true), JSONString: s(), JSONNumber: s(), JSONLiteral: s(), JSONPunct: s(),
		JSONSummary: s().Faint(true), Match: s().Underline(true).Bold(true),
		LineNumber: s().Faint(true), FailingLine: s().Reverse(true).Bold(true),
		code: map[chroma.TokenType]lipgloss.Style{chroma.Text: s(), chroma.Keyword: s().Bold(true), chroma.Comment: s().Faint(true)},
	}
}

// chromaStyles turns a chroma style into one Lip Gloss style per token
// type, once per theme, so drawing a line of code looks styles up only.
func chromaStyles(name string) map[chroma.TokenType]lipgloss.Style {
	cs := chromaStyle(name)
	out := make(map[chroma.TokenType]lipgloss.Style, len(chroma.StandardTypes))
	for t := range chroma.StandardTypes {
		e := cs.Get(t)
		st := lipgloss.NewStyle()
		if e.Colour.IsSet() {
			st = st.Foreground(c(e.Colour.String()))
		}
		if e.Bold == chroma.Yes {
			st = st.Bold(true)
		}
		if e.Italic == chroma.Yes {
			st = st.Italic(true)
		}
		if e.Underline == chroma.Yes {
			st = st.Underline(true)
		}
		out[t] = st
	}
	return out
}
