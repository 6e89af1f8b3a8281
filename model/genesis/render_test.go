package genesis

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"testing"
)

// hostileFlow puts YOUR_V in every kind of place a blueprint does: a plain
// field, an n8n expression's JSON body, a Code node's three kinds of string
// literal, and $env in an expression.
const hostileFlow = `{"name":"Hostile","nodes":[
 {"id":"1","name":"Hook","type":"n8n-nodes-base.webhook","typeVersion":2,"position":[0,0],"webhookId":"11111111-1111-4111-8111-111111111111","parameters":{"path":"Unsubscribe","httpMethod":"POST"}},
 {"id":"2","name":"Set","type":"n8n-nodes-base.set","typeVersion":3,"position":[200,0],"parameters":{"plain":"YOUR_V","mixed":"a YOUR_V b","body":"={\"a\": \"YOUR_V\", \"n\": {{ $json.n }}, \"e\": \"{{ $json.email }}\", \"e2\": \"{{ 'YOUR_V' }}\", \"e3\": \"{{ $env.V_ENV }}\"}","env":"={{ $env.V_ENV }}"}},
 {"id":"3","name":"Code","type":"n8n-nodes-base.code","typeVersion":2,"position":[400,0],"parameters":{"jsCode":"const a = 'YOUR_V';\nconst b = \"YOUR_V\";\nconst c = ` + "`YOUR_V`" + `;\nreturn [{json: {a, b, c}}];"}}
],"connections":{"Hook":{"main":[[{"node":"Set","type":"main","index":0}]]},"Set":{"main":[[{"node":"Code","type":"main","index":0}]]}}}`

// hostile is full of what breaks text substitution: quotes of every kind,
// backslashes, braces, an n8n expression, a template substitution, line
// breaks and a JavaScript line terminator.
const hostile = "He said \"hi\" & it's `odd` \\ \\\" {a} {{ $json.x }} }} ${x}\nline 2\r\n\u2028end"

func planOne(t testing.TB, docs map[string]string, vars map[string]string) (*Plan, error) {
	t.Helper()
	v := versionOfJSON(t, docs)
	return MakePlan(context.Background(), Input{Version: v, Workspace: Workspace{Slug: "acme"}, Values: valuesOf(vars)},
		Ports{Webhooks: noHooks{}, IDs: seqIDs("bbbbbbbb")})
}

// jsUnquote reads a JavaScript string literal the escapes jsEscape writes.
func jsUnquote(t *testing.T, lit string) string {
	t.Helper()
	var b strings.Builder
	for i := 1; i < len(lit)-1; i++ {
		c := lit[i]
		if c != '\\' {
			b.WriteByte(c)
			continue
		}
		i++
		switch lit[i] {
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		case 'x':
			n, _ := strconv.ParseUint(lit[i+1:i+3], 16, 8)
			b.WriteByte(byte(n))
			i += 2
		case 'u':
			n, _ := strconv.ParseUint(lit[i+1:i+5], 16, 32)
			b.WriteRune(rune(n))
			i += 4
		default:
			b.WriteByte(lit[i])
		}
	}
	return b.String()
}

// literalAt returns the JavaScript string literal that starts at the first
// quote q after prefix in code, as the lexer delimits it.
func literalAt(t *testing.T, code, prefix string, q byte) string {
	t.Helper()
	i := strings.Index(code, prefix)
	if i < 0 {
		t.Fatalf("%q not in %q", prefix, code)
	}
	start := i + strings.IndexByte(code[i:], q)
	want := map[byte]jsState{'\'': jsSingle, '"': jsDouble, '`': jsTemplate}[q]
	end := start + 1
	for end < len(code) && jsStateAt(code, end+1) == want {
		end++
	}
	return code[start : end+1]
}

func TestRenderHostileValueStaysOneString(t *testing.T) {
	pl, err := planOne(t, map[string]string{"h.json": hostileFlow}, map[string]string{"YOUR_V": hostile, "V_ENV": hostile})
	if err != nil {
		t.Fatal(err)
	}
	body, err := pl.Workflows[0].Body(nil)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Name  string `json:"name"`
		Nodes []struct {
			Name       string            `json:"name"`
			Parameters map[string]string `json:"parameters"`
		} `json:"nodes"`
		Connections map[string]any `json:"connections"`
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		t.Fatalf("the rendered workflow does not parse: %v\n%s", err, body)
	}
	if len(doc.Nodes) != 3 || len(doc.Connections) != 2 || doc.Name != "acme - Hostile" {
		t.Fatalf("the structure changed: %s", body)
	}
	set, code := doc.Nodes[1].Parameters, doc.Nodes[2].Parameters["jsCode"]
	if set["plain"] != hostile || set["mixed"] != "a "+hostile+" b" {
		t.Fatalf("plain fields: %q / %q", set["plain"], set["mixed"])
	}
	// The JSON body still parses once n8n fills its {{ }}, and "a" is the value.
	var jb map[string]any
	if err := json.Unmarshal([]byte(evalSegments(t, strings.TrimPrefix(set["body"], "="))), &jb); err != nil {
		t.Fatalf("JSON body: %v\n%s", err, set["body"])
	}
	if jb["a"] != hostile || jb["e2"] != hostile || jb["e3"] != hostile || len(jb) != 5 {
		t.Fatalf("JSON body: a %q, e2 %q, e3 %q (keys %d)", jb["a"], jb["e2"], jb["e3"], len(jb))
	}
	// Expressions: one {{ }} part holding one string literal, the value.
	if strings.Count(set["env"], "{{") != 1 || strings.Count(set["env"], "}}") != 1 || strings.Count(set["body"], "{{") != 4 {
		t.Fatalf("the value opened or closed an n8n expression: env %q body %q", set["env"], set["body"])
	}
	lit := strings.TrimSpace(strings.TrimSuffix(strings.TrimPrefix(set["env"], "={{"), "}}"))
	if jsUnquote(t, lit) != hostile || jsStateAt(lit, len(lit)) != jsCode {
		t.Fatalf("$env became %q", lit)
	}
	// Each code literal holds exactly the value, and the code after it is code.
	for _, c := range []struct {
		prefix string
		q      byte
	}{{"const a", '\''}, {"const b", '"'}, {"const c", '`'}} {
		l := literalAt(t, code, c.prefix, c.q)
		if got := jsUnquote(t, l); got != hostile {
			t.Errorf("%s: literal %q reads %q", c.prefix, l, got)
		}
	}
	if i := strings.Index(code, "return ["); i < 0 || jsStateAt(code, i) != jsCode {
		t.Fatalf("the code after the literals is not code:\n%s", code)
	}
	if strings.Count(code, "\n") != 3 {
		t.Fatalf("the value added lines to the code:\n%s", code)
	}
}

// Where no escape exists the value is refused, naming workflow, node and
// field, not guessed at.
func TestRenderRefusesWhatCannotBeEscaped(t *testing.T) {
	flow := `{"name":"F","nodes":[
 {"id":"1","name":"Start","type":"n8n-nodes-base.manualTrigger","typeVersion":1,"position":[0,0],"parameters":{}},
 {"id":"2","name":"Set","type":"n8n-nodes-base.set","typeVersion":3,"position":[200,0],"parameters":{"expr":"=Hello {{ $json.name }}, YOUR_A","lead":"YOUR_B","json":"={\"n\": YOUR_C}"}},
 {"id":"3","name":"Code","type":"n8n-nodes-base.code","typeVersion":2,"position":[400,0],"parameters":{"jsCode":"const n = YOUR_D;\n// note: YOUR_E\nconst r = /YOUR_F/;\nreturn [];"}},
 {"id":"4","name":"Py","type":"n8n-nodes-base.code","typeVersion":2,"position":[600,0],"parameters":{"language":"python","pythonCode":"x = 'YOUR_G'"}}
],"connections":{}}`
	vars := map[string]string{"YOUR_A": "{{ $env.SECRET }}", "YOUR_B": "={{ 1 }}", "YOUR_C": "not a number", "YOUR_D": "alert(1)", "YOUR_E": "x\nprocess.exit()", "YOUR_F": "x", "YOUR_G": "it's"}
	_, err := planOne(t, map[string]string{"f.json": flow}, vars)
	var re *RefusedError
	if !errors.As(err, &re) {
		t.Fatalf("not refused: %v", err)
	}
	want := map[string]string{
		"Set|parameters.expr":      "YOUR_A cannot go here: it holds {{ or }} and the field is an n8n expression",
		"Set|parameters.lead":      "YOUR_B cannot go here: it starts with = at the start of the field",
		"Set|parameters.json":      "YOUR_C cannot go here: it sits in a JSON body outside a string",
		"Code|parameters.jsCode":   "YOUR_D cannot go here: it sits in bare JavaScript",
		"Py|parameters.pythonCode": "YOUR_G cannot go here: it is in Python code",
		"Code|parameters.jsCode|E": "YOUR_E cannot go here: it sits in a // comment",
		"Code|parameters.jsCode|F": "YOUR_F cannot go here: it sits in a regular expression literal",
	}
	for k, msg := range want {
		parts := strings.Split(k, "|")
		found := false
		for _, p := range re.Problems {
			if p.Workflow == "f.json" && p.Node == parts[0] && p.Field == parts[1] && strings.Contains(p.Message, msg) {
				found = true
			}
		}
		if !found {
			t.Errorf("no refusal %q at %s:\n%v", msg, k, err)
		}
	}
	// What was refused is left in place, so the leftover check names it too.
	if !strings.Contains(err.Error(), "placeholder YOUR_A is left") {
		t.Errorf("%v", err)
	}
}

// evalSegments does what n8n does to an expression's text, for the {{ }}
// parts a test can evaluate: one string literal yields its value, anything
// else yields 0.
func evalSegments(t *testing.T, s string) string {
	t.Helper()
	var b strings.Builder
	for {
		i := strings.Index(s, "{{")
		j := strings.Index(s, "}}")
		if i < 0 || j < i {
			b.WriteString(s)
			return b.String()
		}
		x := strings.TrimSpace(s[i+2 : j])
		b.WriteString(s[:i])
		if len(x) >= 2 && strings.ContainsRune(`'"`+"`", rune(x[0])) && x[len(x)-1] == x[0] && jsStateAt(x, len(x)) == jsCode {
			b.WriteString(jsUnquote(t, x))
		} else {
			b.WriteString("0")
		}
		s = s[j+2:]
	}
}
