package db

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/godmode-console/godmode/model"
)

// sqlArgs numbers the parameters of one statement: every key and value of
// a filter goes through it, so none is ever part of the statement's text.
type sqlArgs struct{ v []any }

func (a *sqlArgs) add(v any) string {
	a.v = append(a.v, v)
	return fmt.Sprintf("$%d", len(a.v))
}

// orderedPath is the jsonpath of each ordered comparison: a constant, the
// number comes in as the variable v. .double() reads a number stored as a
// string too; with silent = true a value that is not a number (a word, a
// boolean, an object) is simply not matched, never an error.
var orderedPath = map[model.LeadOp]string{
	model.LeadGt: `$ ? (@.double() > $v)`,
	model.LeadGe: `$ ? (@.double() >= $v)`,
	model.LeadLt: `$ ? (@.double() < $v)`,
	model.LeadLe: `$ ? (@.double() <= $v)`,
}

// leadFilterSQL compiles f into one condition on leads (alias l), AND of
// its terms ("true" for none). Metadata equality is containment
// (metadata @> {"key": value}), which leads_metadata_idx (GIN,
// jsonb_path_ops) serves; a value that reads as a number or a boolean
// matches it typed or as the string, an OR of two containments (a
// BitmapOr of the same index).
func leadFilterSQL(f model.LeadFilter, a *sqlArgs) string {
	if len(f.Terms) == 0 {
		return "true"
	}
	conds := make([]string, len(f.Terms))
	for i, t := range f.Terms {
		conds[i] = "(" + termSQL(t, a) + ")"
	}
	return strings.Join(conds, " AND ")
}

func termSQL(t model.LeadTerm, a *sqlArgs) string {
	switch t.Key {
	case model.LeadKeyEmail:
		return textSQL("l.email", t, a)
	case model.LeadKeyStatus:
		return textSQL("l.status", t, a)
	case model.LeadKeyCampaign:
		return campaignSQL(t, a)
	}
	switch {
	case t.Op == model.LeadEq:
		return containsSQL(t, a)
	case t.Op == model.LeadNe:
		return "NOT " + containsSQL(t, a)
	case t.Op == model.LeadContains:
		return fmt.Sprintf("strpos(lower(l.metadata ->> %s::text), lower(%s::text)) > 0", a.add(t.Key), a.add(t.Value))
	}
	vars, _ := json.Marshal(map[string]json.RawMessage{"v": json.RawMessage(t.Value)})
	return fmt.Sprintf("jsonb_path_exists(l.metadata -> %s::text, %s::jsonpath, %s::jsonb, true)",
		a.add(t.Key), a.add(orderedPath[t.Op]), a.add(string(vars)))
}

// containsDocs are the containment documents of a metadata equality: the
// value as a string, and typed when it reads as a number or boolean (""
// when not).
func containsDocs(t model.LeadTerm) (asText, typed string) {
	b, _ := json.Marshal(map[string]string{t.Key: t.Value})
	if t.IsNumber || t.IsBoolean {
		tb, _ := json.Marshal(map[string]json.RawMessage{t.Key: json.RawMessage(t.Value)})
		typed = string(tb)
	}
	return string(b), typed
}

func containsSQL(t model.LeadTerm, a *sqlArgs) string {
	asText, typed := containsDocs(t)
	c := fmt.Sprintf("l.metadata @> %s::jsonb", a.add(asText))
	if typed != "" {
		c = fmt.Sprintf("(%s OR l.metadata @> %s::jsonb)", c, a.add(typed))
	}
	return c
}

// indexMatch is the first metadata equality of f as the settings of the
// leads_metadata_match policy (migration 00020), through which the index
// serves it under row-level security; ok is false when f has none.
func indexMatch(f model.LeadFilter) (match, alt string, ok bool) {
	for _, t := range f.Terms {
		if t.Metadata() && t.Op == model.LeadEq {
			match, alt = containsDocs(t)
			if alt == "" {
				alt = match
			}
			return match, alt, true
		}
	}
	return "", "", false
}

// textSQL is a fixed text column: email compares ignoring case (the
// unique index's rule), status as written.
func textSQL(col string, t model.LeadTerm, a *sqlArgs) string {
	l, r := col, a.add(t.Value)+"::text"
	if col == "l.email" {
		l, r = "lower("+l+")", "lower("+r+")"
	}
	switch t.Op {
	case model.LeadNe:
		return l + " <> " + r
	case model.LeadContains:
		return fmt.Sprintf("strpos(lower(%s), lower(%s)) > 0", col, r)
	}
	return l + " = " + r
}

// campaignSQL matches the campaign by name (ignoring case); "" names no
// campaign (campaign="" for leads outside any).
func campaignSQL(t model.LeadTerm, a *sqlArgs) string {
	if t.Value == "" && t.Op != model.LeadContains {
		if t.Op == model.LeadNe {
			return "l.campaign_id IS NOT NULL"
		}
		return "l.campaign_id IS NULL"
	}
	match := "lower(c.name) = lower(%s::text)"
	if t.Op == model.LeadContains {
		match = "strpos(lower(c.name), lower(%s::text)) > 0"
	}
	in := fmt.Sprintf("l.campaign_id IN (SELECT c.id FROM campaigns c WHERE c.workspace_id = l.workspace_id AND "+match+")", a.add(t.Value))
	if t.Op == model.LeadNe {
		return "l.campaign_id IS NULL OR NOT " + in
	}
	return in
}
