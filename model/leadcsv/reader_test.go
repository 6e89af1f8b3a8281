package leadcsv

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"unicode/utf8"
)

type got struct {
	line    int
	fields  string
	problem string
}

func readAll(t *testing.T, src string) (*Reader, []got, error) {
	t.Helper()
	r, err := NewReader(strings.NewReader(src))
	if err != nil {
		return nil, nil, err
	}
	var out []got
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			return r, out, nil
		}
		if err != nil {
			return r, out, err
		}
		out = append(out, got{rec.Line, strings.Join(rec.Fields, "|"), rec.Problem})
	}
}

func TestSniffsDelimiterHeaderAndLines(t *testing.T) {
	for _, c := range []struct {
		name, src, format, header string
		want                      []got
	}{
		{"tab", "email\tname\na@x.io\tA, Jr.\n", "UTF-8, tab-separated, LF line ends, header on line 1", "email|name",
			[]got{{2, "a@x.io|A, Jr.", ""}}},
		{"pipe with commas in cells", "email|note\na@x.io|one, two, three\nb@x.io|four, five\n", "UTF-8, '|'-separated, LF line ends, header on line 1", "email|note",
			[]got{{2, "a@x.io|one, two, three", ""}, {3, "b@x.io|four, five", ""}}},
		{"preamble and quoted newlines", "Leads export\r\nDecember\r\nemail,note\r\na@x.io,\"two\r\nlines\"\r\nb@x.io,x\r\n",
			"UTF-8, ','-separated, CRLF line ends, header on line 3 (2 line(s) before it skipped)", "email|note",
			[]got{{4, "a@x.io|two\nlines", ""}, {6, "b@x.io|x", ""}}},
		{"bom", "\xEF\xBB\xBFemail\na@x.io\n", "UTF-8 with a BOM, ','-separated, LF line ends, header on line 1", "email",
			[]got{{2, "a@x.io", ""}}},
		{"latin-1", "email,ville\na@x.io,Orl\xe9ans\n", "latin-1 (converted to UTF-8), ','-separated, LF line ends, header on line 1", "email|ville",
			[]got{{2, "a@x.io|Orléans", ""}}},
		{"ragged row", "email,a,b\nx@x.io,1,2\ny@x.io,1\n", "UTF-8, ','-separated, LF line ends, header on line 1", "email|a|b",
			[]got{{2, "x@x.io|1|2", ""}, {3, "y@x.io|1", "2 fields, the header has 3"}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			r, recs, err := readAll(t, c.src)
			if err != nil {
				t.Fatal(err)
			}
			if f := r.Format().String(); f != c.format {
				t.Errorf("format %q, want %q", f, c.format)
			}
			if h := strings.Join(r.Header(), "|"); h != c.header {
				t.Errorf("header %q", h)
			}
			if fmt.Sprint(recs) != fmt.Sprint(c.want) {
				t.Errorf("records %v, want %v", recs, c.want)
			}
		})
	}
}

func TestNoHeaderIsSaid(t *testing.T) {
	for _, src := range []string{"", "a@x.io,Ann\nb@x.io,Bob\n"} {
		if _, err := NewReader(strings.NewReader(src)); err == nil || !strings.Contains(err.Error(), "no header line found") {
			t.Errorf("%q: %v", src, err)
		}
	}
}

// Text that is not UTF-8 past the sniffed sample rejects that row, by line.
func TestInvalidUTF8LaterRejectsTheRow(t *testing.T) {
	var b strings.Builder
	b.WriteString("email,name\n")
	n := 1
	for b.Len() < SampleSize+100 {
		n++
		fmt.Fprintf(&b, "l%d@x.io,Ann\n", n)
	}
	b.WriteString("bad@x.io,Ren\xe9\nok@x.io,Ok\n")
	_, recs, err := readAll(t, b.String())
	if err != nil {
		t.Fatal(err)
	}
	last, bad := recs[len(recs)-1], recs[len(recs)-2]
	if bad.line != n+1 || !strings.Contains(bad.problem, "not valid UTF-8") || last.problem != "" || last.line != n+2 {
		t.Fatalf("%v then %v (line %d expected bad)", bad, last, n+1)
	}
}

func TestCapsNameTheLine(t *testing.T) {
	// A quote left open: the reader stops soon after the cap, not at the
	// end of the file.
	big := "email,note\na@x.io,ok\nb@x.io,\"" + strings.Repeat("x\n", 4*MaxRecordBytes)
	src := &countingReader{r: strings.NewReader(big)}
	r, err := NewReader(src)
	if err != nil {
		t.Fatal(err)
	}
	r.Read()
	if _, err := r.Read(); err == nil || !strings.Contains(err.Error(), "the record from line 3 is over 1024 KiB: a quote left open?") || src.n > MaxRecordBytes+2*SampleSize {
		t.Fatalf("big record: %v, %d bytes read", err, src.n)
	}
	_, _, err = readAll(t, "email,note\na@x.io,ok\nb@x.io,\""+strings.Repeat("x", MaxRecordBytes+10)+"\"\n")
	if err == nil || !strings.Contains(err.Error(), "the record on line 3 is over 1024 KiB") {
		t.Fatalf("big record: %v", err)
	}
	wide := "email,note\na@x.io,ok\nb@x.io" + strings.Repeat(",", MaxFields+1) + "\n"
	_, _, err = readAll(t, wide)
	if err == nil || !strings.Contains(err.Error(), "the record on line 3 has 1002 fields, more than the 1000") {
		t.Fatalf("wide record: %v", err)
	}
}

func TestNormalizeKey(t *testing.T) {
	for in, want := range map[string]string{"First Name": "first_name", " E-mail ": "e_mail", "Email Address": "email_address",
		"Score (0-100)": "score_0_100", "Été": "été", "__x__": "x", "!!": "", "Email #1 Sent": "email_1_sent"} {
		if got := NormalizeKey(in); got != want {
			t.Errorf("%q: %q, want %q", in, got, want)
		}
	}
}

func TestNormalizeEmail(t *testing.T) {
	for in, want := range map[string]string{" Ana@Example.COM ": "ana@example.com", "a.b+c@sub.example.co.uk": "a.b+c@sub.example.co.uk",
		"josé@bücher.de": "josé@bücher.de"} {
		if got, err := NormalizeEmail(in); err != nil || got != want {
			t.Errorf("%q: %q %v", in, got, err)
		}
	}
	for in, why := range map[string]string{"": "no email", "ana": "has no @", "a@@b.io": "has 2 @", "a b@x.io": "has a space",
		"ana@localhost": "has no dot", ".a@x.io": "starts or ends with a dot", "a..b@x.io": "two in a row", "a@x.1": "not a top-level name",
		"a@-x.io": "hyphen-edged", "a@x_y.io": "the domain holds", "a@x.c": "too short", "<a>@x.io": "do not use unquoted",
		strings.Repeat("a", 65) + "@x.io": "over 64 bytes", "a\u00a0b@x.io": "or a space"} {
		if _, err := NormalizeEmail(in); err == nil || !strings.Contains(err.Error(), why) {
			t.Errorf("%q: %v, want %q", in, err, why)
		}
	}
}

func TestMapStatus(t *testing.T) {
	for in, want := range map[string]string{"": "", "NEW": "new", "Do Not Contact": "do_not_contact", "DNC": "do_not_contact",
		"opted-out": "unsubscribed", "Replied": "replied", "hard bounce": "bounced", " contacted ": "contacted"} {
		if got, ok := MapStatus(in); !ok || got != want {
			t.Errorf("%q: %q %v", in, got, ok)
		}
	}
	if _, ok := MapStatus("maybe later"); ok {
		t.Error("an unknown status mapped")
	}
}

// FuzzReader: any bytes give an error or records that start on strictly
// increasing lines, within the caps, as UTF-8 text unless rejected.
func FuzzReader(f *testing.F) {
	for _, s := range []string{"email,name\na@x.io,A\n", "\xEF\xBB\xBFe;n\r\na@x.io;\"x\r\ny\"\r\n", "x\ny\nemail\tn\na@b.cd\t\xe9\n",
		"email|a\n\"unterminated|x\n", "email,a\n,,,,\n\n\nb@c.de,\"q\"\"q\"\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := NewReader(strings.NewReader(string(b)))
		if err != nil {
			return
		}
		if r.Format().HeaderLine < 1 || !utf8.ValidString(strings.Join(r.Header(), "")) {
			t.Fatalf("format %+v header %q", r.Format(), r.Header())
		}
		last := r.Format().HeaderLine
		for i := 0; ; i++ {
			rec, err := r.Read()
			if err != nil {
				return
			}
			if rec.Line <= last {
				t.Fatalf("record %d on line %d after line %d", i, rec.Line, last)
			}
			last = rec.Line
			if len(rec.Fields) > MaxFields {
				t.Fatalf("%d fields", len(rec.Fields))
			}
			if rec.Problem == "" && !utf8.ValidString(strings.Join(rec.Fields, "")) {
				t.Fatalf("invalid UTF-8 passed: %q", rec.Fields)
			}
		}
	})
}

func TestIsNumberAndIsBool(t *testing.T) {
	for s, want := range map[string]bool{"0": true, "42": true, "-3.5": true, "0.25": true, "123456789012345": true,
		"1234567890123456": false, "02134": false, "1e5": false, "+1": false, "1.": false, ".5": false, "": false, "-": false, "1 ": false} {
		if IsNumber(s) != want {
			t.Errorf("IsNumber(%q) = %v", s, !want)
		}
	}
	if !IsBool("TRUE") || !IsBool("false") || IsBool("yes") || IsBool("") {
		t.Error("IsBool")
	}
	if got := string(AppendJSONString(nil, "a\"b\\c\nd\x01é")); got != `"a\"b\\c\nd\u0001é"` {
		t.Errorf("AppendJSONString: %s", got)
	}
}

// The check without a regexp says what the table's own rule says.
func FuzzSchemaCheck(f *testing.F) {
	for _, s := range []string{"a@b", "@b", "a@", "a@@b", "a b@c", "a\t@b", "a@b\n", "é@ü", "a\v@b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !utf8.ValidString(s) {
			return
		}
		if passesSchemaCheck(s) != schemaEmail.MatchString(s) {
			t.Fatalf("%q: %v, the table's rule %v", s, passesSchemaCheck(s), schemaEmail.MatchString(s))
		}
	})
}
