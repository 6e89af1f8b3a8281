package model

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/godmode-console/godmode/model/leadcsv"
)

// LeadSchemaRequired is a version's required lead columns: those a file
// must have for an import (email is required whatever it says).
func LeadSchemaRequired(bv BlueprintVersion) []string {
	var s struct {
		Required []string `json:"required"`
	}
	_ = json.Unmarshal(bv.LeadSchema, &s)
	if s.Required == nil {
		return []string{}
	}
	return s.Required
}

// importSchema is the lead schema an import checks a header against.
type importSchema struct {
	from     string // "blueprint NAME version V", or "" when none
	columns  []string
	required []string
}

// leadSchemaOf is the lead schema of the blueprint version the
// workspace's last succeeded provisioning run applied; a workspace never
// provisioned (adopted) has none, and only email is required.
func leadSchemaOf(ctx context.Context, store LeadImportStore, ws Workspace) (importSchema, error) {
	runs, err := store.Runs(ctx, ws.ID)
	if err != nil {
		return importSchema{}, err
	}
	for _, r := range runs { // newest first
		if r.Status != RunSucceeded {
			continue
		}
		name, bv, err := store.RunVersion(ctx, r.ID)
		if err != nil {
			return importSchema{}, err
		}
		return importSchema{from: fmt.Sprintf("blueprint %s version %d", name, bv.Version),
			columns: LeadSchema(bv), required: LeadSchemaRequired(bv)}, nil
	}
	return importSchema{}, nil
}

// importColumns is where each of a file's columns goes.
type importColumns struct {
	email, status int   // their index in a record; status -1 for none
	meta          []int // the index of each metadata key's cell
	keys          []string
	jsonKeys      [][]byte // keys as JSON strings
	header        []string
}

// mapHeader maps a header onto the leads table: the email and status
// columns, every other column a metadata key (a schema column's name when
// it normalises to the same key). It refuses a header without an email
// column, two columns of one key, and one lacking a required column,
// naming them and the file.
func mapHeader(header []string, schema importSchema, file string) (importColumns, error) {
	cols := importColumns{email: -1, status: -1, header: header}
	bySchema := map[string]string{}
	for _, c := range schema.columns {
		bySchema[leadcsv.NormalizeKey(c)] = c
	}
	seen := map[string]int{}
	for j, cell := range header {
		key := leadcsv.NormalizeKey(cell)
		if key == "" {
			key = fmt.Sprintf("column_%d", j+1)
		}
		switch {
		case cols.email < 0 && leadcsv.IsEmailKey(key):
			cols.email = j
			continue
		case cols.status < 0 && leadcsv.IsStatusKey(key):
			cols.status = j
			continue
		}
		if c, ok := bySchema[key]; ok {
			key = c
		}
		if k, dup := seen[key]; dup {
			return cols, fmt.Errorf("%w: %s: columns %d (%q) and %d (%q) both mean %q: rename one", ErrInvalid, file, k+1, clip(header[k]), j+1, clip(cell), key)
		}
		seen[key] = j
		cols.meta = append(cols.meta, j)
		cols.keys = append(cols.keys, key)
	}
	for _, k := range cols.keys {
		cols.jsonKeys = append(cols.jsonKeys, leadcsv.AppendJSONString(nil, k))
	}
	if cols.email < 0 {
		return cols, fmt.Errorf("%w: %s: no email column: the header needs one named email, email_address, e-mail or \"Email Address\" (it has %s)", ErrInvalid, file, headerList(header))
	}
	var missing []string
	for _, r := range schema.required {
		k := leadcsv.NormalizeKey(r)
		switch {
		case leadcsv.IsEmailKey(k), leadcsv.IsStatusKey(k) && cols.status >= 0:
			continue
		}
		if _, ok := seen[r]; ok {
			continue
		}
		if _, ok := seen[k]; ok {
			continue
		}
		missing = append(missing, r)
	}
	if len(missing) > 0 {
		return cols, fmt.Errorf("%w: %s lacks the column(s) %s that %s requires (the file has %s); nothing was read past the header",
			ErrInvalid, file, strings.Join(missing, ", "), schema.from, headerList(header))
	}
	return cols, nil
}

func headerList(h []string) string {
	q := make([]string, 0, len(h))
	for i, c := range h {
		if i == 20 {
			q = append(q, fmt.Sprintf("and %d more", len(h)-i))
			break
		}
		q = append(q, fmt.Sprintf("%q", clip(c)))
	}
	return strings.Join(q, ", ")
}

// keyStats are what the cells of each metadata key have been so far,
// for its type: a key lands as numbers (or booleans) when every value it
// holds is one, decided once the whole file is read.
type keyStats struct {
	filled, notNumber, notBool []bool
}

func newKeyStats(n int) keyStats {
	return keyStats{filled: make([]bool, n), notNumber: make([]bool, n), notBool: make([]bool, n)}
}

// staged says which keys are typed and which hold a value.
func (ks keyStats) staged(keys []string, asText bool) StagedKeys {
	out := StagedKeys{Typed: map[string]string{}}
	for i, k := range keys {
		if !ks.filled[i] {
			continue
		}
		out.Filled = append(out.Filled, k)
		switch {
		case asText:
		case !ks.notNumber[i]:
			out.Typed[k] = "number"
		case !ks.notBool[i]:
			out.Typed[k] = "boolean"
		}
	}
	return out
}

// row checks one record and builds its metadata into buf, a JSON object
// of its non-empty cells (trimmed) as strings; why says what is wrong,
// "" when it is fine. Only a valid row counts in ks.
func (cols importColumns) row(rec leadcsv.Record, buf []byte, ks keyStats) (row LeadStagingRow, why string) {
	if rec.Problem != "" {
		return row, rec.Problem
	}
	email, err := leadcsv.NormalizeEmail(rec.Fields[cols.email])
	if err != nil {
		return row, err.Error()
	}
	row.Email, row.Line = email, rec.Line
	if cols.status >= 0 {
		st, ok := leadcsv.MapStatus(rec.Fields[cols.status])
		if !ok {
			return row, fmt.Sprintf("status %q is not one of %s", clip(strings.TrimSpace(rec.Fields[cols.status])), strings.Join(LeadStatuses, ", "))
		}
		row.Status = st
	}
	for _, j := range cols.meta {
		if strings.IndexByte(rec.Fields[j], 0) >= 0 {
			return row, fmt.Sprintf("column %q holds a NUL character", clip(cols.header[j]))
		}
	}
	buf = append(buf[:0], '{')
	for i, j := range cols.meta {
		v := strings.TrimSpace(rec.Fields[j])
		if v == "" {
			continue
		}
		if len(buf) > 1 {
			buf = append(buf, ',')
		}
		buf = append(append(buf, cols.jsonKeys[i]...), ':')
		buf = leadcsv.AppendJSONString(buf, v)
		ks.filled[i] = true
		if !ks.notNumber[i] && !leadcsv.IsNumber(v) {
			ks.notNumber[i] = true
		}
		if !ks.notBool[i] && !leadcsv.IsBool(v) {
			ks.notBool[i] = true
		}
	}
	row.Metadata = append(buf, '}')
	return row, ""
}
