package main

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/godmode-console/godmode/forensics/safetext"
	"github.com/godmode-console/godmode/model"
	"github.com/godmode-console/godmode/model/blueprint"
	"github.com/godmode-console/godmode/model/genesis"
)

// provisionRunJSON is a run as `provision --json` prints it.
type provisionRunJSON struct {
	ID        int64   `json:"id"`
	Workspace int64   `json:"workspace_id"`
	Status    string  `json:"status"`
	Activate  bool    `json:"activate"`
	Error     string  `json:"error,omitempty"`
	StartedAt string  `json:"started_at"`
	Finished  *string `json:"finished_at,omitempty"`
}

type provisionStepJSON struct {
	Seq    int    `json:"seq"`
	Kind   string `json:"kind"`
	Ref    string `json:"ref"`
	Status string `json:"status,omitempty"`
	N8nID  string `json:"n8n_id,omitempty"`
	Error  string `json:"error,omitempty"`
}

func runJSON(r model.ProvisioningRun) provisionRunJSON {
	j := provisionRunJSON{ID: r.ID, Workspace: r.WorkspaceID, Status: string(r.Status), Activate: r.Activate, Error: r.Error,
		StartedAt: r.StartedAt.UTC().Format(time.RFC3339)}
	if r.FinishedAt != nil {
		f := r.FinishedAt.UTC().Format(time.RFC3339)
		j.Finished = &f
	}
	return j
}

// runProvision is `godmode provision`: plan, apply, resume or roll back
// the provisioning of a workspace from a blueprint version; `runs` and
// `show RUN` read what runs recorded.
func runProvision(ctx context.Context, g *globals, args []string) error {
	fs := g.flags("provision")
	slug := fs.String("workspace", "", "the workspace (`SLUG`) to provision")
	ref := fs.String("blueprint", "", "the blueprint version, `NAME@V`")
	valuesPath := fs.String("values", "", "the values `FILE` (TOML: variables, credentials; env: and file: references for secrets)")
	plan := fs.Bool("plan", false, "print the plan and apply nothing (the default without --apply)")
	apply := fs.Bool("apply", false, "apply the plan")
	activate := fs.Bool("activate", false, "activate every workflow that has a trigger")
	overwrite := fs.Bool("overwrite", false, "on a re-apply, replace workflows edited in n8n since the last run (--plan shows the differences)")
	resume := fs.Int64("resume", 0, "continue the stopped run `RUN` from its first step not done")
	rollback := fs.Int64("rollback", 0, "undo, newest first, what run `RUN` made in n8n and Postgres")
	asJSON := fs.Bool("json", false, "print one JSON object")
	var sets multiFlag
	fs.Var(&sets, "set", "change an admin_editable variable and re-apply, as `VAR=VALUE` (repeatable; owners and admins too)")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		switch pos[0] {
		case "runs":
			return provisionRuns(ctx, g, *slug, *asJSON, pos[1:])
		case "show":
			return provisionShow(ctx, g, *asJSON, pos[1:])
		}
		return usageError{fmt.Sprintf("unknown provision action %q: say runs, show RUN, or give flags only", safetext.Line(pos[0]))}
	}
	modes := 0
	for _, on := range []bool{*plan, *apply, *resume != 0, *rollback != 0} {
		if on {
			modes++
		}
	}
	if len(sets) > 0 {
		return provisionSet(ctx, g, *slug, sets, modes > 0 || *ref != "" || *valuesPath != "" || *activate, *asJSON)
	}
	if modes > 1 {
		return usageError{"give one of --plan, --apply, --resume RUN, --rollback RUN"}
	}
	if g.remote != nil && *valuesPath != "" {
		return usageError{"provision reads its values file on the machine it runs on: run it there, not over SSH"}
	}
	var vals *genesis.Values
	if *valuesPath != "" {
		v, err := genesis.ReadValues(*valuesPath, genesis.LoadOptions{})
		if err != nil {
			return err
		}
		vals = &v
	}
	if *resume != 0 || *rollback != 0 {
		if *slug != "" || *ref != "" || *activate {
			return usageError{"--resume and --rollback take the run's own workspace, blueprint and activation: give only --values"}
		}
		if *resume != 0 && vals == nil {
			return usageError{"--resume needs --values FILE: the values the run started with (secrets are never kept)"}
		}
	} else {
		if *slug == "" || *ref == "" || vals == nil {
			return usageError{"say what to provision: godmode provision --workspace SLUG --blueprint NAME@V --values FILE [--plan|--apply]"}
		}
		if err := checkSlug("--workspace", *slug); err != nil {
			return err
		}
	}
	if *overwrite && (*resume != 0 || *rollback != 0) {
		return usageError{"--overwrite goes with --apply (a re-apply), not with --resume or --rollback"}
	}
	req := model.ProvisionRequest{Workspace: *slug, Activate: *activate, Overwrite: *overwrite}
	if *ref != "" {
		name, n, err := model.ParseBlueprintRef(*ref)
		if err != nil {
			return usageError{"--blueprint: " + err.Error()}
		}
		if n == 0 {
			return usageError{"--blueprint needs a version: NAME@V"}
		}
		req.Blueprint, req.Version = name, n
	}
	if vals != nil {
		req.Values = *vals
	}
	s, console, actor, err := openScript(ctx, g)
	if err != nil {
		return err
	}
	defer s.close()
	switch {
	case *resume != 0:
		res, err := console.ResumeRun(ctx, actor, *resume, *vals)
		return provisionDone(g, res, err, *asJSON, "resumed")
	case *rollback != 0:
		res, err := console.RollbackRun(ctx, actor, *rollback, vals)
		return provisionDone(g, res, err, *asJSON, "rolled back")
	case *apply:
		res, err := console.Provision(ctx, actor, req)
		return provisionDone(g, res, err, *asJSON, "applied")
	}
	pd, err := console.ProvisionPlanned(ctx, actor, req)
	if err != nil {
		return err
	}
	return printPlan(g, pd, *asJSON)
}

// liveJSON is one workflow of a re-apply beside what is live in n8n.
type liveJSON struct {
	File       string                  `json:"file"`
	Campaign   string                  `json:"campaign"`
	WorkflowID string                  `json:"workflow_id"`
	Edited     bool                    `json:"edited_in_n8n"`
	Diff       *blueprint.WorkflowDiff `json:"differences,omitempty"`
}

// printLive prints, per workflow a re-apply updates, how what is live in
// n8n differs from what would be sent (secrets masked).
func printLive(g *globals, live []model.LiveWorkflow) {
	for _, l := range live {
		state := "as last applied"
		if l.Edited {
			state = "EDITED in n8n since the last run (--apply refuses it without --overwrite)"
		}
		fmt.Fprintf(g.stdout, "live %s (campaign %q, n8n workflow %s): %s\n", safetext.Line(l.File), safetext.Line(l.Campaign), safetext.Line(l.WorkflowID), state)
		if l.Diff == nil {
			fmt.Fprintln(g.stdout, "    the same as what would be sent")
			continue
		}
		for _, n := range l.Diff.NodesAdded {
			fmt.Fprintf(g.stdout, "    only in the plan: node %q\n", safetext.Line(n))
		}
		for _, n := range l.Diff.NodesRemoved {
			fmt.Fprintf(g.stdout, "    only in n8n: node %q\n", safetext.Line(n))
		}
		for _, n := range l.Diff.Nodes {
			var paths []string
			for _, pc := range n.Paths {
				paths = append(paths, pc.Path)
			}
			fmt.Fprintf(g.stdout, "    node %q differs at %s\n", safetext.Line(n.Node), safetext.Line(strings.Join(paths, ", ")))
		}
		if l.Diff.ConnectionsChanged {
			fmt.Fprintln(g.stdout, "    connections differ")
		}
		if l.Diff.SettingsChanged {
			fmt.Fprintln(g.stdout, "    settings differ")
		}
	}
}

// changeJSON is what rendering changes in one workflow.
type changeJSON struct {
	File string                  `json:"file"`
	From string                  `json:"from"`
	To   string                  `json:"to"`
	Diff *blueprint.WorkflowDiff `json:"differences,omitempty"`
}

// printChanges prints, per workflow, what rendering changed from the
// blueprint: its new name and each changed node with its paths (the values
// are in --json, secrets masked).
func printChanges(g *globals, changes []genesis.WorkflowChanges) {
	for _, c := range changes {
		n := 0
		if c.Diff != nil {
			n = len(c.Diff.Nodes)
		}
		fmt.Fprintf(g.stdout, "render %s: %q becomes %q, %d node(s) filled in\n", safetext.Line(c.File), safetext.Line(c.From), safetext.Line(c.To), n)
		if c.Diff == nil {
			continue
		}
		for _, nd := range c.Diff.Nodes {
			var paths []string
			for _, pc := range nd.Paths {
				paths = append(paths, pc.Path)
			}
			fmt.Fprintf(g.stdout, "    node %q: %s\n", safetext.Line(nd.Node), safetext.Line(strings.Join(paths, ", ")))
		}
	}
}

func printPlan(g *globals, pd model.Planned, asJSON bool) error {
	pl, live := pd.Plan, pd.Live
	steps := make([]provisionStepJSON, 0, len(pl.Steps))
	for _, st := range pl.Steps {
		steps = append(steps, provisionStepJSON{Seq: st.Seq, Kind: st.Kind, Ref: st.Ref})
	}
	var warnings []string
	for _, w := range pl.Warnings {
		warnings = append(warnings, w.String())
	}
	if asJSON {
		lj := make([]liveJSON, 0, len(live))
		for _, l := range live {
			lj = append(lj, liveJSON{File: l.File, Campaign: l.Campaign, WorkflowID: l.WorkflowID, Edited: l.Edited, Diff: l.Diff})
		}
		cj := make([]changeJSON, 0, len(pd.Changes))
		for _, c := range pd.Changes {
			cj = append(cj, changeJSON{File: c.File, From: c.From, To: c.To, Diff: c.Diff})
		}
		return writeJSON(g.stdout, map[string]any{"workspace": pl.Workspace, "blueprint": fmt.Sprintf("%s@v%d", pl.Blueprint, pl.Version),
			"tags": pl.Tags, "steps": steps, "warnings": warnings, "changes": cj, "live": lj})
	}
	fmt.Fprintf(g.stdout, "plan for workspace %s from %s@v%d: %d steps, nothing applied (--apply applies it)\n", pl.Workspace, safetext.Line(pl.Blueprint), pl.Version, len(steps))
	for _, st := range steps {
		fmt.Fprintf(g.stdout, "  %3d  %-18s %s\n", st.Seq, st.Kind, safetext.Line(st.Ref))
	}
	printChanges(g, pd.Changes)
	printLive(g, live)
	for _, w := range warnings {
		fmt.Fprintf(g.stdout, "warning: %s\n", safetext.Line(w))
	}
	return nil
}

func provisionDone(g *globals, res model.ProvisionResult, err error, asJSON bool, verb string) error {
	if asJSON && res.Run.ID != 0 || asJSON && res.Unchanged {
		out := map[string]any{"unchanged": res.Unchanged, "skipped": res.Outcome.Skipped, "adopted": res.Outcome.Adopted, "undone": res.Undone}
		if res.Run.ID != 0 {
			out["run"] = runJSON(res.Run)
		}
		if err != nil {
			out["error"] = err.Error()
		}
		if jerr := writeJSON(g.stdout, out); jerr != nil {
			return jerr
		}
		return err
	}
	if err != nil {
		// Only a run left applying or failed has something to resume; a
		// refusal of a finished one (a rollback godmode cannot do) does not.
		if stopped := res.Run.Status == model.RunApplying || res.Run.Status == model.RunFailed; res.Run.ID != 0 && stopped && !errors.Is(err, model.ErrForbidden) {
			return fmt.Errorf("%w\nrun %d stopped: resume it with godmode provision --resume %d --values FILE, or undo it with --rollback %d --values FILE", err, res.Run.ID, res.Run.ID, res.Run.ID)
		}
		return err
	}
	if res.Unchanged {
		fmt.Fprintln(g.stdout, "unchanged: everything the plan makes is there already; nothing was sent to n8n")
		return nil
	}
	fmt.Fprintf(g.stdout, "run %d %s: %s", res.Run.ID, verb, res.Run.Status)
	switch verb {
	case "rolled back":
		fmt.Fprintf(g.stdout, ", %d steps undone\n", res.Undone)
	default:
		fmt.Fprintf(g.stdout, ", %d steps (%d done before, %d found made in n8n and adopted)\n", len(res.Plan.Steps), res.Outcome.Skipped, len(res.Outcome.Adopted))
	}
	return nil
}

func provisionRuns(ctx context.Context, g *globals, slug string, asJSON bool, rest []string) error {
	if len(rest) > 0 {
		return usageError{"provision runs takes no argument (--workspace SLUG narrows it)"}
	}
	if slug != "" {
		if err := checkSlug("--workspace", slug); err != nil {
			return err
		}
	}
	s, console, actor, err := openScript(ctx, g)
	if err != nil {
		return err
	}
	defer s.close()
	if slug != "" {
		// Names an unknown workspace instead of listing nothing.
		if _, err := console.ProvisionRuns(ctx, actor, slug); err != nil {
			return err
		}
	}
	runs, err := console.RunSummaries(ctx, actor)
	if err != nil {
		return err
	}
	type summaryJSON struct {
		provisionRunJSON
		Slug       string `json:"workspace"`
		Blueprint  string `json:"blueprint"`
		StepsDone  int    `json:"steps_done"`
		StepsTotal int    `json:"steps_recorded"`
	}
	out := []summaryJSON{}
	for _, r := range runs {
		if slug == "" || r.WorkspaceSlug == slug {
			out = append(out, summaryJSON{runJSON(r.ProvisioningRun), r.WorkspaceSlug, fmt.Sprintf("%s@v%d", r.Blueprint, r.Version), r.StepsDone, r.StepsTotal})
		}
	}
	if asJSON {
		return writeJSON(g.stdout, map[string]any{"runs": out})
	}
	if len(out) == 0 {
		fmt.Fprintln(g.stdout, "no provisioning runs")
	}
	for _, r := range out {
		fmt.Fprintf(g.stdout, "run %d  %s  %s  %-11s  %d/%d steps done  started %s", r.ID, safetext.Line(r.Slug), safetext.Line(r.Blueprint), r.Status, r.StepsDone, r.StepsTotal, r.StartedAt)
		if r.Error != "" {
			fmt.Fprintf(g.stdout, "  error: %s", safetext.Line(r.Error))
		}
		fmt.Fprintln(g.stdout)
	}
	return nil
}

func provisionShow(ctx context.Context, g *globals, asJSON bool, rest []string) error {
	if len(rest) != 1 {
		return usageError{"say which run: godmode provision show RUN"}
	}
	id, err := strconv.ParseInt(rest[0], 10, 64)
	if err != nil || id < 1 {
		return usageError{fmt.Sprintf("%q is not a run number", safetext.Line(rest[0]))}
	}
	s, console, actor, err := openScript(ctx, g)
	if err != nil {
		return err
	}
	defer s.close()
	run, steps, err := console.ProvisionRun(ctx, actor, id)
	if err != nil {
		return err
	}
	js := make([]provisionStepJSON, 0, len(steps))
	for _, st := range steps {
		js = append(js, provisionStepJSON{Seq: st.Seq, Kind: st.Kind, Ref: st.Ref, Status: st.Status, N8nID: st.N8nID, Error: st.Error})
	}
	if asJSON {
		return writeJSON(g.stdout, map[string]any{"run": runJSON(run), "steps": js})
	}
	r := runJSON(run)
	fmt.Fprintf(g.stdout, "run %d  workspace %d  %s  started %s\n", r.ID, r.Workspace, r.Status, r.StartedAt)
	if r.Error != "" {
		fmt.Fprintf(g.stdout, "error: %s\n", safetext.Line(r.Error))
	}
	for _, st := range js {
		fmt.Fprintf(g.stdout, "  %3d  %-18s %-40s %-8s %s", st.Seq, st.Kind, safetext.Line(st.Ref), st.Status, safetext.Line(st.N8nID))
		if st.Error != "" {
			fmt.Fprintf(g.stdout, "  %s", safetext.Line(st.Error))
		}
		fmt.Fprintln(g.stdout)
	}
	return nil
}
