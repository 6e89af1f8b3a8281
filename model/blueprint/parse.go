package blueprint

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
)

// piece is one workflow object found in a file, before checks.
type piece struct {
	label string // the file's name, with [i] for the i-th of an array
	doc   map[string]any
}

// splitFile finds the workflows in one file. Real exports come as a
// workflow object, wrapped as {"workflow": …} (template sites) or
// {"data": …} (API answers), or as an array of workflows (n8n's
// export:workflow --all).
func splitFile(src Source) ([]piece, []Problem, []Problem) {
	var errs, warns []Problem
	bad := func(line int, format string, args ...any) ([]piece, []Problem, []Problem) {
		return nil, append(errs, Problem{File: src.Name, Line: line, Message: fmt.Sprintf(format, args...)}), warns
	}
	dec := json.NewDecoder(bytes.NewReader(src.Data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		var syn *json.SyntaxError
		var typ *json.UnmarshalTypeError
		switch {
		case errors.As(err, &syn):
			return bad(lineOf(src.Data, syn.Offset), "invalid JSON: %v", err)
		case errors.As(err, &typ):
			return bad(lineOf(src.Data, typ.Offset), "invalid JSON: %v", err)
		default:
			return bad(0, "invalid JSON: %v", err)
		}
	}
	if dec.More() {
		return bad(lineOf(src.Data, dec.InputOffset()), "invalid JSON: more data after the first JSON value")
	}
	switch t := v.(type) {
	case map[string]any:
		if _, has := t["nodes"]; !has {
			for _, wrap := range []string{"workflow", "data"} {
				if inner, ok := t[wrap]; ok {
					warns = append(warns, Problem{File: src.Name, Message: fmt.Sprintf("the workflow is wrapped in {%q: …}; the wrapper is dropped", wrap)})
					return splitValue(src.Name, inner, errs, warns)
				}
			}
		}
		return splitValue(src.Name, t, errs, warns)
	default:
		return splitValue(src.Name, v, errs, warns)
	}
}

func splitValue(name string, v any, errs, warns []Problem) ([]piece, []Problem, []Problem) {
	switch t := v.(type) {
	case map[string]any:
		return []piece{{label: name, doc: t}}, errs, warns
	case []any:
		if len(t) == 0 {
			return nil, append(errs, Problem{File: name, Message: "an empty array: no workflow in it"}), warns
		}
		var out []piece
		for i, e := range t {
			label := fmt.Sprintf("%s[%d]", name, i)
			m, ok := e.(map[string]any)
			if !ok {
				errs = append(errs, Problem{File: label, Message: fmt.Sprintf("the workflow is not an object but %s", jsonKind(e))})
				continue
			}
			out = append(out, piece{label: label, doc: m})
		}
		return out, errs, warns
	default:
		return nil, append(errs, Problem{File: name, Message: fmt.Sprintf("the workflow is not an object but %s", jsonKind(v))}), warns
	}
}

func jsonKind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "a boolean"
	case json.Number:
		return "a number"
	case string:
		return "a string"
	case []any:
		return "an array"
	default:
		return "an object"
	}
}
