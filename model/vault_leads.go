package model

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// AuditBlueprintLeadSchema is the audit action of a lead schema edit.
const AuditBlueprintLeadSchema = "blueprints.lead_schema"

// MaxLeadColumns bounds a lead schema: a leads table wider than this is a
// mistake, not a campaign (Postgres itself stops at 1600).
const MaxLeadColumns = 250

// leadColumnName is the rule for a column added by hand: a name Postgres
// takes unquoted and keeps as written, so the templates' SQL can use it
// bare: a lowercase letter or _, then lowercase letters, digits and _, at
// most 63 bytes (Postgres' identifier length).
var leadColumnName = regexp.MustCompile(`^[a-z_][a-z0-9_]{0,62}$`)

// sqlReserved are Postgres' reserved key words (its documentation's
// appendix C, "reserved" in the PostgreSQL column): not usable as a bare
// column name.
var sqlReserved = strings.Fields(`all analyse analyze and any array as asc asymmetric both case cast check
	collate column constraint create current_catalog current_date current_role current_time
	current_timestamp current_user default deferrable desc distinct do else end except false fetch
	for foreign from grant group having in initially intersect into lateral leading limit localtime
	localtimestamp not null offset on only or order placing primary references returning select
	session_user some symmetric system_user table then to trailing true union unique user using
	variadic when where window with`)

// LeadColumnProblem says why name is not a plain column name ("" when it
// is one). Detected columns are kept even when they are not (they are
// what the templates really read and write, e.g. "Email #1 Sent"): SQL
// must quote those. A column added by hand must be plain.
func LeadColumnProblem(name string) string {
	switch {
	case name == "":
		return "an empty name"
	case !leadColumnName.MatchString(name):
		return "not a plain identifier (a lowercase letter or _, then lowercase letters, digits and _, at most 63)"
	case slices.Contains(sqlReserved, name):
		return "a reserved SQL key word"
	}
	return ""
}

// LeadSchema is a version's lead schema: the leads table's columns, in
// order. Detection knows no types, so a column is its name.
func LeadSchema(bv BlueprintVersion) []string {
	var s struct {
		Columns []string `json:"columns"`
	}
	_ = json.Unmarshal(bv.LeadSchema, &s)
	if s.Columns == nil {
		return []string{}
	}
	return s.Columns
}

// LeadSchemaEdit is one edit of a version's lead schema: columns added
// (at the end, in the order given) and removed; columns made required of
// an import's file (Require) and optional again (Optional).
type LeadSchemaEdit struct {
	Add, Remove, Require, Optional []string
}

// LeadSchemaRequiredStore sets the columns and the required list of a
// lead schema together; db.Store implements it.
type LeadSchemaRequiredStore interface {
	SetBlueprintLeadSchemaRequired(ctx context.Context, versionID int64, beforeCols, afterCols, beforeReq, afterReq []string, by *int64) (BlueprintVersion, error)
}

// EditLeadSchema adds columns to (at the end, in the order given) and
// removes columns from the lead schema of NAME or NAME@VERSION, for super
// admins; every attempt is audited with the schema before and after.
// An added name must pass LeadColumnProblem and not be there yet; a
// removed name must be there, as written.
func (v *Vault) EditLeadSchema(ctx context.Context, actor Actor, ref string, add, remove []string) (BlueprintVersion, error) {
	return v.EditLeadSchemaWith(ctx, actor, ref, LeadSchemaEdit{Add: add, Remove: remove})
}

// EditLeadSchemaWith is EditLeadSchema with the required list too: a
// required column must be in the schema after the edit (email is always
// required and need not be); an optional one must have been required. A
// removed column is no longer required.
func (v *Vault) EditLeadSchemaWith(ctx context.Context, actor Actor, ref string, ed LeadSchemaEdit) (BlueprintVersion, error) {
	add, remove := ed.Add, ed.Remove
	state := map[string]any{"blueprint": ref, "add": nonNil(add), "remove": nonNil(remove)}
	if len(ed.Require) > 0 || len(ed.Optional) > 0 {
		state["require"], state["optional"] = nonNil(ed.Require), nonNil(ed.Optional)
	}
	var before any
	var beforeReq []string
	fail := func(err error) (BlueprintVersion, error) {
		e := actor.auditEntry(AuditBlueprintLeadSchema, OutcomeFailed, err)
		if before != nil {
			e.Before = jsonObject(map[string]any{"columns": before, "required": nonNil(beforeReq)})
		}
		e.After = jsonObject(state)
		recordAudit(ctx, v.store, v.log, e)
		return BlueprintVersion{}, err
	}
	if err := Authorize(actor, ActionEditBlueprint, 0); err != nil {
		return fail(err)
	}
	if len(add) == 0 && len(remove) == 0 && len(ed.Require) == 0 && len(ed.Optional) == 0 {
		return fail(fmt.Errorf("%w: nothing to change: give --add COL, --remove COL, --require COL or --optional COL", ErrInvalid))
	}
	name, n, err := ParseBlueprintRef(ref)
	if err != nil {
		return fail(err)
	}
	bv, err := v.store.BlueprintVersionByName(ctx, name, n)
	if err != nil {
		return fail(err)
	}
	state["version"] = bv.Version
	cols := LeadSchema(bv)
	before, beforeReq = cols, LeadSchemaRequired(bv)
	next := slices.Clone(cols)
	nextReq := slices.Clone(beforeReq)
	var problems []string
	for _, c := range remove {
		i := slices.Index(next, c)
		if i < 0 {
			problems = append(problems, fmt.Sprintf("--remove %q: no such column in the lead schema", c))
			continue
		}
		next = slices.Delete(next, i, i+1)
	}
	for _, c := range add {
		if why := LeadColumnProblem(c); why != "" {
			problems = append(problems, fmt.Sprintf("--add %q: %s", c, why))
			continue
		}
		if slices.Contains(next, c) {
			problems = append(problems, fmt.Sprintf("--add %q: the lead schema has that column already", c))
			continue
		}
		next = append(next, c)
	}
	for _, c := range remove {
		nextReq = slices.DeleteFunc(nextReq, func(r string) bool { return r == c })
	}
	for _, c := range ed.Optional {
		i := slices.Index(nextReq, c)
		if i < 0 {
			problems = append(problems, fmt.Sprintf("--optional %q: not a required column", c))
			continue
		}
		nextReq = slices.Delete(nextReq, i, i+1)
	}
	for _, c := range ed.Require {
		switch {
		case slices.Contains(nextReq, c):
			problems = append(problems, fmt.Sprintf("--require %q: required already", c))
		case !slices.Contains(next, c) && c != "email":
			problems = append(problems, fmt.Sprintf("--require %q: no such column in the lead schema (add it with --add)", c))
		default:
			nextReq = append(nextReq, c)
		}
	}
	if len(next) > MaxLeadColumns {
		problems = append(problems, fmt.Sprintf("%d columns, more than the %d a lead schema may have", len(next), MaxLeadColumns))
	}
	if len(problems) > 0 {
		return fail(fmt.Errorf("%w: blueprint %s version %d: %s", ErrInvalid, name, bv.Version, strings.Join(problems, "; ")))
	}
	var by *int64
	if actor.UserID != 0 {
		by = &actor.UserID
	}
	var out BlueprintVersion
	if rs, ok := v.store.(LeadSchemaRequiredStore); ok {
		out, err = rs.SetBlueprintLeadSchemaRequired(ctx, bv.ID, cols, next, beforeReq, nextReq, by)
	} else if slices.Equal(nextReq, beforeReq) {
		out, err = v.store.SetBlueprintLeadSchema(ctx, bv.ID, cols, next, by)
	} else {
		err = errors.New("this store cannot keep required lead columns")
	}
	if err != nil {
		return fail(err)
	}
	state["columns"], state["required"] = next, nonNil(nextReq)
	e := actor.auditEntry(AuditBlueprintLeadSchema, OutcomeOK, nil)
	e.Before = jsonObject(map[string]any{"columns": cols, "required": nonNil(beforeReq)})
	e.After = jsonObject(state)
	recordAudit(ctx, v.store, v.log, e)
	return out, nil
}
