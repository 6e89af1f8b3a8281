package detect

import "strings"

// literal returns a parameter's literal value: a plain string, or the value
// of n8n's resource locator {__rl, value}. An expression without {{ }} ("=user")
// is a literal too. It returns "" for placeholders and real expressions.
func literal(v any) string {
	s := ""
	switch t := v.(type) {
	case string:
		s = t
	case map[string]any:
		s, _ = t["value"].(string)
	}
	s = strings.TrimPrefix(s, "=")
	if s == "" || isPlaceholder(s) || strings.HasPrefix(s, "$") {
		return ""
	}
	return s
}

func rawTable(v any) string {
	switch t := v.(type) {
	case string:
		return strings.TrimPrefix(t, "=")
	case map[string]any:
		s, _ := t["value"].(string)
		return strings.TrimPrefix(s, "=")
	}
	return ""
}

// tables reads the table-shaped parameters of database and sheet nodes:
// hardcoded table names and sheet ids, and the leads table's columns.
func (a *analysis) tables(n nodeCtx) {
	p := n.params
	if p == nil {
		return
	}
	place := func(path string) Place { return Place{File: n.file, Node: n.name, Path: path} }
	switch n.shortType() {
	case "postgres":
		table := rawTable(p["table"])
		if t := literal(p["table"]); t != "" {
			a.addHard(HardTable, t, place("parameters.table"))
		}
		if q, ok := p["query"].(string); ok {
			for _, t := range sqlTables(q) {
				a.addHard(HardTable, t, place("parameters.query"))
			}
			for t, cols := range sqlColumns(q) {
				if isLeadTable(t) {
					a.addCols(cols...)
				}
			}
		}
		if !isLeadTable(table) {
			return
		}
		if cols, ok := p["columns"].(map[string]any); ok {
			if vals, ok := cols["value"].(map[string]any); ok {
				a.addCols(sortedKeys(vals)...)
			}
			a.addCols(stringsOf(cols["matchingColumns"])...)
		}
		for _, list := range []string{"where", "sort"} {
			if w, ok := p[list].(map[string]any); ok {
				a.addCols(fieldOf(w["values"], "column")...)
			}
		}
	case "supabase":
		table := rawTable(p["tableId"])
		if t := literal(p["tableId"]); t != "" {
			a.addHard(HardTable, t, place("parameters.tableId"))
		}
		if !isLeadTable(table) {
			return
		}
		if f, ok := p["fieldsUi"].(map[string]any); ok {
			a.addCols(fieldOf(f["fieldValues"], "fieldId")...)
		}
		if f, ok := p["filters"].(map[string]any); ok {
			a.addCols(fieldOf(f["conditions"], "keyName")...)
		}
	case "googleSheets":
		if id := literal(p["documentId"]); id != "" {
			a.addHard(HardSheet, id, place("parameters.documentId"))
		}
	}
}

func (a *analysis) addCols(cols ...string) {
	for _, c := range cols {
		c = strings.TrimSpace(c)
		if c != "" && !isPlaceholder(c) {
			a.cols[c] = true
		}
	}
}

func stringsOf(v any) []string {
	var out []string
	switch t := v.(type) {
	case string:
		out = append(out, t)
	case []any:
		for _, e := range t {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
	}
	return out
}

func fieldOf(v any, field string) []string {
	var out []string
	list, _ := v.([]any)
	for _, e := range list {
		if m, ok := e.(map[string]any); ok {
			if s, ok := m[field].(string); ok {
				out = append(out, s)
			}
		}
	}
	return out
}
