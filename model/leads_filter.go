package model

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/godmode-console/godmode/forensics/safetext"
)

// The leads filter is what `/` on the :leads screen and `leads export
// --filter` take: terms separated by spaces, all of which must hold.
// A term is KEY OP VALUE; KEY and VALUE may be double-quoted (with \" and
// \\ inside) to hold spaces or operator characters:
//
//	industry="Solar Energy" score>50 status!=bounced email~@acme.com
//
// email, status and campaign name the fixed columns; any other key is a
// metadata key. The db layer compiles a parsed filter to parameterised
// SQL: no key or value is ever part of the statement's text.

// LeadOp is a filter term's comparison.
type LeadOp string

const (
	LeadEq       LeadOp = "="
	LeadNe       LeadOp = "!="
	LeadGt       LeadOp = ">"
	LeadGe       LeadOp = ">="
	LeadLt       LeadOp = "<"
	LeadLe       LeadOp = "<="
	LeadContains LeadOp = "~" // contains, ignoring case
)

// Ordered says whether op compares numbers.
func (op LeadOp) Ordered() bool {
	return op == LeadGt || op == LeadGe || op == LeadLt || op == LeadLe
}

// The fixed columns a filter key may name; every other key is metadata.
const (
	LeadKeyEmail    = "email"
	LeadKeyStatus   = "status"
	LeadKeyCampaign = "campaign"
)

// MaxLeadFilter bounds a filter's text and MaxLeadTerms its terms: a
// filter is typed by a person, and each term is a condition on a
// million rows.
const (
	MaxLeadFilter = 4096
	MaxLeadTerms  = 32
)

// LeadTerm is one condition of a filter.
type LeadTerm struct {
	Key   string
	Op    LeadOp
	Value string
	// Number is Value read as a number, for ordered comparisons (and
	// equality, which then matches the number or the string).
	Number    float64
	IsNumber  bool
	IsBoolean bool // Value is true or false
	Pos       int  // 1-based character position of the term in the filter
	Text      string
}

// Metadata says whether the term is on a metadata key.
func (t LeadTerm) Metadata() bool {
	return t.Key != LeadKeyEmail && t.Key != LeadKeyStatus && t.Key != LeadKeyCampaign
}

// LeadFilter is a parsed filter: every term must hold. The zero value
// matches every lead.
type LeadFilter struct {
	Terms []LeadTerm
}

// String is the filter as it was given (terms cleaned of control
// characters), for titles and the audit trail.
func (f LeadFilter) String() string {
	parts := make([]string, len(f.Terms))
	for i, t := range f.Terms {
		parts[i] = safetext.Line(t.Text)
	}
	return strings.Join(parts, " ")
}

// With is the filter with one more term (e.g. --campaign NAME).
func (f LeadFilter) With(t LeadTerm) LeadFilter {
	return LeadFilter{Terms: append(append([]LeadTerm{}, f.Terms...), t)}
}

// LeadFilterError is a filter that does not parse: which term, where
// (1-based character position), and what is wrong.
type LeadFilterError struct {
	Term string
	Pos  int
	Why  string
}

func (e *LeadFilterError) Error() string {
	if e.Term == "" {
		return fmt.Sprintf("filter: %s", e.Why)
	}
	return fmt.Sprintf("filter term %q at position %d: %s", safetext.Line(e.Term), e.Pos, e.Why)
}

// Unwrap makes a filter error an ErrInvalid.
func (e *LeadFilterError) Unwrap() error { return ErrInvalid }

// ParseLeadFilter parses a filter (see the package's leads filter
// comment). An empty or blank text is the filter matching everything.
func ParseLeadFilter(s string) (LeadFilter, error) {
	if len(s) > MaxLeadFilter {
		return LeadFilter{}, &LeadFilterError{Why: fmt.Sprintf("longer than %d bytes", MaxLeadFilter)}
	}
	if !utf8.ValidString(s) {
		return LeadFilter{}, &LeadFilterError{Why: "not UTF-8 text"}
	}
	p := filterParser{rs: []rune(s)}
	var f LeadFilter
	for {
		p.skipSpace()
		if p.i >= len(p.rs) {
			return f, nil
		}
		t, err := p.term()
		if err != nil {
			return LeadFilter{}, err
		}
		if len(f.Terms) == MaxLeadTerms {
			return LeadFilter{}, &LeadFilterError{Term: t.Text, Pos: t.Pos, Why: fmt.Sprintf("more than %d terms", MaxLeadTerms)}
		}
		f.Terms = append(f.Terms, t)
	}
}

type filterParser struct {
	rs []rune
	i  int
}

func (p *filterParser) skipSpace() {
	for p.i < len(p.rs) && unicode.IsSpace(p.rs[p.i]) {
		p.i++
	}
}

func isOpRune(r rune) bool { return r == '=' || r == '!' || r == '<' || r == '>' || r == '~' }

// rest is the text of the term starting at start, up to the next space
// outside quotes, for error messages.
func (p *filterParser) rest(start int) string {
	end, quoted := start, false
	for end < len(p.rs) {
		r := p.rs[end]
		if r == '\\' && quoted && end+1 < len(p.rs) {
			end += 2
			continue
		}
		if r == '"' {
			quoted = !quoted
		}
		if !quoted && unicode.IsSpace(r) {
			break
		}
		end++
	}
	return string(p.rs[start:end])
}

func (p *filterParser) fail(start int, why string) error {
	return &LeadFilterError{Term: p.rest(start), Pos: start + 1, Why: why}
}

func (p *filterParser) term() (LeadTerm, error) {
	start := p.i
	key, err := p.word(start, true)
	if err != nil {
		return LeadTerm{}, err
	}
	if key == "" {
		if p.i < len(p.rs) && isOpRune(p.rs[p.i]) {
			return LeadTerm{}, p.fail(start, "no key before the operator (say KEY=VALUE, e.g. industry=Solar)")
		}
		return LeadTerm{}, p.fail(start, "an empty key")
	}
	op, ok := p.op()
	if !ok {
		return LeadTerm{}, p.fail(start, "no operator: say KEY=VALUE, KEY!=VALUE, KEY>N, KEY>=N, KEY<N, KEY<=N or KEY~TEXT")
	}
	vstart := p.i
	val, err := p.word(start, false)
	if err != nil {
		return LeadTerm{}, err
	}
	if p.i < len(p.rs) && !unicode.IsSpace(p.rs[p.i]) {
		return LeadTerm{}, p.fail(start, "text after the closing quote (put a space between terms)")
	}
	t := LeadTerm{Key: key, Op: op, Value: val, Pos: start + 1, Text: string(p.rs[start:p.i])}
	quoted := vstart < len(p.rs) && p.rs[vstart] == '"'
	if n, err := strconv.ParseFloat(val, 64); err == nil && !quoted && json.Valid([]byte(val)) {
		t.Number, t.IsNumber = n, true
	}
	t.IsBoolean = !quoted && (val == "true" || val == "false")
	if why := t.problem(); why != "" {
		return LeadTerm{}, p.fail(start, why)
	}
	return t, nil
}

// problem says what is wrong with a term that parsed ("" if nothing).
func (t LeadTerm) problem() string {
	switch {
	case t.Op.Ordered() && !t.IsNumber:
		return fmt.Sprintf("%s compares numbers: %q is not one", t.Op, safetext.Line(t.Value))
	case t.Op.Ordered() && !t.Metadata():
		return fmt.Sprintf("%s takes =, != or ~, not %s", t.Key, t.Op)
	case t.Key == LeadKeyStatus && t.Op != LeadContains && !IsLeadStatus(t.Value):
		return fmt.Sprintf("%q is not a status: say one of %s", safetext.Line(t.Value), strings.Join(LeadStatuses, ", "))
	case t.Op == LeadContains && t.Value == "":
		return "~ needs some text to look for"
	}
	return ""
}

// op reads an operator.
func (p *filterParser) op() (LeadOp, bool) {
	two := ""
	if p.i+1 < len(p.rs) {
		two = string(p.rs[p.i : p.i+2])
	}
	switch two {
	case "!=", ">=", "<=":
		p.i += 2
		return LeadOp(two), true
	}
	if p.i < len(p.rs) {
		switch r := p.rs[p.i]; r {
		case '=', '>', '<', '~':
			p.i++
			return LeadOp(string(r)), true
		}
	}
	return "", false
}

// word reads a key (up to an operator) or a value (up to a space), either
// bare or double-quoted.
func (p *filterParser) word(start int, isKey bool) (string, error) {
	if p.i < len(p.rs) && p.rs[p.i] == '"' {
		q := p.i
		p.i++
		var b strings.Builder
		for p.i < len(p.rs) {
			r := p.rs[p.i]
			switch r {
			case '\\':
				if p.i+1 >= len(p.rs) {
					return "", p.fail(start, fmt.Sprintf("a backslash at the end of the quote opened at position %d", q+1))
				}
				b.WriteRune(p.rs[p.i+1])
				p.i += 2
				continue
			case '"':
				p.i++
				return b.String(), nil
			}
			b.WriteRune(r)
			p.i++
		}
		return "", p.fail(start, fmt.Sprintf("the quote opened at position %d is not closed", q+1))
	}
	var b strings.Builder
	for p.i < len(p.rs) {
		r := p.rs[p.i]
		if unicode.IsSpace(r) || (isKey && isOpRune(r)) {
			break
		}
		if r == '"' {
			return "", p.fail(start, fmt.Sprintf("a quote at position %d inside a word (quote the whole key or value)", p.i+1))
		}
		b.WriteRune(r)
		p.i++
	}
	return b.String(), nil
}
