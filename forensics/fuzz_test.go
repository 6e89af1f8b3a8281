package forensics

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/tidwall/gjson"
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

// FuzzExecution: any document that opens answers every question about
// what n8n hides without panicking, the answers agree with the timeline,
// a link's ids are ids, and both summaries come out clean (text without
// control characters, JSON valid).
func FuzzExecution(f *testing.F) {
	addSeeds(f)
	for _, name := range []string{"execution-soft-failure-merge.json", "execution-parent-sub-failed.json", "execution-parent-sub-failed-2x.json",
		"execution-parent-sub-ok.json", "execution-sub-failed-code.json", "execution-disabled-node.json", "execution-retry-of-2.json"} {
		f.Add(readFixture(f, "testdata/"+name))
	}
	f.Add(hostileExecution(f, 3))
	f.Fuzz(func(t *testing.T, raw []byte) {
		e, err := Open(raw)
		if err != nil {
			return
		}
		tl := e.Timeline()
		checkLink := func(what string, l *ExecutionLink) {
			if l == nil {
				return
			}
			if linkID(gjsonString(l.ExecutionID)) != l.ExecutionID || l.WorkflowID != "" && linkID(gjsonString(l.WorkflowID)) != l.WorkflowID {
				t.Fatalf("%s: ids %q %q are not ids", what, l.ExecutionID, l.WorkflowID)
			}
		}
		for i := range tl {
			e.Flags(i)
			checkLink("sub", e.SubExecutionOf(i))
		}
		for _, s := range e.SoftFailures() {
			if s.Run < 0 || s.Run >= len(tl) || tl[s.Run].Node != s.Node || !e.Flags(s.Run).SoftError || s.Items < 0 {
				t.Fatalf("soft failure %+v does not match the timeline", s)
			}
		}
		checkLink("parent", e.Parent())
		if e.Verdict() == "" {
			t.Fatal("empty verdict")
		}
		fail := e.FirstFailure()
		if fail != nil && (fail.Soft || fail.Ran && (fail.Run < 0 || fail.Run >= len(tl))) {
			t.Fatalf("failure %+v", fail)
		}
		if fail != nil {
			checkLink("failure", fail.Sub)
		}
		if p := e.FirstProblem(); p != nil && p.Ran && (p.Run < 0 || p.Run >= len(tl)) || p == nil && len(e.SoftFailures()) > 0 {
			t.Fatalf("first problem %+v", p)
		}
		// Any run's text may be searched for; what comes back is a place
		// in the timeline and one clean line.
		hits, total, _ := e.Search("a", 5)
		if len(hits) > 5 || total < len(hits) {
			t.Fatalf("%d hits of %d", len(hits), total)
		}
		for _, h := range hits {
			if _, ok := e.runOf(h.Node, h.Run); !ok || strings.ContainsAny(h.Text, "\n\r\x1b") {
				t.Fatalf("hit %+v", h)
			}
		}
		var text, js bytes.Buffer
		if err := WriteSummary(&text, e); err != nil {
			t.Fatal(err)
		}
		for _, r := range text.String() {
			if r < 0x20 && r != '\n' && r != '\t' || r >= 0x7f && r <= 0x9f {
				t.Fatalf("control %U in the text summary", r)
			}
		}
		if err := WriteSummaryJSON(&js, e); err != nil || !json.Valid(js.Bytes()) {
			t.Fatalf("JSON summary: %v", err)
		}
	})
}

func gjsonString(s string) gjson.Result { return gjson.Result{Type: gjson.String, Str: s} }
