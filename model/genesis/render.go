package genesis

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/godmode-console/godmode/model/blueprint/detect"
)

// Rendering fills a workflow's placeholders on its JSON tree: every string
// is a JSON value, replaced by another string, and the document is encoded
// again, so no value can add a key, end a string or change the structure.
// Inside a string, what a value may break is the language the string holds:
// a Code node's JavaScript, the {{ }} parts of an n8n expression (also
// JavaScript), a JSON body, or an expression's text, where a {{ would start
// a new expression. So each placeholder's position is classified and the
// value escaped for it; where no escape exists (bare code, a regular
// expression, {{ in an expression's text) the value is refused, naming the
// workflow, node and field, rather than guessed at.

// renderer fills one workflow's strings.
type renderer struct {
	file   string
	vals   map[string]Value
	reveal bool // false: secret values are masked (the preview)
	probs  []Problem
}

// escapeProblem says why a value cannot go at a place; "" when it can.
type escapeProblem string

// str fills the placeholders of one string of node (type typ) at path.
func (r *renderer) str(node, typ, path, s string) string {
	ms := detect.Placeholders(s)
	if len(ms) == 0 {
		return s
	}
	var b strings.Builder
	last := 0
	for _, m := range ms {
		val, ok := r.vals[m.Name]
		if !ok {
			continue // left as it is: the leftover check names it
		}
		text := val.V.Reveal()
		var rep string
		if val.Secret && !r.reveal {
			rep = "[secret " + m.Name + "]"
		} else {
			var why escapeProblem
			rep, why = insert(s, m, text, codeLanguage(typ, path))
			if why != "" {
				r.probs = append(r.probs, Problem{Workflow: r.file, Node: node, Field: path,
					Message: fmt.Sprintf("the value of %s cannot go here: %s", m.Name, why)})
				continue
			}
		}
		b.WriteString(s[last:m.Start])
		b.WriteString(rep)
		last = m.End
	}
	b.WriteString(s[last:])
	return b.String()
}

// codeLanguage names the language of a Code node's code field, "" for
// any other field.
func codeLanguage(typ, path string) string {
	short := typ
	if i := strings.LastIndexByte(short, '.'); i >= 0 {
		short = short[i+1:]
	}
	if short != "code" && short != "function" && short != "functionItem" {
		return ""
	}
	switch path {
	case "parameters.jsCode", "parameters.functionCode", "parameters.code":
		return "js"
	case "parameters.pythonCode":
		return "python"
	}
	return ""
}

// insert returns what replaces match m of s when the value is v.
func insert(s string, m detect.Match, v, lang string) (string, escapeProblem) {
	switch lang {
	case "js":
		return inJS(s, m.Start, m.Kind, v, false)
	case "python":
		if plainValue.MatchString(v) {
			return v, ""
		}
		return "", "it is in Python code, where only letters, digits, spaces and . , : / @ _ + - go in unescaped"
	}
	if strings.HasPrefix(s, "=") {
		if start, end, in := segmentAt(s, m.Start); in && m.Kind != detect.KindPlaceholder {
			// A {{ }} part inside a JSON body's string: what it yields
			// lands in that string, so the value is JSON-escaped first.
			if jsonish(s[1:]) && jsonStringAt(s, 1, start-2, true) {
				v = jsonInner(v, false)
			}
			return inJS(s[start:end], m.Start-start, m.Kind, v, true)
		}
		if jsonish(s[1:]) {
			return inJSON(s, 1, m.Start, v, true)
		}
		if strings.Contains(v, "{{") || strings.Contains(v, "}}") {
			return "", "it holds {{ or }} and the field is an n8n expression: n8n would run it"
		}
		return v, ""
	}
	if jsonish(s) {
		return inJSON(s, 0, m.Start, v, false)
	}
	if m.Start == 0 && strings.HasPrefix(v, "=") {
		return "", "it starts with = at the start of the field: n8n would read the field as an expression"
	}
	return v, ""
}

var (
	plainValue   = regexp.MustCompile(`^[A-Za-z0-9 .,:/@_+-]*$`)
	literalValue = regexp.MustCompile(`^(-?(0|[1-9][0-9]*)(\.[0-9]+)?|true|false|null)$`)
)

// segmentAt says whether pos is inside one of an expression's {{ }}
// parts (after its {{, before its }}), and that part's bounds.
func segmentAt(s string, pos int) (start, end int, in bool) {
	i := 0
	for {
		o := strings.Index(s[i:], "{{")
		if o < 0 {
			return 0, 0, false
		}
		start = i + o + 2
		c := strings.Index(s[start:], "}}")
		if c < 0 {
			end = len(s)
		} else {
			end = start + c
		}
		if pos >= start && pos < end {
			return start, end, true
		}
		if c < 0 || start > pos {
			return 0, 0, false
		}
		i = end + 2
	}
}

// inJS escapes v for the JavaScript state at pos of code. braces: the code
// is an expression's {{ }} part, which a }} in the value would end.
func inJS(code string, pos int, kind, v string, braces bool) (string, escapeProblem) {
	switch jsStateAt(code, pos) {
	case jsSingle:
		return jsEscape(v, '\'', braces), ""
	case jsDouble:
		return jsEscape(v, '"', braces), ""
	case jsTemplate:
		return jsEscape(v, '`', braces), ""
	case jsCode:
		if kind == detect.KindEnv || kind == detect.KindVars {
			// $env.X and $vars.X are strings: a string literal is what they were.
			return jsLiteral(v, braces), ""
		}
		if literalValue.MatchString(v) {
			return v, ""
		}
		return "", "it sits in bare JavaScript, not in a string literal: only a number, true, false or null goes there"
	case jsLineComment:
		if strings.ContainsAny(v, "\n\r\u2028\u2029") {
			return "", "it sits in a // comment, which a line break in the value would end"
		}
	case jsBlockComment:
		if strings.Contains(v, "*/") {
			return "", "it sits in a /* */ comment, which */ in the value would end"
		}
	case jsRegex:
		return "", "it sits in a regular expression literal, which no value is escaped for"
	}
	if braces && (strings.Contains(v, "{{") || strings.Contains(v, "}}")) {
		return "", "it holds {{ or }} inside an n8n expression"
	}
	return v, ""
}

// jsonish says a field's text is a JSON document (n8n parses JSON bodies
// after filling their expressions).
func jsonish(s string) bool {
	t := strings.TrimLeft(s, " \t\r\n")
	return strings.HasPrefix(t, "[") || strings.HasPrefix(t, "{") && !strings.HasPrefix(t, "{{")
}

// inJSON escapes v for the JSON text of s (from 'from') at pos: inside a
// JSON string it is JSON-escaped; elsewhere only a literal goes. In an
// expression the {{ }} parts are skipped over, and braces in the value
// are written \u007b and \u007d so they cannot open one.
func inJSON(s string, from, pos int, v string, expr bool) (string, escapeProblem) {
	if !jsonStringAt(s, from, pos, expr) {
		if literalValue.MatchString(v) {
			return v, ""
		}
		return "", "it sits in a JSON body outside a string: only a number, true, false or null goes there"
	}
	return jsonInner(v, expr), ""
}

// jsonStringAt says whether pos of s's JSON text (from 'from') is inside
// a JSON string; in an expression, {{ }} parts are opaque.
func jsonStringAt(s string, from, pos int, expr bool) bool {
	inStr := false
	for i := from; i < pos; i++ {
		if expr && strings.HasPrefix(s[i:], "{{") {
			c := strings.Index(s[i+2:], "}}")
			if c < 0 || i+2+c+2 > pos {
				break
			}
			i += 2 + c + 1
			continue
		}
		switch c := s[i]; {
		case inStr && c == '\\':
			i++
		case c == '"':
			inStr = !inStr
		}
	}
	return inStr
}

// jsonInner is v JSON-escaped, without the quotes; braces as \u007b and
// \u007d when it lands in an expression.
func jsonInner(v string, braces bool) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
	out := strings.TrimSuffix(b.String(), "\n")
	out = out[1 : len(out)-1]
	if braces {
		out = strings.NewReplacer("{", `\u007b`, "}", `\u007d`).Replace(out)
	}
	return out
}

// walkStrings replaces every string under v (at path) with f's answer.
func walkStrings(v any, path string, f func(path, s string) string) any {
	switch t := v.(type) {
	case string:
		return f(path, t)
	case map[string]any:
		for _, k := range sortedKeys(t) {
			t[k] = walkStrings(t[k], path+"."+k, f)
		}
		return t
	case []any:
		for i := range t {
			t[i] = walkStrings(t[i], path+"["+strconv.Itoa(i)+"]", f)
		}
		return t
	}
	return v
}

// leftovers lists every placeholder still in a rendered workflow, in
// any string and any key (node names, connections).
func leftovers(file string, doc map[string]any) []Problem {
	var out []Problem
	seen := map[Problem]bool{}
	add := func(node, path, s string) {
		for _, m := range detect.Placeholders(s) {
			p := Problem{Workflow: file, Node: node, Field: path, Message: "placeholder " + s[m.Start:m.End] + " is left"}
			if !seen[p] {
				seen[p] = true
				out = append(out, p)
			}
		}
	}
	var walk func(node, path string, v any)
	walk = func(node, path string, v any) {
		switch t := v.(type) {
		case string:
			add(node, path, t)
		case map[string]any:
			for _, k := range sortedKeys(t) {
				add(node, path+" (a key)", k)
				walk(node, path+"."+k, t[k])
			}
		case []any:
			for i, e := range t {
				walk(node, path+"["+strconv.Itoa(i)+"]", e)
			}
		}
	}
	for _, k := range sortedKeys(doc) {
		if k != "nodes" {
			walk("", k, doc[k])
		}
	}
	nodes, _ := doc["nodes"].([]any)
	for _, n := range nodes {
		m, _ := n.(map[string]any)
		name, _ := m["name"].(string)
		for _, k := range sortedKeys(m) {
			walk(name, k, m[k])
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Node < out[j].Node })
	return out
}

// decodeJSON parses one workflow keeping numbers as written.
func decodeJSON(raw []byte) (map[string]any, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var doc map[string]any
	if err := dec.Decode(&doc); err != nil {
		return nil, err
	}
	if doc == nil {
		return nil, fmt.Errorf("not a JSON object")
	}
	return doc, nil
}

// copyJSON deep-copies a tree decodeJSON made (strings and numbers are
// values, shared safely).
func copyJSON(v any) any {
	switch t := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(t))
		for k, e := range t {
			m[k] = copyJSON(e)
		}
		return m
	case []any:
		a := make([]any, len(t))
		for i, e := range t {
			a[i] = copyJSON(e)
		}
		return a
	}
	return v
}

// encodeJSON is the canonical form the vault hashes (keys sorted, no HTML
// escaping), so a rendered workflow compares with what n8n returns.
func encodeJSON(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(b.Bytes(), "\n"), nil
}
