package forensics

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

func addSeeds(f *testing.F) {
	for _, s := range []string{`{}`, `[]`, `""`, `0`, `{"a":[1,2,{"b":null}]}`, `[[[[]]]]`, `{"a":"\u00e9\n"}`,
		`{"binary":{"x":{"data":"QUJD","mimeType":"a/b"}}}`,
		`{"binary":{"x":{"data":"filesystem-v2","mimeType":"a/b","id":"filesystem-v2:p"}}}`,
		`{"a" 1}`, `[1,]`, `{"x":tru}`, `"\ud83d\ude00"`} {
		f.Add([]byte(s))
	}
	f.Add(readFixture(f, "testdata/execution-waiting.json"))
}

// FuzzSanitize: any input is either refused with a SyntaxError or turned
// into valid JSON with no string longer than the limit allows; valid JSON is
// never refused.
func FuzzSanitize(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, raw []byte) {
		out, st, err := Sanitize(raw)
		if err != nil {
			if _, ok := err.(*SyntaxError); !ok {
				t.Fatalf("error of the wrong kind: %v", err)
			}
			if json.Valid(raw) && !strings.Contains(err.Error(), "nesting deeper") {
				t.Fatalf("valid JSON refused: %v", err)
			}
			return
		}
		if !json.Valid(raw) {
			t.Fatalf("invalid JSON accepted: %q", raw)
		}
		if !json.Valid(out) {
			t.Fatalf("output is not JSON: %q -> %q", raw, out)
		}
		if st.Binaries == 0 && st.StringsCut == 0 && !bytes.Equal(out, raw) {
			t.Fatalf("nothing to remove but the output differs: %q -> %q", raw, out)
		}
		again, st2, err := Sanitize(out)
		if err != nil || !bytes.Equal(again, out) || st2.StringsCut != 0 {
			t.Fatalf("not idempotent: %q -> %q (%v)", out, again, err)
		}
	})
}

// FuzzDocument: any valid document indexes, its line count matches what a
// walk through the lines finds in every collapse state, every line renders,
// and its path and value agree with each other.
func FuzzDocument(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, raw []byte) {
		d, err := NewDocument(raw)
		if err != nil {
			if json.Valid(raw) && !strings.Contains(err.Error(), "nesting deeper") {
				t.Fatalf("valid JSON refused: %v", err)
			}
			return
		}
		if !json.Valid(raw) {
			t.Fatalf("invalid JSON accepted: %q", raw)
		}
		check := func(state string) {
			lines := d.Window(0, d.Lines()+3)
			if len(lines) != d.Lines() {
				t.Fatalf("%s: Lines() %d, walked %d", state, d.Lines(), len(lines))
			}
			for i, l := range lines {
				if l.Number != i {
					t.Fatalf("%s: line %d numbered %d", state, i, l.Number)
				}
				if one, _ := d.Line(i); one.Node != l.Node || one.Closing != l.Closing {
					t.Fatalf("%s: Line(%d) and Window disagree", state, i)
				}
				l.AppendText(nil, 10)
				if v := d.ValueAt(i); !json.Valid(v) {
					t.Fatalf("%s: ValueAt(%d) = %q is not JSON", state, i, v)
				}
				d.PathAt(i)
			}
		}
		check("expanded")
		var expanded bytes.Buffer
		for _, l := range d.Window(0, d.Lines()) {
			expanded.Write(l.AppendText(nil, 0))
			expanded.WriteByte('\n')
		}
		if !json.Valid(expanded.Bytes()) {
			t.Fatalf("the rendering is not JSON:\n%s", expanded.Bytes())
		}
		for lvl := 1; lvl <= 3; lvl++ {
			d.CollapseToLevel(lvl)
			check("level")
		}
		for i := 0; i < d.Lines(); i += 2 {
			d.Toggle(i)
		}
		check("toggled")
		if d.Find("a") > 0 {
			if _, ok := d.NextMatch(0, true); !ok {
				t.Fatal("a match but NextMatch found none")
			}
			check("after find")
		}
		d.ExpandAll()
		check("expanded again")
	})
}
