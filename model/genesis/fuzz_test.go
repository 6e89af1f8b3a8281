package genesis

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"unicode/utf8"
)

// Whatever the value, the rendered workflow parses, keeps its structure,
// and holds the value as one string in every place it went; or the plan is
// refused for a reason it names (the value holds a placeholder, or would
// turn a plain field into an expression).
func FuzzRenderValue(f *testing.F) {
	for _, s := range []string{hostile, "", "plain", `"`, `\`, "'", "`", "${", "}}", "{{", "\n", "\u2028", `\u007b`, "</script>", "=x", "YOUR_X", "{{ $json.a }}", "*/", "\x00\x1f"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		if !utf8.ValidString(v) {
			return // JSON carries text; invalid UTF-8 is not a value anyone types
		}
		pl, err := planOne(t, map[string]string{"h.json": hostileFlow}, map[string]string{"YOUR_V": v, "V_ENV": v})
		if err != nil {
			var re *RefusedError
			if !errors.As(err, &re) {
				t.Fatalf("%q: %v", v, err)
			}
			for _, p := range re.Problems {
				if !strings.Contains(p.Message, " is left") && !strings.Contains(p.Message, "starts with =") {
					t.Fatalf("%q refused for another reason: %s", v, p)
				}
			}
			return
		}
		body, err := pl.Workflows[0].Body(nil)
		if err != nil {
			t.Fatal(err)
		}
		var doc struct {
			Nodes []struct {
				Parameters map[string]string `json:"parameters"`
			} `json:"nodes"`
			Connections map[string]any `json:"connections"`
		}
		if err := json.Unmarshal(body, &doc); err != nil {
			t.Fatalf("%q: the workflow does not parse: %v", v, err)
		}
		if len(doc.Nodes) != 3 || len(doc.Connections) != 2 {
			t.Fatalf("%q: the structure changed", v)
		}
		set, code := doc.Nodes[1].Parameters, doc.Nodes[2].Parameters["jsCode"]
		if set["plain"] != v || set["mixed"] != "a "+v+" b" {
			t.Fatalf("%q: plain field %q", v, set["plain"])
		}
		var jb map[string]any
		if err := json.Unmarshal([]byte(evalSegments(t, strings.TrimPrefix(set["body"], "="))), &jb); err != nil || jb["a"] != v || jb["e2"] != v || jb["e3"] != v || len(jb) != 5 {
			t.Fatalf("%q: JSON body %q: %v", v, set["body"], err)
		}
		if strings.Count(set["body"], "{{") != 4 || strings.Count(set["env"], "{{") != 1 || strings.Count(set["env"], "}}") != 1 {
			t.Fatalf("%q: an expression was opened or closed: %q %q", v, set["body"], set["env"])
		}
		for _, c := range []struct {
			prefix string
			q      byte
		}{{"const a", '\''}, {"const b", '"'}, {"const c", '`'}} {
			if got := jsUnquote(t, literalAt(t, code, c.prefix, c.q)); got != v {
				t.Fatalf("%q: %s literal reads %q", v, c.prefix, got)
			}
		}
		if strings.Count(code, "\n") != 3 {
			t.Fatalf("%q: the code has other lines:\n%s", v, code)
		}
	})
}
