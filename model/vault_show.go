package model

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/godmode-console/godmode/forensics/safetext"
	"github.com/godmode-console/godmode/model/blueprint"
)

// ShownVersion is a version as shown: its workflows and what was found in
// them; also show's --json form.
type ShownVersion struct {
	Blueprint      string                   `json:"blueprint"`
	Version        int                      `json:"version"`
	Origin         string                   `json:"origin"`
	ContentHash    string                   `json:"content_hash"`
	CreatedAt      string                   `json:"created_at"`
	Workflows      []ShownWorkflow          `json:"workflows"`
	Report         blueprint.Report         `json:"report"`
	AllowedSecrets []blueprint.Secret       `json:"allowed_secrets"`
	Substitutions  []blueprint.Substitution `json:"substitutions"`
	// LeadSchema is the leads table's columns kept with the version: the
	// detected lead columns until edited (blueprint lead-schema).
	LeadSchema         []string `json:"lead_schema"`
	LeadSchemaEditedAt string   `json:"lead_schema_edited_at,omitempty"`
	// AdminEditable are the variables the blueprint (every version) lets
	// its workspaces' owners and admins change; the caller reads them.
	AdminEditable []string `json:"admin_editable"`
}

// ShownWorkflow is one workflow of a shown version.
type ShownWorkflow struct {
	Name  string `json:"name"`
	File  string `json:"file"`
	Nodes int    `json:"nodes"`
}

// ShowBlueprintVersion is what `blueprint show` and the console's
// blueprint screen show of a version.
func ShowBlueprintVersion(name string, v BlueprintVersion) ShownVersion {
	out := ShownVersion{Blueprint: name, Version: v.Version, Origin: v.Origin, ContentHash: v.ContentHash,
		CreatedAt: v.CreatedAt.UTC().Format("2006-01-02 15:04 UTC")}
	var files []string
	_ = json.Unmarshal(v.Files, &files)
	var ws []struct {
		Name  string
		Nodes []json.RawMessage
	}
	_ = json.Unmarshal(v.Workflows, &ws)
	for i, x := range ws {
		f := ""
		if i < len(files) {
			f = files[i]
		}
		out.Workflows = append(out.Workflows, ShownWorkflow{Name: x.Name, File: f, Nodes: len(x.Nodes)})
	}
	_ = json.Unmarshal(v.Report, &out.Report)
	_ = json.Unmarshal(v.AllowedSecrets, &out.AllowedSecrets)
	_ = json.Unmarshal(v.Substitutions, &out.Substitutions)
	out.LeadSchema = LeadSchema(v)
	if v.LeadSchemaEditedAt != nil {
		out.LeadSchemaEditedAt = v.LeadSchemaEditedAt.UTC().Format("2006-01-02 15:04 UTC")
	}
	return out
}

// Lines is the version as text, every line cleaned (names and values are
// data).
func (out ShownVersion) Lines() []string {
	var lines []string
	l := func(format string, args ...any) { lines = append(lines, safetext.Line(fmt.Sprintf(format, args...))) }
	l("blueprint %s version %d (%s, %s, content %s)", out.Blueprint, out.Version, out.Origin, out.CreatedAt, out.ContentHash[:12])
	l("workflows (%d):", len(out.Workflows))
	for _, x := range out.Workflows {
		l("  %-32s %4d nodes  %s", x.Name, x.Nodes, x.File)
	}
	r := out.Report
	l("variables (%d):", len(r.Variables))
	for _, x := range r.Variables {
		l("  %-32s %-11s %s", x.Name, x.Kind, places(x.Where))
	}
	if len(out.AdminEditable) == 0 {
		l("admin_editable (0): none, every variable is changed by super admins only")
	} else {
		l("admin_editable (%d): %s", len(out.AdminEditable), strings.Join(out.AdminEditable, ", "))
	}
	l("credential slots (%d):", len(r.Credentials))
	for _, x := range r.Credentials {
		l("  %s / %s: %s %s", x.File, x.Node, x.Type, x.Ref)
	}
	l("webhooks (%d):", len(r.Webhooks))
	for _, x := range r.Webhooks {
		l("  %s / %s: %s %s", x.File, x.Node, x.Method, x.Path)
	}
	l("triggers (%d):", len(r.Triggers))
	for _, x := range r.Triggers {
		l("  %s / %s: %s", x.File, x.Node, x.Kind)
	}
	l("hardcoded candidates (%d):", len(r.Hardcoded))
	for _, x := range r.Hardcoded {
		l("  %-7s %s  %s", x.Kind, x.Value, places(x.Where))
	}
	l("lead columns (%d): %s", len(r.LeadColumns), strings.Join(r.LeadColumns, ", "))
	lines = append(lines, out.LeadSchemaLines()...)
	if len(out.Substitutions) > 0 {
		l("captured values made variables (%d places):", len(out.Substitutions))
		for _, x := range out.Substitutions {
			l("  %s / %s: %s: %s <- %s", x.File, x.Node, x.Path, x.Name, x.Value)
		}
	}
	if len(out.AllowedSecrets) > 0 {
		l("secrets allowed after review (%d):", len(out.AllowedSecrets))
		for _, x := range out.AllowedSecrets {
			l("  %s / %s: %s at %s: %s", x.File, x.Node, x.Rule, x.Path, x.Masked)
		}
	}
	return lines
}

// places names where a value was found, the first three and a count.
func places(ps []blueprint.Place) string {
	var s []string
	for i, p := range ps {
		if i == 3 {
			s = append(s, fmt.Sprintf("and %d more", len(ps)-3))
			break
		}
		s = append(s, p.File+" / "+p.Node)
	}
	return strings.Join(s, "; ")
}

// LeadSchemaLines are the lead schema as text: where it comes from, then
// one column a line, a column SQL must quote marked so.
func (out ShownVersion) LeadSchemaLines() []string {
	from := "the detected lead columns"
	if out.LeadSchemaEditedAt != "" {
		from = "edited " + out.LeadSchemaEditedAt
	}
	lines := []string{safetext.Line(fmt.Sprintf("lead schema (%d columns, %s):", len(out.LeadSchema), from))}
	for _, c := range out.LeadSchema {
		if why := LeadColumnProblem(c); why != "" {
			lines = append(lines, safetext.Line(fmt.Sprintf("  %-32s (SQL must quote it: %s)", c, why)))
			continue
		}
		lines = append(lines, safetext.Line("  "+c))
	}
	return lines
}
