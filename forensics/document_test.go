package forensics

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/tidwall/gjson"
)

// render is the document as text, line by line, through Window.
func render(d *Document) string {
	var b []byte
	for _, l := range d.Window(0, d.Lines()+1) {
		b = l.AppendText(b, 0)
		b = append(b, '\n')
	}
	return string(b)
}

func TestDocumentRendersLikeIndentedJSON(t *testing.T) {
	for _, name := range []string{"execution-success-loop.json", "execution-waiting.json", "execution-error-code-node.json"} {
		raw := readFixture(t, "testdata/"+name)
		d, err := NewDocument(raw)
		if err != nil {
			t.Fatal(err)
		}
		var want bytes.Buffer
		if err := json.Indent(&want, raw, "", "  "); err != nil {
			t.Fatal(err)
		}
		want.WriteByte('\n')
		got := render(d)
		// encoding/json prints empty containers as {} and [] as we do.
		if got != want.String() {
			t.Errorf("%s: rendering differs from json.Indent (lines %d vs %d)", name, strings.Count(got, "\n"), strings.Count(want.String(), "\n"))
		}
		if d.Lines() != strings.Count(want.String(), "\n") {
			t.Errorf("%s: Lines() %d, json.Indent has %d lines", name, d.Lines(), strings.Count(want.String(), "\n"))
		}
	}
}

func TestCollapseExpandAndLevels(t *testing.T) {
	d, err := NewDocument(readFixture(t, "testdata/execution-success-loop.json"))
	if err != nil {
		t.Fatal(err)
	}
	full := d.Lines()
	d.CollapseToLevel(1)
	top := gjson.GetBytes(d.Bytes(), "@keys").Array()
	if d.Lines() != len(top)+2 {
		t.Errorf("level 1 shows %d lines, want the %d top-level members and the braces", d.Lines(), len(top))
	}
	dataKeys := int(gjson.GetBytes(d.Bytes(), "data.@keys.#").Int())
	l, _ := d.Line(13)
	if string(l.Key) != `"data"` || !l.Collapsed || l.Text() != fmt.Sprintf(`  "data": {…} %d keys,`, dataKeys) {
		t.Errorf("collapsed line 13: %q (key %s collapsed %v)", l.Text(), l.Key, l.Collapsed)
	}
	at := d.Toggle(13)
	if at != 13 || d.Lines() != len(top)+2+dataKeys+1 {
		t.Errorf("expanding data: cursor %d, lines %d", at, d.Lines())
	}
	// Toggling on the closing line collapses and returns the opening line.
	closing := 13 + dataKeys + 1
	if l, _ := d.Line(closing); !l.Closing || string(l.Value) != "}" {
		t.Fatalf("line %d is %q, want data's closing brace", closing, l.Text())
	}
	if at := d.Toggle(closing); at != 13 || d.Lines() != len(top)+2 {
		t.Errorf("collapse from the closing line: cursor %d, lines %d", at, d.Lines())
	}
	d.ExpandAll()
	if d.Lines() != full {
		t.Errorf("ExpandAll: %d lines, want %d", d.Lines(), full)
	}
	for lvl := 1; lvl <= 9; lvl++ {
		d.CollapseToLevel(lvl)
		if n := len(d.Window(0, d.Lines()+5)); n != d.Lines() {
			t.Errorf("level %d: Lines() %d but Window walks %d", lvl, d.Lines(), n)
		}
		for _, l := range d.Window(0, d.Lines()) {
			if l.Depth > lvl {
				t.Errorf("level %d shows a line at depth %d", lvl, l.Depth)
				break
			}
		}
	}
}

func TestPathAtRoundTripsThroughGjson(t *testing.T) {
	raw := []byte(`{"data":{"resultData":{"runData":{"OpenAI Agent":[{"error":{"message":"429"}}]}}},
	"we.ird*key?":{"a|b":[1,{"#":true}]},"esc\"aped":"x"}`)
	d, err := NewDocument(raw)
	if err != nil {
		t.Fatal(err)
	}
	var paths []string
	for i := 0; i < d.Lines(); i++ {
		p := d.PathAt(i)
		paths = append(paths, p)
		got := gjson.GetBytes(raw, p)
		if !got.Exists() || got.Raw != string(d.ValueAt(i)) {
			t.Errorf("line %d: path %q gives %q, the line holds %q", i, p, got.Raw, d.ValueAt(i))
		}
	}
	if !strings.Contains(strings.Join(paths, "\n"), "data.resultData.runData.OpenAI Agent.0.error.message") {
		t.Errorf("paths %q", paths)
	}
}

func TestFindAndNextMatchExpandTheWay(t *testing.T) {
	d, err := NewDocument(readFixture(t, "testdata/execution-error-code-node.json"))
	if err != nil {
		t.Fatal(err)
	}
	d.CollapseToLevel(1)
	n := d.Find("smtp 550")
	if n == 0 {
		t.Fatal("no match for smtp 550 (smart case: lower-case query ignores case)")
	}
	if d.Find("smtp") != n || d.Find("SMTP 550") != n || d.Find("Smtp 550") != 0 {
		t.Error("smart case: an upper-case letter makes the search case-sensitive")
	}
	d.Find("SMTP 550")
	var seen []int
	line := 0
	for i := 0; i < n; i++ {
		var ok bool
		line, ok = d.NextMatch(line, true)
		if !ok {
			t.Fatal("NextMatch found nothing")
		}
		l, _ := d.Line(line)
		if !bytes.Contains(l.Value, []byte("SMTP 550")) {
			t.Errorf("match %d at line %d is %q", i, line, l.Text())
		}
		seen = append(seen, line)
	}
	for i := 1; i < len(seen); i++ {
		if seen[i] <= seen[i-1] {
			t.Errorf("forward matches not in order: %v", seen)
		}
	}
	if again, _ := d.NextMatch(line, true); again != seen[0] {
		t.Errorf("n after the last match goes to %d, want the first %d (wrap)", again, seen[0])
	}
	if back, _ := d.NextMatch(seen[0], false); back != seen[len(seen)-1] {
		t.Errorf("N before the first match goes to %d, want the last %d (wrap)", back, seen[len(seen)-1])
	}
}

func TestQueryJumpsToTheValue(t *testing.T) {
	d, err := NewDocument(readFixture(t, "testdata/execution-success-loop.json"))
	if err != nil {
		t.Fatal(err)
	}
	d.CollapseToLevel(1)
	r, err := d.Query("data.resultData.runData.Classify.2.source.0.previousNodeRun")
	if err != nil || string(r.Raw) != "2" || r.Line < 0 {
		t.Fatalf("query: %q line %d %v", r.Raw, r.Line, err)
	}
	if d.PathAt(r.Line) != "data.resultData.runData.Classify.2.source.0.previousNodeRun" {
		t.Errorf("cursor lands on %q", d.PathAt(r.Line))
	}
	r, err = d.Query("data.resultData.runData.Classify.#")
	if err != nil || string(r.Raw) != "5" || r.Line != -1 {
		t.Errorf("computed query: %q line %d %v", r.Raw, r.Line, err)
	}
	if _, err := d.Query("data.nope"); err == nil || !strings.Contains(err.Error(), "data.nope") {
		t.Errorf("missing path: %v", err)
	}
}

// nested builds depth levels of [[[…]]] around a value, alternating arrays
// and objects.
func nested(depth int) []byte {
	var b bytes.Buffer
	for i := 0; i < depth; i++ {
		if i%2 == 0 {
			b.WriteString(`{"k":`)
		} else {
			b.WriteByte('[')
		}
	}
	b.WriteString(`"bottom"`)
	for i := depth - 1; i >= 0; i-- {
		if i%2 == 0 {
			b.WriteByte('}')
		} else {
			b.WriteByte(']')
		}
	}
	return b.Bytes()
}

func TestTenThousandLevelsOfNesting(t *testing.T) {
	raw := nested(10_000)
	d, err := NewDocument(raw)
	if err != nil {
		t.Fatal(err)
	}
	if d.Lines() != 2*10_000+1 {
		t.Errorf("lines %d", d.Lines())
	}
	mid, _ := d.Line(10_000)
	if string(mid.Value) != `"bottom"` || mid.Depth != 10_000 {
		t.Errorf("line 10000: %q depth %d", mid.Value, mid.Depth)
	}
	path := d.PathAt(10_000)
	if got := gjson.GetBytes(raw, path); got.String() != "bottom" {
		t.Errorf("path of the bottom resolves to %q", got.Raw)
	}
	if d.Find("bottom") != 1 {
		t.Error("find at the bottom")
	}
	d.CollapseToLevel(3)
	if line, ok := d.NextMatch(0, true); !ok || line != 10_000 {
		t.Errorf("NextMatch expanded to line %d", line)
	}
	if _, err := d.Query(path); err != nil {
		t.Error(err)
	}
	out, _, err := Sanitize(raw)
	if err != nil || !bytes.Equal(out, raw) {
		t.Errorf("sanitize of deep nesting: %v", err)
	}
	exec := append(append([]byte(`{"id":"1","status":"error","data":`), raw...), '}')
	if _, err := Open(exec); err != nil {
		t.Errorf("open a deeply nested execution: %v", err)
	}
}

func TestNestingBeyondTheLimitIsRefused(t *testing.T) {
	raw := bytes.Repeat([]byte{'['}, MaxDepth+1)
	for _, f := range []func() error{
		func() error { _, err := NewDocument(raw); return err },
		func() error { _, _, err := Sanitize(raw); return err },
		func() error { _, err := Open(raw); return err },
	} {
		if err := f(); err == nil || !strings.Contains(err.Error(), "nesting deeper than") {
			t.Errorf("error %v", err)
		}
	}
}

func TestThirtyMegabyteString(t *testing.T) {
	body := bytes.Repeat([]byte("é0123456789"), 30<<20/12)
	raw := append(append([]byte(`{"id":"1","status":"success","data":{"resultData":{"runData":{"Big":[{"startTime":1,"executionTime":2,"executionStatus":"success","source":[],"data":{"main":[[{"json":{"blob":"`), body...), `"}}]]}}]}}}}`...)
	e, err := Open(raw)
	if err != nil {
		t.Fatal(err)
	}
	out, err := e.Output(e.Timeline()[0])
	if err != nil {
		t.Fatal(err)
	}
	blob := gjson.GetBytes(out, "0.json.blob").String()
	if len(blob) > MaxString+64 || !strings.Contains(blob, "…[cut ") || !json.Valid(out) {
		t.Errorf("blob kept %d bytes, ends %q", len(blob), blob[max(0, len(blob)-40):])
	}
	cutAt := strings.Index(blob, "…[cut ")
	if !strings.HasPrefix(string(body), blob[:cutAt]) || cutAt < MaxString-3 {
		t.Errorf("the kept part (%d bytes) is not the start of the string (split character?)", cutAt)
	}
	if e.Sanitized.StringsCut != 1 || e.Sanitized.BytesCut != int64(len(body)-cutAt) ||
		!strings.Contains(blob, fmt.Sprintf("[cut %d bytes]", len(body)-cutAt)) {
		t.Errorf("stats %+v, marker %q", e.Sanitized, blob[cutAt:])
	}
	// The document model pages the raw 30 MB string without copying it.
	d, err := NewDocument(raw)
	if err != nil {
		t.Fatal(err)
	}
	var line []byte
	for _, l := range d.Window(0, 60) {
		line = l.AppendText(line[:0], 120)
	}
	if d.Lines() != 29 || len(line) > 200 {
		t.Errorf("lines %d, last rendered line %d bytes", d.Lines(), len(line))
	}
}
