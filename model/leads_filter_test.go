package model

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestLeadFilterParsesEveryOperatorAndQuotes(t *testing.T) {
	f, err := ParseLeadFilter(`industry="Solar Energy"  score>50 score>=1.5 n<3 n<=-2 status!=bounced email~@acme.com "odd key"=x city="a \"b\" \\c"`)
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		key   string
		op    LeadOp
		value string
		pos   int
	}{
		{"industry", LeadEq, "Solar Energy", 1}, {"score", LeadGt, "50", 26}, {"score", LeadGe, "1.5", 35},
		{"n", LeadLt, "3", 46}, {"n", LeadLe, "-2", 50}, {"status", LeadNe, "bounced", 56},
		{"email", LeadContains, "@acme.com", 72}, {"odd key", LeadEq, "x", 88}, {"city", LeadEq, `a "b" \c`, 100},
	}
	if len(f.Terms) != len(want) {
		t.Fatalf("%d terms, want %d: %+v", len(f.Terms), len(want), f.Terms)
	}
	for i, w := range want {
		g := f.Terms[i]
		if g.Key != w.key || g.Op != w.op || g.Value != w.value || g.Pos != w.pos {
			t.Errorf("term %d = %q %s %q at %d, want %q %s %q at %d", i, g.Key, g.Op, g.Value, g.Pos, w.key, w.op, w.value, w.pos)
		}
	}
	if !f.Terms[1].IsNumber || f.Terms[1].Number != 50 || f.Terms[0].IsNumber {
		t.Errorf("numbers: %+v", f.Terms[:2])
	}
	if q, _ := ParseLeadFilter(`score="50" vip=true vip="true"`); q.Terms[0].IsNumber || !q.Terms[1].IsBoolean || q.Terms[2].IsBoolean {
		t.Errorf("a quoted value is a string: %+v", q.Terms)
	}
	if e, err := ParseLeadFilter("   "); err != nil || len(e.Terms) != 0 {
		t.Errorf("a blank filter: %+v %v", e, err)
	}
}

// A filter that does not parse says which term, where and what is wrong.
func TestLeadFilterErrorsNameTheTermAndPosition(t *testing.T) {
	for _, c := range []struct {
		in, term string
		pos      int
		why      string
	}{
		{"industry=Solar score>high", "score>high", 16, `> compares numbers: "high" is not one`},
		{"industry", "industry", 1, "no operator"},
		{"a=1 =x", "=x", 5, "no key before the operator"},
		{`city="Columbus`, `city="Columbus`, 1, "the quote opened at position 6 is not closed"},
		{`city="a"b`, `city="a"b`, 1, "text after the closing quote"},
		{`ci"ty=x`, `ci"ty=x`, 1, "a quote at position 3 inside a word"},
		{"status=lost", "status=lost", 1, `"lost" is not a status: say one of new, contacted`},
		{"email>3", "email>3", 1, "email takes =, != or ~, not >"},
		{"x~", "x~", 1, "~ needs some text"},
		{`k="a\`, `k="a\`, 1, "a backslash at the end of the quote opened at position 3"},
	} {
		_, err := ParseLeadFilter(c.in)
		var fe *LeadFilterError
		if !errors.As(err, &fe) {
			t.Errorf("%q: %v, want a LeadFilterError", c.in, err)
			continue
		}
		if fe.Term != c.term || fe.Pos != c.pos || !strings.Contains(fe.Why, c.why) {
			t.Errorf("%q: term %q at %d: %s; want %q at %d: …%s…", c.in, fe.Term, fe.Pos, fe.Why, c.term, c.pos, c.why)
		}
		if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "position") {
			t.Errorf("%q: %v", c.in, err)
		}
	}
	if _, err := ParseLeadFilter(strings.Repeat("a=1 ", MaxLeadTerms+1)); err == nil || !strings.Contains(err.Error(), "more than 32 terms") {
		t.Errorf("too many terms: %v", err)
	}
}

// Whatever is typed, the parser answers (no panic) with terms that hold
// no empty key and an operator of the language, or an error naming a
// position inside the text; its error text is free of control characters.
func FuzzParseLeadFilter(f *testing.F) {
	for _, s := range []string{`industry="Solar Energy" score>50`, `a\"=1`, `"k\\"~"v\""`, "x=\x00\x1b[31m", `"$1"=''`, "status=new", `=`, `""=""`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		flt, err := ParseLeadFilter(s)
		if err != nil {
			var fe *LeadFilterError
			if !errors.As(err, &fe) {
				t.Fatalf("%q: %T %v", s, err, err)
			}
			if fe.Term != "" && (fe.Pos < 1 || fe.Pos > utf8.RuneCountInString(s)) {
				t.Fatalf("%q: position %d outside the text", s, fe.Pos)
			}
			for _, r := range err.Error() {
				if r < 0x20 || r == 0x7f {
					t.Fatalf("%q: error holds a control character: %q", s, err)
				}
			}
			return
		}
		for _, term := range flt.Terms {
			if term.Key == "" || term.problem() != "" {
				t.Fatalf("%q: a bad term passed: %+v", s, term)
			}
			switch term.Op {
			case LeadEq, LeadNe, LeadGt, LeadGe, LeadLt, LeadLe, LeadContains:
			default:
				t.Fatalf("%q: operator %q", s, term.Op)
			}
		}
		// Parsing what String gives back keeps the terms (for terms free
		// of control characters, which String cleans).
		if again, err := ParseLeadFilter(flt.String()); err == nil && len(again.Terms) != len(flt.Terms) && flt.String() == strings.Join(texts(flt), " ") {
			t.Fatalf("%q: re-parsed into %d terms, had %d", s, len(again.Terms), len(flt.Terms))
		}
	})
}

func texts(f LeadFilter) []string {
	out := make([]string, len(f.Terms))
	for i, t := range f.Terms {
		out[i] = t.Text
	}
	return out
}
