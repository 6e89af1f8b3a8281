package genesis

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"

	"github.com/BurntSushi/toml"
)

// The values file is TOML, read with github.com/BurntSushi/toml: it is
// already a dependency (config and themes use it, so one TOML dialect and
// one set of error messages across godmode), it decodes into plain maps we
// then check ourselves, and its ParseError carries the line of the key that
// failed, which is how every message below names its line.

// Caps: a values file is a few dozen lines; a secret file holds one key
// or certificate.
const (
	MaxValuesBytes = 1 << 20
	MaxSecretBytes = 64 << 10
)

// Values is an operator's values file: a value per variable and a
// resolution per credential slot.
type Values struct {
	File        string
	Variables   map[string]Value
	Credentials map[string]CredentialValue
}

// Value is one variable's value. Values read from env: or file:, and those
// marked secret, are Secret: shown masked in previews and never audited.
type Value struct {
	V      Secret
	Secret bool
	Line   int
}

// CredentialValue resolves one slot: an existing n8n credential (ID), or a
// new one to create (New).
type CredentialValue struct {
	ID   string
	New  *NewCredential
	Line int
}

// NewCredential is a credential to create in n8n. Every string in Data is
// a Secret: the schema does not say which fields are secret, and none of
// them needs to be shown once given.
type NewCredential struct {
	Name string
	Type string
	// Data holds Secret (strings), int64, float64 and bool values.
	Data map[string]any
	// Lines are the data fields' lines in the values file.
	Lines map[string]int
}

// LoadOptions are how env: and file: references are resolved; zero
// values use the process environment and the file system, with file:
// paths relative to the values file's folder.
type LoadOptions struct {
	Getenv   func(string) (string, bool)
	ReadFile func(path string) ([]byte, error)
}

// ValuesError is a refusal of the values file, naming file, line and field.
type ValuesError struct {
	File  string
	Line  int
	Field string // the key path, e.g. credentials.YOUR_CREDENTIAL_OPENAI_ID.data.apiKey
	Msg   string
}

func (e *ValuesError) Error() string {
	var b strings.Builder
	b.WriteString("values file " + e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ", line %d", e.Line)
	}
	if e.Field != "" {
		b.WriteString(", " + e.Field)
	}
	return b.String() + ": " + e.Msg
}

// ValuesErrors is every problem found in one values file.
type ValuesErrors []*ValuesError

func (es ValuesErrors) Error() string {
	lines := make([]string, len(es))
	for i, e := range es {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// ReadValues reads and checks a values file. Its errors name file, line
// and field, and never quote a value.
func ReadValues(path string, opt LoadOptions) (Values, error) {
	f, err := os.Open(path)
	if err != nil {
		return Values{}, &ValuesError{File: path, Msg: err.Error()}
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxValuesBytes+1))
	if err != nil {
		return Values{}, &ValuesError{File: path, Msg: err.Error()}
	}
	if len(data) > MaxValuesBytes {
		return Values{}, &ValuesError{File: path, Msg: fmt.Sprintf("larger than %d KiB: a values file is a few dozen lines", MaxValuesBytes>>10)}
	}
	if opt.ReadFile == nil {
		dir := filepath.Dir(path)
		opt.ReadFile = func(p string) ([]byte, error) {
			if !filepath.IsAbs(p) {
				p = filepath.Join(dir, p)
			}
			return readCapped(p)
		}
	}
	return ParseValues(path, data, opt)
}

func readCapped(p string) ([]byte, error) {
	f, err := os.Open(p)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, MaxSecretBytes+1))
	if err != nil {
		return nil, err
	}
	if len(b) > MaxSecretBytes {
		return nil, fmt.Errorf("larger than %d KiB", MaxSecretBytes>>10)
	}
	return b, nil
}

// ParseValues checks a values file's bytes; name is how messages call it.
func ParseValues(name string, data []byte, opt LoadOptions) (Values, error) {
	if len(data) > MaxValuesBytes {
		return Values{}, &ValuesError{File: name, Msg: fmt.Sprintf("larger than %d KiB", MaxValuesBytes>>10)}
	}
	if opt.Getenv == nil {
		opt.Getenv = os.LookupEnv
	}
	if opt.ReadFile == nil {
		opt.ReadFile = readCapped
	}
	var raw map[string]any
	if _, err := toml.Decode(string(data), &raw); err != nil {
		e := &ValuesError{File: name, Msg: "not TOML: " + err.Error()}
		var pe toml.ParseError
		if errors.As(err, &pe) {
			e.Line, e.Field, e.Msg = pe.Position.Line, pe.LastKey, "not TOML: "+pe.Message
		}
		return Values{}, e
	}
	p := &valuesParser{name: name, data: data, opt: opt}
	v := p.parse(raw)
	if len(p.errs) > 0 {
		return Values{}, p.errs
	}
	return v, nil
}

type valuesParser struct {
	name string
	data []byte
	opt  LoadOptions
	errs ValuesErrors
}

func (p *valuesParser) fail(path []string, format string, args ...any) {
	p.errs = append(p.errs, &ValuesError{File: p.name, Line: keyLine(p.data, path), Field: strings.Join(path, "."), Msg: fmt.Sprintf(format, args...)})
}

func (p *valuesParser) parse(raw map[string]any) Values {
	v := Values{File: p.name, Variables: map[string]Value{}, Credentials: map[string]CredentialValue{}}
	for _, k := range sortedKeys(raw) {
		switch k {
		case "variables":
			t, ok := raw[k].(map[string]any)
			if !ok {
				p.fail([]string{k}, "want a table of NAME = \"value\", not %s", tomlKind(raw[k]))
				continue
			}
			for _, name := range sortedKeys(t) {
				if val, ok := p.variable([]string{k, name}, t[name]); ok {
					v.Variables[name] = val
				}
			}
		case "credentials":
			t, ok := raw[k].(map[string]any)
			if !ok {
				p.fail([]string{k}, "want a table per credential slot ([credentials.SLOT]), not %s", tomlKind(raw[k]))
				continue
			}
			for _, slot := range sortedKeys(t) {
				if c, ok := p.credential([]string{k, slot}, t[slot]); ok {
					v.Credentials[slot] = c
				}
			}
		default:
			p.fail([]string{k}, "unknown section: a values file has [variables] and [credentials.SLOT] only")
		}
	}
	return v
}

// variable reads NAME = "value" | "env:NAME" | "file:PATH", or an inline
// table {value = "…", secret = true} for a literal that is secret or
// happens to start with env: or file:.
func (p *valuesParser) variable(path []string, raw any) (Value, bool) {
	line := keyLine(p.data, path)
	switch t := raw.(type) {
	case string:
		s, secret, ok := p.resolve(path, t)
		return Value{V: s, Secret: secret, Line: line}, ok
	case map[string]any:
		var out Value
		out.Line = line
		ok := true
		for _, k := range sortedKeys(t) {
			switch k {
			case "value":
				s, isStr := t[k].(string)
				if !isStr {
					p.fail(append(path, k), "want a string, not %s", tomlKind(t[k]))
					ok = false
					continue
				}
				out.V = NewSecret(s, p.name)
			case "env", "file":
				s, isStr := t[k].(string)
				if !isStr {
					p.fail(append(path, k), "want a string, not %s", tomlKind(t[k]))
					ok = false
					continue
				}
				sec, _, good := p.resolve(append(path, k), k+":"+s)
				out.V, out.Secret, ok = sec, true, ok && good
			case "secret":
				b, isBool := t[k].(bool)
				if !isBool {
					p.fail(append(path, k), "want true or false, not %s", tomlKind(t[k]))
					ok = false
					continue
				}
				out.Secret = out.Secret || b
			default:
				p.fail(append(path, k), "unknown key: a variable's table has value, env or file, and secret")
				ok = false
			}
		}
		n := 0
		for _, k := range []string{"value", "env", "file"} {
			if _, has := t[k]; has {
				n++
			}
		}
		if n != 1 && ok {
			p.fail(path, "give exactly one of value, env and file")
			ok = false
		}
		return out, ok
	default:
		p.fail(path, "want a string (or {value, env, file, secret}), not %s", tomlKind(raw))
		return Value{}, false
	}
}

// resolve reads env:NAME and file:PATH; anything else is the value itself.
func (p *valuesParser) resolve(path []string, s string) (Secret, bool, bool) {
	switch {
	case strings.HasPrefix(s, "env:"):
		name := strings.TrimPrefix(s, "env:")
		if name == "" {
			p.fail(path, "env: names no environment variable")
			return Secret{}, true, false
		}
		v, ok := p.opt.Getenv(name)
		if !ok || v == "" {
			p.fail(path, "environment variable %s is not set (or empty)", name)
			return Secret{}, true, false
		}
		return NewSecret(v, s), true, true
	case strings.HasPrefix(s, "file:"):
		fp := strings.TrimPrefix(s, "file:")
		if fp == "" {
			p.fail(path, "file: names no file")
			return Secret{}, true, false
		}
		b, err := p.opt.ReadFile(fp)
		if err != nil {
			p.fail(path, "file %s: %v", fp, err)
			return Secret{}, true, false
		}
		// One trailing newline is the editor's, not the secret's.
		v := strings.TrimSuffix(strings.TrimSuffix(string(b), "\n"), "\r")
		if v == "" {
			p.fail(path, "file %s is empty", fp)
			return Secret{}, true, false
		}
		return NewSecret(v, s), true, true
	}
	return NewSecret(s, p.name), false, true
}

// credential reads [credentials.SLOT]: id = "…" for an existing
// credential, or type, name and data for a new one.
func (p *valuesParser) credential(path []string, raw any) (CredentialValue, bool) {
	t, isTable := raw.(map[string]any)
	if !isTable {
		p.fail(path, "want a table (id = \"…\", or type, name and data), not %s", tomlKind(raw))
		return CredentialValue{}, false
	}
	out := CredentialValue{Line: keyLine(p.data, path)}
	ok := true
	str := func(k string) string {
		s, isStr := t[k].(string)
		if !isStr {
			p.fail(append(path, k), "want a string, not %s", tomlKind(t[k]))
			ok = false
		}
		return s
	}
	for _, k := range sortedKeys(t) {
		switch k {
		case "id", "type", "name", "data":
		default:
			p.fail(append(path, k), "unknown key: a credential slot has id, or type, name and data")
			ok = false
		}
	}
	_, hasID := t["id"]
	_, hasType := t["type"]
	_, hasData := t["data"]
	_, hasName := t["name"]
	switch {
	case hasID && (hasType || hasData || hasName):
		p.fail(path, "give id (an existing credential) or type, name and data (a new one), not both")
		return out, false
	case hasID:
		out.ID = strings.TrimSpace(str("id"))
		if ok && out.ID == "" {
			p.fail(append(path, "id"), "the credential id is empty")
			ok = false
		}
		return out, ok
	case !hasType:
		p.fail(path, "give id = \"…\" (an existing n8n credential) or type = \"…\" and data for a new one")
		return out, false
	}
	nc := &NewCredential{Type: strings.TrimSpace(str("type")), Data: map[string]any{}, Lines: map[string]int{}}
	if hasName {
		nc.Name = strings.TrimSpace(str("name"))
	}
	if hasData {
		d, isTable := t["data"].(map[string]any)
		if !isTable {
			p.fail(append(path, "data"), "want a table of field = value, not %s", tomlKind(t["data"]))
			return out, false
		}
		for _, k := range sortedKeys(d) {
			fp := append(append([]string{}, path...), "data", k)
			nc.Lines[k] = keyLine(p.data, fp)
			switch x := d[k].(type) {
			case string:
				s, _, good := p.resolve(fp, x)
				ok = ok && good
				nc.Data[k] = s
			case int64, float64, bool:
				nc.Data[k] = x
			default:
				p.fail(fp, "want a string, number or boolean, not %s", tomlKind(x))
				ok = false
			}
		}
	}
	out.New = nc
	return out, ok
}

func tomlKind(v any) string {
	switch v.(type) {
	case string:
		return "a string"
	case int64:
		return "an integer"
	case float64:
		return "a float"
	case bool:
		return "a boolean"
	case map[string]any:
		return "a table"
	case []any, []map[string]any:
		return "an array"
	case nil:
		return "nothing"
	}
	return fmt.Sprintf("a %T", v)
}

func sortedKeys[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

// keyLine finds the line a key is defined on. BurntSushi/toml knows every
// key's position but shows it only in a ParseError, so this decodes the
// file again into a struct made for the path whose leaf refuses itself,
// and reads the line off the error. Only errors and values' Line fields
// use it; a values file is small. 0 when the path cannot be probed.
func keyLine(data []byte, path []string) int {
	if len(path) == 0 {
		return 0
	}
	typ := reflect.TypeOf(probe{})
	for i := len(path) - 1; i >= 0; i-- {
		if strings.ContainsAny(path[i], `,"`+"`") {
			return 0
		}
		typ = reflect.StructOf([]reflect.StructField{{Name: "F", Type: typ, Tag: reflect.StructTag(`toml:"` + path[i] + `"`)}})
	}
	v := reflect.New(typ)
	_, err := toml.Decode(string(data), v.Interface())
	var pe toml.ParseError
	if errors.As(err, &pe) && pe.Message == errProbe.Error() {
		return pe.Position.Line
	}
	return 0
}

// errProbe is recognised by its message: ParseError keeps no wrapped error.
var errProbe = errors.New("genesis: key line probe")

type probe struct{}

func (probe) UnmarshalTOML(any) error { return errProbe }
