package detect

import (
	"regexp"
	"strings"
)

// The SQL reading is deliberately shallow: it finds table names and the
// columns of SELECT lists, INSERT column lists, UPDATE … SET and WHERE
// clauses, which is what a template's queries use. It never executes or
// fully parses SQL.
var (
	sqlTableRe   = regexp.MustCompile(`(?i)\b(?:FROM|JOIN|INTO|UPDATE|TABLE)\s+((?:"?[A-Za-z_][A-Za-z0-9_]*"?\.)?"?[A-Za-z_][A-Za-z0-9_]*"?)`)
	codeTableRe  = regexp.MustCompile(`\b(?:FROM|JOIN|INTO|UPDATE|TABLE)\s+((?:"?[A-Za-z_][A-Za-z0-9_]*"?\.)?"?[A-Za-z_][A-Za-z0-9_]*"?)`)
	sqlSelectRe  = regexp.MustCompile(`(?is)\bSELECT\s+(.*?)\s+FROM\s+([A-Za-z_"][\w."]*)`)
	sqlInsertRe  = regexp.MustCompile(`(?is)\bINSERT\s+INTO\s+([A-Za-z_"][\w."]*)\s*\(([^)]*)\)`)
	sqlUpdateRe  = regexp.MustCompile(`(?is)\bUPDATE\s+([A-Za-z_"][\w."]*)\s+SET\s+(.*?)(?:\bWHERE\b|\bRETURNING\b|\bFROM\b|;|$)`)
	sqlSetColRe  = regexp.MustCompile(`(?:^|,)\s*"?([A-Za-z_][A-Za-z0-9_]*)"?\s*=`)
	sqlWhereRe   = regexp.MustCompile(`(?is)\b(?:FROM|UPDATE)\s+([A-Za-z_"][\w."]*)(?:\s+SET\s+.*?)?(?:\s+\w+)?\s+WHERE\s+(.*?)(?:\bORDER\b|\bGROUP\b|\bLIMIT\b|\bRETURNING\b|;|$)`)
	sqlWhereCol  = regexp.MustCompile(`(?i)(?:^|[\s(,]|\bAND\b|\bOR\b)"?([A-Za-z_][A-Za-z0-9_]*)"?\s*(?:=|<>|!=|<=|>=|<|>|\bIS\b|\bIN\b|\bNOT\b|\bLIKE\b|\bILIKE\b)`)
	sqlIdentTail = regexp.MustCompile(`"?([A-Za-z_][A-Za-z0-9_]*)"?\s*$`)
)

var sqlKeywords = map[string]bool{
	"select": true, "from": true, "where": true, "and": true, "or": true, "not": true,
	"null": true, "true": true, "false": true, "set": true, "values": true, "as": true,
	"on": true, "is": true, "in": true, "like": true, "ilike": true, "case": true, "when": true,
	"then": true, "else": true, "end": true, "distinct": true, "lateral": true, "only": true,
	"exists": true, "if": true, "now": true, "current_date": true, "current_timestamp": true,
}

func unquoteIdent(s string) string {
	s = strings.ReplaceAll(s, `"`, "")
	return s
}

// sqlTables lists the tables a query names (schema-qualified as written).
func sqlTables(q string) []string { return tablesWith(sqlTableRe, q) }

// codeTables is sqlTables for Code node source, where only upper-case SQL
// keywords count: JavaScript's `import x from "y"` is not a table.
func codeTables(q string) []string { return tablesWith(codeTableRe, q) }

func tablesWith(re *regexp.Regexp, q string) []string {
	var out []string
	for _, m := range re.FindAllStringSubmatch(q, -1) {
		t := unquoteIdent(m[1])
		if sqlKeywords[strings.ToLower(t)] {
			continue
		}
		out = append(out, t)
	}
	return out
}

// sqlColumns returns, per table, the columns the query reads or writes.
func sqlColumns(q string) map[string][]string {
	out := map[string][]string{}
	add := func(table, col string) {
		col = unquoteIdent(strings.TrimSpace(col))
		if col == "" || sqlKeywords[strings.ToLower(col)] {
			return
		}
		out[unquoteIdent(table)] = append(out[unquoteIdent(table)], col)
	}
	for _, m := range sqlSelectRe.FindAllStringSubmatch(q, -1) {
		for _, item := range splitTopLevel(m[1]) {
			item = strings.TrimSpace(item)
			if item == "*" || strings.ContainsAny(item, "('") {
				continue
			}
			if i := strings.Index(strings.ToLower(item), " as "); i >= 0 {
				item = item[:i]
			}
			if i := strings.LastIndexByte(item, '.'); i >= 0 {
				item = item[i+1:]
			}
			if mm := sqlIdentTail.FindStringSubmatch(item); mm != nil && mm[0] == item {
				add(m[2], mm[1])
			}
		}
	}
	for _, m := range sqlInsertRe.FindAllStringSubmatch(q, -1) {
		for _, c := range strings.Split(m[2], ",") {
			add(m[1], c)
		}
	}
	for _, m := range sqlUpdateRe.FindAllStringSubmatch(q, -1) {
		for _, c := range sqlSetColRe.FindAllStringSubmatch(m[2], -1) {
			add(m[1], c[1])
		}
	}
	for _, m := range sqlWhereRe.FindAllStringSubmatch(q, -1) {
		for _, c := range sqlWhereCol.FindAllStringSubmatch(m[2], -1) {
			add(m[1], c[1])
		}
	}
	return out
}

// splitTopLevel splits a SELECT list on commas outside parentheses.
func splitTopLevel(s string) []string {
	var out []string
	depth, start := 0, 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '(':
			depth++
		case ')':
			depth--
		case ',':
			if depth == 0 {
				out = append(out, s[start:i])
				start = i + 1
			}
		}
	}
	return append(out, s[start:])
}

// isLeadTable says a table is the leads table: the platform's placeholder
// or a name about leads (leads, leads_ohio, public.leads).
func isLeadTable(t string) bool {
	return strings.Contains(strings.ToLower(t), "lead")
}
