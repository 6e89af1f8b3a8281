package genesis

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

// MaxSchemaBytes caps one credential schema as n8n sends it; the largest
// seen (postgres) is under 2 KB.
const MaxSchemaBytes = 256 << 10

// CredentialSchema is the JSON Schema n8n answers on GET
// /credentials/schema/{type}, with what a form and a check need of it.
// n8n's schemas use a small part of JSON Schema: properties with a type
// (string, number, boolean, and "notice" for a form's help text) and
// enum, required, additionalProperties false, and allOf of if/then/else
// whose branches require a property or forbid it (not required). That
// part is what Validate implements, with JSON Schema's meaning: an if on
// an absent property holds, as n8n's own check has it (smtp without
// secure requires disableStartTls).
type CredentialSchema struct {
	Type string
	root node
}

type node struct {
	Type       any             `json:"type"`
	Enum       []any           `json:"enum"`
	Properties map[string]node `json:"properties"`
	Required   []string        `json:"required"`
	Additional *bool           `json:"additionalProperties"`
	AllOf      []node          `json:"allOf"`
	If         *node           `json:"if"`
	Then       *node           `json:"then"`
	Else       *node           `json:"else"`
	Not        *node           `json:"not"`
}

// ParseCredentialSchema reads a schema response for credential type typ.
func ParseCredentialSchema(typ string, raw []byte) (*CredentialSchema, error) {
	if len(raw) > MaxSchemaBytes {
		return nil, fmt.Errorf("the schema of credential type %s is over %d KiB", typ, MaxSchemaBytes>>10)
	}
	var n node
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&n); err != nil {
		return nil, fmt.Errorf("the schema of credential type %s is not JSON Schema: %v", typ, err)
	}
	if n.Properties == nil {
		return nil, fmt.Errorf("the schema of credential type %s has no properties", typ)
	}
	return &CredentialSchema{Type: typ, root: n}, nil
}

// FormField is one field a form for the credential asks for.
type FormField struct {
	Name     string
	Type     string // string, number, boolean
	Enum     []string
	Required bool // always required; conditional ones are Validate's
	// Secret is a guess from the name (password, key, token, secret…):
	// the schema does not say, and a form masks what it guesses.
	Secret bool
}

// Fields lists the schema's fields in name order, without notices (a
// notice is help text in n8n's form, not data).
func (s *CredentialSchema) Fields() []FormField {
	var out []FormField
	for _, name := range sortedKeys(s.root.Properties) {
		p := s.root.Properties[name]
		t, _ := p.Type.(string)
		if t == "notice" {
			continue
		}
		f := FormField{Name: name, Type: t, Secret: secretName(name)}
		for _, e := range p.Enum {
			f.Enum = append(f.Enum, fmt.Sprint(e))
		}
		for _, r := range s.root.Required {
			f.Required = f.Required || r == name
		}
		out = append(out, f)
	}
	return out
}

func secretName(name string) bool {
	n := strings.ToLower(name)
	for _, w := range []string{"password", "secret", "token", "key", "passphrase"} {
		if strings.Contains(n, w) {
			return true
		}
	}
	return n == "value" || n == "headervalue"
}

// FieldProblem is one way given data fails the schema. Msg never holds a
// given value (they are secrets); it may list allowed ones.
type FieldProblem struct {
	Field string // "" for the data as a whole
	Msg   string
}

func (p FieldProblem) String() string {
	if p.Field == "" {
		return p.Msg
	}
	return "field " + p.Field + ": " + p.Msg
}

// Validate checks data (strings as Secret or string, numbers as int64,
// float64 or json.Number, booleans) against the schema before anything is
// sent, so a refusal names the field here rather than n8n's 400 later.
func (s *CredentialSchema) Validate(data map[string]any) []FieldProblem {
	var out []FieldProblem
	s.check(s.root, data, "", &out)
	sort.SliceStable(out, func(i, j int) bool { return out[i].Field < out[j].Field })
	return dedupe(out)
}

func dedupe(ps []FieldProblem) []FieldProblem {
	var out []FieldProblem
	seen := map[FieldProblem]bool{}
	for _, p := range ps {
		if !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	return out
}

// check adds n's failures on data; when says under which condition n
// applies ("" at the top), for the messages of conditional branches.
func (s *CredentialSchema) check(n node, data map[string]any, when string, out *[]FieldProblem) {
	for _, name := range sortedKeys(data) {
		p, known := n.Properties[name]
		if !known {
			if n.Additional != nil && !*n.Additional {
				*out = append(*out, FieldProblem{Field: name, Msg: fmt.Sprintf("not a field of credential type %s (it has %s)", s.Type, strings.Join(s.fieldNames(), ", "))})
			}
			continue
		}
		if msg := valueProblem(p, data[name]); msg != "" {
			*out = append(*out, FieldProblem{Field: name, Msg: msg})
		}
	}
	for _, r := range n.Required {
		if _, has := data[r]; !has {
			*out = append(*out, FieldProblem{Field: r, Msg: "required" + when})
		}
	}
	if n.Not != nil {
		var sub []FieldProblem
		s.check(*n.Not, data, "", &sub)
		if len(sub) == 0 {
			// n8n's schemas negate only required: name what must go.
			for _, r := range n.Not.Required {
				*out = append(*out, FieldProblem{Field: r, Msg: "not allowed" + when})
			}
			if len(n.Not.Required) == 0 {
				*out = append(*out, FieldProblem{Msg: "the data matches what the schema forbids" + when})
			}
		}
	}
	for _, a := range n.AllOf {
		s.check(a, data, when, out)
	}
	if n.If != nil {
		var sub []FieldProblem
		s.check(*n.If, data, "", &sub)
		cond := describeIf(*n.If, data)
		if len(sub) == 0 {
			if n.Then != nil {
				s.check(*n.Then, data, " when "+cond, out)
			}
		} else if n.Else != nil {
			s.check(*n.Else, data, " unless "+cond, out)
		}
	}
}

// describeIf names an if of n8n's shape: {properties: {p: {enum: [v]}}}.
// An absent p makes the if hold, which surprises: the message says so.
func describeIf(n node, data map[string]any) string {
	var parts []string
	for _, name := range sortedKeys(n.Properties) {
		p := n.Properties[name]
		_, given := data[name]
		switch {
		case len(p.Enum) == 1 && given:
			parts = append(parts, fmt.Sprintf("%s is %v", name, p.Enum[0]))
		case len(p.Enum) == 1:
			parts = append(parts, fmt.Sprintf("%s is %v or left out (give %s to choose)", name, p.Enum[0], name))
		default:
			parts = append(parts, name+" matches its condition")
		}
	}
	if len(parts) == 0 {
		return "the schema's condition holds"
	}
	return strings.Join(parts, " and ")
}

func (s *CredentialSchema) fieldNames() []string {
	var out []string
	for _, f := range s.Fields() {
		out = append(out, f.Name)
	}
	return out
}

// valueProblem checks one value's type and enum; "" when it fits.
func valueProblem(p node, v any) string {
	t, _ := p.Type.(string)
	kind := valueKind(v)
	switch t {
	case "":
	case "notice":
		return "is help text in n8n's form, not data: leave it out"
	case "string", "number", "boolean":
		if kind != t && !(t == "number" && kind == "integer") {
			return fmt.Sprintf("want a %s, not %s", t, article(kind))
		}
	case "integer":
		if kind != "integer" {
			return fmt.Sprintf("want an integer, not %s", article(kind))
		}
	}
	if len(p.Enum) > 0 {
		for _, e := range p.Enum {
			if sameValue(e, v) {
				return ""
			}
		}
		allowed := make([]string, len(p.Enum))
		for i, e := range p.Enum {
			allowed[i] = fmt.Sprintf("%v", e)
		}
		return "not one of the allowed values: " + strings.Join(allowed, ", ")
	}
	return ""
}

func article(kind string) string {
	if strings.ContainsRune("aeiou", rune(kind[0])) {
		return "an " + kind
	}
	return "a " + kind
}

func valueKind(v any) string {
	switch x := v.(type) {
	case string, Secret:
		return "string"
	case bool:
		return "boolean"
	case int, int64:
		return "integer"
	case float64:
		if x == float64(int64(x)) {
			return "integer"
		}
		return "number"
	case json.Number:
		if _, err := x.Int64(); err == nil {
			return "integer"
		}
		return "number"
	case nil:
		return "null"
	}
	return "value of another kind"
}

func sameValue(enum, v any) bool {
	switch x := v.(type) {
	case Secret:
		s, ok := enum.(string)
		return ok && s == x.Reveal()
	case string:
		s, ok := enum.(string)
		return ok && s == x
	case bool:
		b, ok := enum.(bool)
		return ok && b == x
	}
	a, aok := number(enum)
	b, bok := number(v)
	return aok && bok && a == b
}

func number(v any) (float64, bool) {
	switch x := v.(type) {
	case json.Number:
		f, err := x.Float64()
		return f, err == nil
	case float64:
		return x, true
	case int64:
		return float64(x), true
	case int:
		return float64(x), true
	}
	return 0, false
}

// Payload is the data as n8n's create call takes it, secrets revealed:
// call it only to build that request.
func (c NewCredential) Payload() map[string]any {
	out := make(map[string]any, len(c.Data))
	for k, v := range c.Data {
		if s, ok := v.(Secret); ok {
			out[k] = s.Reveal()
			continue
		}
		out[k] = v
	}
	return out
}
