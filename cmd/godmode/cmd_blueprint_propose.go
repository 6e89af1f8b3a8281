package main

import (
	"fmt"
	"strings"

	"github.com/godmode-console/godmode/forensics/safetext"
	"github.com/godmode-console/godmode/model"
	"github.com/godmode-console/godmode/model/blueprint"
)

func proposes(p model.CaptureProposal, value string) bool {
	for _, pv := range p.Variables {
		if pv.Value == value {
			return true
		}
	}
	return false
}

// printProposal is blueprint capture --dry-run: each proposed value with
// the name it would take and where it occurs, [x] when the capture would
// apply it as the flags stand; nothing is stored.
func printProposal(g *globals, p model.CaptureProposal, tokens []blueprint.Token, asJSON bool) error {
	applied := map[string]string{}
	for _, t := range tokens {
		applied[t.Value] = t.Name
	}
	type row struct {
		Value     string   `json:"value"`
		Name      string   `json:"name"`
		Why       string   `json:"why"`
		Applied   bool     `json:"applied"`
		Places    int      `json:"places"`
		Workflows []string `json:"workflows"`
	}
	var rows []row
	for _, pv := range p.Variables {
		name, on := applied[pv.Value]
		if !on {
			name = pv.Name
		}
		rows = append(rows, row{Value: pv.Value, Name: name, Why: pv.Why, Applied: on, Places: len(pv.Where), Workflows: pv.Workflows()})
	}
	if asJSON {
		return writeJSON(g.stdout, map[string]any{"blueprint": p.Blueprint, "workspace": p.Workspace.Slug, "dry_run": true,
			"workflows": p.Workflows, "variables": rows, "gone": p.Gone})
	}
	l := func(format string, args ...any) { fmt.Fprintln(g.stdout, safetext.Line(fmt.Sprintf(format, args...))) }
	l("blueprint %s: dry run, nothing stored: capture from workspace %s (%d workflows) proposes %d variable(s)", p.Blueprint, p.Workspace.Slug, len(p.Workflows), len(rows))
	for i, r := range rows {
		box := "[ ]"
		if r.Applied {
			box = "[x]"
		}
		l("  %s %s -> %s (%s): %d place(s) in %s", box, r.Value, r.Name, r.Why, r.Places, places(p.Variables[i]))
	}
	for _, t := range tokens {
		if !proposes(p, t.Value) {
			l("  [x] %s -> %s (--tokenize): not found in the workflows", t.Value, t.Name)
		}
	}
	for _, c := range p.Gone {
		l("  left out: campaign %s, whose workflow is gone from n8n", c)
	}
	l("[x] is applied: --keep VALUE leaves one as it is, --tokenize VALUE=NAME takes or renames one")
	return nil
}

// places is where a value occurs, as workflow / node, at most five.
func places(pv model.ProposedVariable) string {
	var out []string
	seen := map[string]bool{}
	for _, w := range pv.Where {
		at := w.Place()
		if !seen[at] {
			seen[at] = true
			out = append(out, at)
		}
	}
	if len(out) > 5 {
		out = append(out[:5], fmt.Sprintf("… %d more", len(out)-5))
	}
	return strings.Join(out, ", ")
}
