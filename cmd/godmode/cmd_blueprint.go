package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"sort"
	"strings"

	"github.com/godmode-console/godmode/forensics/safetext"
	"github.com/godmode-console/godmode/model"
	"github.com/godmode-console/godmode/model/blueprint"
	"github.com/godmode-console/godmode/model/blueprint/detect"
	"github.com/godmode-console/godmode/model/genesis"
)

// blueprintAnalyze is the detector imports and captures run.
var blueprintAnalyze blueprint.AnalyzeFunc = detect.Analyze

const blueprintHelp = `import   read each FILE (or every *.json directly in DIR; - reads one from standard input),
         refuse what n8n would refuse or could not run (invalid JSON, not an object, no nodes,
         duplicate node names) naming file, node and line, warn about the rest (connections to
         missing nodes, nodes without ids, fields n8n's create call rejects, which are dropped),
         and store a new version only when the normalised content changed. A secret found
         refuses the import unless --allow-secret NODE:FIELD names it (after review; recorded).
capture  read the live workflows of a workspace's campaigns from n8n and store them as a
         version, the workspace's own values turned into variables on the JSON tree: its
         leads_<slug> table, its slug, its credential ids, and each --tokenize VALUE=NAME
         (NAME is YOUR_ and upper-case words; a proposed VALUE takes that NAME instead).
         --dry-run prints what would become a variable (VALUE -> NAME, where) and stores
         nothing; --keep VALUE leaves a proposed value as it is, not a variable
list     every blueprint with its newest version
show     a version's workflows and what was found in them (newest without @V)
values   a starting values file for provision: every variable and credential slot the
         plan asks for, where each is used, commented out (secrets offered as env:NAME)
diff     node level: workflows added or removed; per workflow nodes added, removed, and
         changed fields as paths (positions are layout and ignored)
export   one file per workflow into DIR; refuses to overwrite unless --force
lead-schema  the leads table's columns kept with a version (the detected lead columns until
         edited); --add COL appends a column (a lowercase letter or _, then lowercase letters,
         digits and _, at most 63, not a reserved SQL word), --remove COL drops one; --require COL
         makes a column of the schema one every imported file must have (leads import), --optional
         COL undoes it; email is always required
editable mark variables admin_editable (for every version of the blueprint): the owners and admins
         of a workspace provisioned from it may change them (provision --workspace SLUG --set VAR=VALUE);
         --off unmarks. Refused: a name no version has (the nearest is named), YOUR_WORKSPACE_SLUG, a
         credential slot's reference, and a secret (named like one, or given as one by a run)
Super admins only; imports, captures, exports, lead schema and admin_editable edits and refusals are audited.`

// multiFlag is a flag that may be given several times.
type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(s string) error { *m = append(*m, s); return nil }

func runBlueprint(ctx context.Context, g *globals, args []string) error {
	fs := g.flags("blueprint")
	var allow multiFlag
	fs.Var(&allow, "allow-secret", "import: a reviewed secret to let through, as `NODE:FIELD` the refusal names (repeatable)")
	var tokenize multiFlag
	fs.Var(&tokenize, "tokenize", "capture: turn a value of the workspace into a variable, as `VALUE=NAME` (repeatable)")
	var keep multiFlag
	fs.Var(&keep, "keep", "capture: leave a proposed `VALUE` as it is, not a variable (repeatable)")
	dryRun := fs.Bool("dry-run", false, "capture: print the proposed variables (value -> name, where) and store nothing")
	workspace := fs.String("workspace", "", "capture: the `SLUG` of the workspace whose live workflows are captured")
	var addCols, removeCols multiFlag
	fs.Var(&addCols, "add", "lead-schema: a `COLUMN` to append to the version's lead schema (repeatable)")
	fs.Var(&removeCols, "remove", "lead-schema: a `COLUMN` to drop from the version's lead schema (repeatable)")
	var requireCols, optionalCols multiFlag
	fs.Var(&requireCols, "require", "lead-schema: a `COLUMN` an import's file must have (repeatable)")
	fs.Var(&optionalCols, "optional", "lead-schema: a required `COLUMN` to make optional again (repeatable)")
	off := fs.Bool("off", false, "editable: unmark the variables instead")
	force := fs.Bool("force", false, "export: overwrite files already in DIR")
	asJSON := fs.Bool("json", false, "print the result as JSON")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) == 0 {
		return usageError{"say import, capture, list, show, values, diff, export, lead-schema or editable (see godmode blueprint --help)"}
	}
	action, rest := pos[0], pos[1:]
	// Every argument is checked before the database is reached.
	switch action {
	case "import":
		if len(rest) < 2 {
			return usageError{"usage: godmode blueprint import NAME FILE…|DIR"}
		}
		if err := model.CheckBlueprintName(rest[0]); err != nil {
			return err
		}
		for _, a := range allow {
			if _, _, err := blueprint.ParseAllow(a); err != nil {
				return usageError{err.Error()}
			}
		}
		for _, p := range rest[1:] {
			if err := g.localPath("blueprint import", p); err != nil {
				return err
			}
		}
	case "capture":
		if len(rest) != 1 || *workspace == "" {
			return usageError{"usage: godmode blueprint capture NAME --workspace SLUG [--tokenize VALUE=NAME]… [--keep VALUE]… [--dry-run]"}
		}
		if err := model.CheckBlueprintName(rest[0]); err != nil {
			return err
		}
		if !slugPattern.MatchString(*workspace) {
			return fmt.Errorf("%q is not a workspace slug (lowercase letters, digits and dashes)", *workspace)
		}
		kept := map[string]bool{}
		for _, k := range keep {
			kept[k] = true
		}
		for _, t := range tokenize {
			tok, err := blueprint.ParseTokenize(t)
			if err != nil {
				return usageError{err.Error()}
			}
			if kept[tok.Value] {
				return usageError{fmt.Sprintf("--keep and --tokenize both name %q: say one", tok.Value)}
			}
		}
	case "list":
		if len(rest) != 0 {
			return usageError{"usage: godmode blueprint list (takes no arguments)"}
		}
	case "show":
		if len(rest) != 1 {
			return usageError{"usage: godmode blueprint show NAME[@VERSION]"}
		}
	case "values":
		if len(rest) != 1 {
			return usageError{"usage: godmode blueprint values NAME[@VERSION] > FILE.toml"}
		}
	case "lead-schema":
		if len(rest) != 1 {
			return usageError{"usage: godmode blueprint lead-schema NAME[@VERSION] [--add COL]… [--remove COL]… [--require COL]… [--optional COL]…"}
		}
		for _, c := range addCols {
			if why := model.LeadColumnProblem(c); why != "" {
				return usageError{fmt.Sprintf("--add %q: %s", c, why)}
			}
		}
	case "editable":
		if len(rest) < 2 {
			return usageError{"usage: godmode blueprint editable NAME VAR… [--off]"}
		}
		if err := model.CheckBlueprintName(rest[0]); err != nil {
			return err
		}
		for _, x := range rest[1:] {
			if !variableName.MatchString(x) {
				return usageError{fmt.Sprintf("%q is not a variable name (letters, digits and _, e.g. YOUR_COMPANY_NAME)", safetext.Line(x))}
			}
		}
	case "diff":
		if len(rest) != 2 {
			return usageError{"usage: godmode blueprint diff NAME@V1 NAME@V2"}
		}
	case "export":
		if len(rest) != 2 {
			return usageError{"usage: godmode blueprint export NAME[@VERSION] DIR [--force]"}
		}
		if g.remote != nil {
			return fmt.Errorf("blueprint export writes files on the server: over SSH, use blueprint show --json")
		}
	default:
		return usageError{fmt.Sprintf("unknown action %q (want import, capture, list, show, diff, export, lead-schema or editable)", action)}
	}
	for _, ref := range rest {
		if action == "show" || action == "diff" || action == "lead-schema" || (action == "export" && ref == rest[0]) {
			if _, _, err := model.ParseBlueprintRef(ref); err != nil {
				return err
			}
		}
	}
	var sources []blueprint.Source
	if action == "import" {
		if sources, err = readBlueprintSources(g, rest[1:]); err != nil {
			return err
		}
	}
	s, err := g.open(ctx, action == "capture") // capture reads n8n, with the instance's key
	if err != nil {
		return err
	}
	defer s.close()
	vault := model.NewVault(s.store, blueprintAnalyze, slog.New(slog.NewTextHandler(g.stderr, safetext.Options(nil))))
	switch action {
	case "import":
		r, err := vault.ImportBlueprint(ctx, s.actor, rest[0], sources, allow)
		if err != nil {
			return err
		}
		return printImport(g, rest[0], r, *asJSON)
	case "capture":
		var given []blueprint.Token
		for _, t := range tokenize {
			tok, _ := blueprint.ParseTokenize(t)
			given = append(given, tok)
		}
		console := model.NewConsole(s.store, dialN8n, model.ConsoleOptions{Context: s.cfg.Name})
		ws, err := console.WorkspaceBySlug(ctx, *workspace)
		if err != nil {
			return err
		}
		p, err := vault.ProposeCapture(ctx, s.actor, rest[0], console, ws)
		if err != nil {
			return err
		}
		kept := map[string]bool{}
		for _, k := range keep {
			if !proposes(p, k) {
				return fmt.Errorf("--keep %q: the capture proposes no such value (see --dry-run)", safetext.Line(k))
			}
			kept[k] = true
		}
		tokens := model.MergeTokens(p.Applied(kept), given)
		if *dryRun {
			return printProposal(g, p, tokens, *asJSON)
		}
		r, err := vault.StoreCapture(ctx, s.actor, p, tokens)
		if err != nil {
			return err
		}
		return printCapture(g, rest[0], ws.Slug, r, *asJSON)
	case "list":
		list, err := vault.Blueprints(ctx, s.actor)
		if err != nil {
			return err
		}
		if *asJSON {
			return writeJSON(g.stdout, list)
		}
		t := newTable(g.stdout, "BLUEPRINT", "NEWEST", "VERSIONS", "UPDATED")
		for _, b := range list {
			at := "-"
			if b.LatestAt != nil {
				at = b.LatestAt.UTC().Format("2006-01-02 15:04 UTC")
			}
			t.row(b.Name, fmt.Sprint(b.Latest), fmt.Sprint(b.Versions), at)
		}
		return t.flush()
	case "show":
		v, err := vault.BlueprintVersion(ctx, s.actor, rest[0])
		if err != nil {
			return err
		}
		name, _, _ := model.ParseBlueprintRef(rest[0])
		ed, err := vault.Editable(ctx, s.actor, name)
		if err != nil {
			return err
		}
		return printShow(g.stdout, rest[0], v, ed.AdminEditable, *asJSON)
	case "values":
		v, err := vault.BlueprintVersion(ctx, s.actor, rest[0])
		if err != nil {
			return err
		}
		name, _, _ := model.ParseBlueprintRef(rest[0])
		version, err := genesis.VersionFromStored(name, v.Version, v.ContentHash, v.Workflows, v.Files, v.Report)
		if err != nil {
			return err
		}
		// Node names and paths come from the workflows: cleaned line by line.
		for _, l := range strings.Split(strings.TrimSuffix(genesis.ValuesTemplate(version, model.NamedLikeSecret), "\n"), "\n") {
			fmt.Fprintln(g.stdout, safetext.Line(l))
		}
	case "editable":
		ed, err := vault.SetEditable(ctx, s.actor, rest[0], rest[1:], *off)
		if err != nil {
			return err
		}
		if *asJSON {
			return writeJSON(g.stdout, map[string]any{"blueprint": ed.Name, "admin_editable": nonNilStrings(ed.AdminEditable)})
		}
		fmt.Fprintln(g.stdout, safetext.Line(fmt.Sprintf("blueprint %s: admin_editable (%d): %s", ed.Name, len(ed.AdminEditable), orNone(ed.AdminEditable))))
	case "lead-schema":
		var v model.BlueprintVersion
		if len(addCols) == 0 && len(removeCols) == 0 && len(requireCols) == 0 && len(optionalCols) == 0 {
			v, err = vault.BlueprintVersion(ctx, s.actor, rest[0])
		} else {
			v, err = vault.EditLeadSchemaWith(ctx, s.actor, rest[0], model.LeadSchemaEdit{Add: addCols, Remove: removeCols, Require: requireCols, Optional: optionalCols})
		}
		if err != nil {
			return err
		}
		name, _, _ := model.ParseBlueprintRef(rest[0])
		shown := model.ShowBlueprintVersion(name, v)
		if *asJSON {
			return writeJSON(g.stdout, map[string]any{"blueprint": name, "version": v.Version, "columns": shown.LeadSchema,
				"detected": nonNilStrings(shown.Report.LeadColumns), "edited_at": shown.LeadSchemaEditedAt, "required": model.LeadSchemaRequired(v)})
		}
		fmt.Fprintln(g.stdout, safetext.Line(fmt.Sprintf("blueprint %s version %d", name, v.Version)))
		for _, l := range shown.LeadSchemaLines() {
			fmt.Fprintln(g.stdout, l)
		}
		if req := model.LeadSchemaRequired(v); len(req) > 0 {
			fmt.Fprintln(g.stdout, safetext.Line("required of an import's file: email"+prefixed(", ", req)))
		}
	case "diff":
		d, err := vault.DiffBlueprints(ctx, s.actor, rest[0], rest[1])
		if err != nil {
			return err
		}
		if *asJSON {
			return writeJSON(g.stdout, d)
		}
		printDiff(g.stdout, d)
	case "export":
		written, err := vault.ExportBlueprint(ctx, s.actor, rest[0], rest[1], *force)
		if err != nil {
			return err
		}
		if *asJSON {
			return writeJSON(g.stdout, map[string]any{"blueprint": rest[0], "files": written})
		}
		for _, w := range written {
			fmt.Fprintln(g.stdout, "wrote", safetext.Line(w))
		}
	}
	return nil
}

// readBlueprintSources reads the files, "-" being one workflow file on
// standard input (the way over SSH), capped as files are.
func readBlueprintSources(g *globals, args []string) ([]blueprint.Source, error) {
	var paths []string
	var out []blueprint.Source
	for _, a := range args {
		if a != "-" {
			paths = append(paths, a)
			continue
		}
		data, err := io.ReadAll(io.LimitReader(g.stdin, blueprint.MaxFileBytes+1))
		if err != nil {
			return nil, err
		}
		if len(data) > blueprint.MaxFileBytes {
			return nil, fmt.Errorf("%w: standard input is larger than %d MiB", blueprint.ErrRefused, blueprint.MaxFileBytes>>20)
		}
		out = append(out, blueprint.Source{Name: "stdin.json", Data: data})
	}
	if len(paths) > 0 {
		files, err := blueprint.ReadSources(paths)
		if err != nil {
			return nil, err
		}
		out = append(out, files...)
	}
	return out, nil
}

func printImport(g *globals, name string, r model.ImportResult, asJSON bool) error {
	nodes := 0
	for _, w := range r.Prepared.Workflows {
		nodes += w.Nodes
	}
	if asJSON {
		warn := make([]string, len(r.Prepared.Warnings))
		for i, w := range r.Prepared.Warnings {
			warn[i] = w.String()
		}
		return writeJSON(g.stdout, map[string]any{"blueprint": name, "version": r.Version.Version, "created": r.Created,
			"content_hash": r.Version.ContentHash, "workflows": r.Prepared.Workflows, "warnings": warn})
	}
	for _, w := range r.Prepared.Warnings {
		fmt.Fprintln(g.stderr, "godmode: warning:", w.String())
	}
	if r.Created {
		fmt.Fprintf(g.stdout, "blueprint %s: version %d stored (%d workflows, %d nodes, content %s)\n",
			name, r.Version.Version, len(r.Prepared.Workflows), nodes, r.Version.ContentHash[:12])
	} else {
		fmt.Fprintf(g.stdout, "blueprint %s: unchanged, still version %d (content %s)\n", name, r.Version.Version, r.Version.ContentHash[:12])
	}
	return nil
}

func printCapture(g *globals, name, slug string, r model.CaptureResult, asJSON bool) error {
	count := map[string]int{}
	for _, sub := range r.Prepared.Substitutions {
		count[sub.Value+"\x00"+sub.Name]++
	}
	if asJSON {
		return writeJSON(g.stdout, map[string]any{"blueprint": name, "workspace": slug, "version": r.Version.Version, "created": r.Created,
			"content_hash": r.Version.ContentHash, "workflows": r.Prepared.Workflows, "tokens": r.Tokens, "substitutions": r.Prepared.Substitutions, "gone": r.Gone,
			"hardcoded": r.Prepared.Report.Hardcoded})
	}
	l := func(format string, args ...any) { fmt.Fprintln(g.stdout, safetext.Line(fmt.Sprintf(format, args...))) }
	if r.Created {
		l("blueprint %s: version %d captured from workspace %s (%d workflows, %d substitutions)", name, r.Version.Version, slug, len(r.Prepared.Workflows), len(r.Prepared.Substitutions))
	} else {
		l("blueprint %s: unchanged, still version %d (captured from workspace %s)", name, r.Version.Version, slug)
	}
	for _, t := range r.Tokens {
		if n := count[t.Value+"\x00"+t.Name]; n > 0 {
			l("  %s <- %s (%s): %d place(s)", t.Name, t.Value, t.Why, n)
		}
	}
	for _, c := range r.Gone {
		l("  left out: campaign %s, whose workflow is gone from n8n", c)
	}
	for _, c := range r.Prepared.Report.Hardcoded {
		l("  still hardcoded: %s %s (--tokenize %s=NAME makes it a variable)", c.Kind, c.Value, c.Value)
	}
	return nil
}

func printShow(w io.Writer, ref string, v model.BlueprintVersion, editable []string, asJSON bool) error {
	name, _, _ := model.ParseBlueprintRef(ref)
	shown := model.ShowBlueprintVersion(name, v)
	shown.AdminEditable = nonNilStrings(editable)
	if asJSON {
		return writeJSON(w, shown)
	}
	for _, l := range shown.Lines() {
		fmt.Fprintln(w, l)
	}
	return nil
}

func printDiff(w io.Writer, d blueprint.Diff) {
	l := func(format string, args ...any) { fmt.Fprintln(w, safetext.Line(fmt.Sprintf(format, args...))) }
	if d.Empty() {
		l("no differences")
		return
	}
	sort.Strings(d.WorkflowsAdded)
	for _, x := range d.WorkflowsAdded {
		l("+ workflow %s", x)
	}
	for _, x := range d.WorkflowsRemoved {
		l("- workflow %s", x)
	}
	for _, c := range d.Changed {
		if c.RenamedFrom != "" {
			l("~ workflow %s (renamed from %s)", c.Workflow, c.RenamedFrom)
		} else {
			l("~ workflow %s", c.Workflow)
		}
		for _, n := range c.NodesAdded {
			l("    + node %s", n)
		}
		for _, n := range c.NodesRemoved {
			l("    - node %s", n)
		}
		for _, n := range c.Nodes {
			for _, p := range n.Paths {
				l("    ~ node %s: %s: %s -> %s", n.Node, p.Path, orAbsent(p.From), orAbsent(p.To))
			}
		}
		if c.ConnectionsChanged {
			l("    ~ connections")
		}
		if c.SettingsChanged {
			l("    ~ settings")
		}
	}
}

func orAbsent(s string) string {
	if s == "" {
		return "(absent)"
	}
	if r := []rune(s); len(r) > 120 {
		return string(r[:117]) + "..."
	}
	return s
}

func nonNilStrings(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func orNone(s []string) string {
	if len(s) == 0 {
		return "none"
	}
	return strings.Join(s, ", ")
}

// prefixed joins s after sep, "" for none.
func prefixed(sep string, s []string) string {
	if len(s) == 0 {
		return ""
	}
	return sep + strings.Join(s, sep)
}
