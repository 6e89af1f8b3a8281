package n8ntest

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// jsonSchema is the part of JSON Schema n8n's credential schemas use.
type jsonSchema struct {
	AdditionalProperties *bool                 `json:"additionalProperties"`
	Properties           map[string]jsonSchema `json:"properties"`
	Type                 any                   `json:"type"`
	Enum                 []any                 `json:"enum"`
	Required             []string              `json:"required"`
	AllOf                []jsonSchema          `json:"allOf"`
	If                   *jsonSchema           `json:"if"`
	Then                 *jsonSchema           `json:"then"`
	Else                 *jsonSchema           `json:"else"`
	Not                  *jsonSchema           `json:"not"`
}

// checkData validates a credential's data like n8n's jsonschema check and
// returns its refusal in n8n's words (errors joined by ","), or "". The
// keywords are checked in the order they appear in n8n's schemas
// (additionalProperties, properties, allOf, required), and an `if` on a
// property that is absent holds, as JSON Schema says: 1.x's openAiApi
// schema then needs headerName and headerValue when `header` is missing
// (seen on 1.123.81).
func checkData(raw json.RawMessage, data map[string]any) string {
	var sc jsonSchema
	_ = json.Unmarshal(raw, &sc)
	return strings.Join(sc.errors(data, sortedKeys(data)), ",")
}

const at = "request.body.data"

func (sc jsonSchema) errors(data map[string]any, keys []string) []string {
	var out []string
	if sc.AdditionalProperties != nil && !*sc.AdditionalProperties {
		for _, k := range keys {
			if _, ok := sc.Properties[k]; !ok {
				out = append(out, fmt.Sprintf("%s is not allowed to have the additional property %q", at, k))
			}
		}
	}
	// n8n reports a property's problem at the data, without its name.
	for _, k := range keys {
		p, ok := sc.Properties[k]
		if !ok {
			continue
		}
		if t, isString := p.Type.(string); isString && !typeMatches(t, data[k]) {
			out = append(out, fmt.Sprintf("%s is not of a type(s) %s", at, t))
			continue
		}
		if len(p.Enum) > 0 && !inEnum(p.Enum, data[k]) {
			vals := make([]string, len(p.Enum))
			for i, v := range p.Enum {
				vals[i] = fmt.Sprint(v)
			}
			out = append(out, fmt.Sprintf("%s is not one of enum values: %s", at, strings.Join(vals, ",")))
		}
	}
	for i, sub := range sc.AllOf {
		if errs := sub.errors(data, keys); len(errs) > 0 {
			out = append(out, fmt.Sprintf("%s does not match allOf schema [subschema %d] with %d error[s]:", at, i, len(errs)))
			out = append(out, errs...)
		}
	}
	if sc.If != nil {
		branch := sc.Else
		if len(sc.If.errors(data, keys)) == 0 {
			branch = sc.Then
		}
		if branch != nil {
			out = append(out, branch.errors(data, keys)...)
		}
	}
	if sc.Not != nil && len(sc.Not.errors(data, keys)) == 0 {
		out = append(out, at+" is of prohibited type [object Object]")
	}
	for _, k := range sc.Required {
		if _, ok := data[k]; !ok {
			out = append(out, fmt.Sprintf("%s requires property %q", at, k))
		}
	}
	return out
}

func inEnum(enum []any, v any) bool {
	for _, e := range enum {
		if e == v {
			return true
		}
	}
	return false
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func typeMatches(t string, v any) bool {
	switch t {
	case "string":
		_, ok := v.(string)
		return ok
	case "number":
		_, ok := v.(float64)
		return ok
	case "boolean":
		_, ok := v.(bool)
		return ok
	}
	return true
}
