package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/godmode-console/godmode/forensics/safetext"
	"github.com/godmode-console/godmode/model"
)

// adoptJSON is one workflow of `adopt --json`, failures included.
type adoptJSON struct {
	WorkflowID  string  `json:"workflow_id"`
	Workflow    string  `json:"workflow"`
	Campaign    string  `json:"campaign,omitempty"`
	ID          int64   `json:"id,omitempty"`
	Status      string  `json:"status,omitempty"`
	Backfilled  int     `json:"backfilled"`
	LastExec    string  `json:"last_exec_status,omitempty"`
	LastExecAt  *string `json:"last_exec_at,omitempty"`
	Failures24h int     `json:"failures_24h"`
	Error       string  `json:"error,omitempty"`
}

// runAdopt is `godmode adopt`: n8n workflows become campaigns of a workspace.
func runAdopt(ctx context.Context, g *globals, args []string) error {
	fs := g.flags("adopt")
	slug := fs.String("workspace", "", "the workspace (`SLUG`) the workflows become campaigns of")
	tagged := fs.Bool("tagged", false, "adopt every unmanaged workflow tagged ws:SLUG (or SLUG) on the workspace's instance")
	asJSON := fs.Bool("json", false, "print one JSON object {\"adopted\": [...]}")
	ids, err := parse(fs, args)
	if err != nil {
		return err
	}
	if *slug == "" {
		return usageError{"say which workspace: godmode adopt --workspace SLUG WORKFLOW_ID... | --tagged"}
	}
	if err := checkSlug("--workspace", *slug); err != nil {
		return err
	}
	if *tagged == (len(ids) > 0) {
		return usageError{"give workflow ids or --tagged (one of them): godmode adopt --workspace SLUG WORKFLOW_ID... | --tagged"}
	}
	for _, id := range ids {
		if id == "" || safetext.Line(id) != id {
			return usageError{fmt.Sprintf("%q is not an n8n workflow id", safetext.Line(id))}
		}
	}
	s, console, actor, err := openScript(ctx, g)
	if err != nil {
		return err
	}
	defer s.close()
	var res []model.AdoptResult
	if *tagged {
		res, err = console.AdoptTagged(ctx, actor, *slug)
	} else {
		res, err = console.Adopt(ctx, actor, *slug, ids)
	}
	if err != nil {
		return err
	}
	out := make([]adoptJSON, 0, len(res))
	var failed []error
	for _, r := range res {
		j := adoptJSON{WorkflowID: r.WorkflowID, Workflow: r.Workflow, Backfilled: r.Backfilled}
		if r.Err != nil {
			j.Error = r.Err.Error()
			failed = append(failed, fmt.Errorf("workflow %s: %w", r.WorkflowID, r.Err))
		} else {
			c := r.Campaign
			j.Campaign, j.ID, j.Status, j.LastExec, j.Failures24h = c.Name, c.ID, string(c.Status), c.LastExecStatus, c.Failures24h
			if c.LastExecAt != nil {
				at := c.LastExecAt.UTC().Format("2006-01-02T15:04:05Z")
				j.LastExecAt = &at
			}
		}
		out = append(out, j)
	}
	if *asJSON {
		if err := writeJSON(g.stdout, map[string]any{"adopted": out}); err != nil {
			return err
		}
	} else {
		if len(out) == 0 {
			fmt.Fprintf(g.stdout, "no unmanaged workflow is tagged for workspace %s\n", *slug)
		}
		for _, j := range out {
			if j.Error != "" {
				continue
			}
			last := "never"
			if j.LastExecAt != nil {
				last = j.LastExec + " at " + *j.LastExecAt
			}
			fmt.Fprintf(g.stdout, "adopted workflow %s as %s/%s (%s): last run %s, %d failed in 24h\n",
				j.WorkflowID, *slug, safetext.Line(j.Campaign), j.Status, last, j.Failures24h)
		}
	}
	return errors.Join(failed...)
}

// runCampaign is `godmode campaign relink|archive`.
func runCampaign(ctx context.Context, g *globals, args []string) error {
	fs := g.flags("campaign")
	workflow := fs.String("workflow", "", "relink: the n8n workflow `ID` the campaign is to run")
	asJSON := fs.Bool("json", false, "print the campaign as one JSON object")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 2 || (pos[0] != "relink" && pos[0] != "archive") {
		return usageError{"say relink or archive, then WORKSPACE/CAMPAIGN: godmode campaign relink WS/CAMPAIGN --workflow ID | archive WS/CAMPAIGN"}
	}
	if pos[0] == "relink" && *workflow == "" {
		return usageError{"relink needs --workflow ID: the n8n workflow the campaign is to run"}
	}
	if pos[0] == "archive" && *workflow != "" {
		return usageError{"archive takes no --workflow"}
	}
	slug, name, err := campaignPath(pos[1])
	if err != nil {
		return err
	}
	s, console, actor, err := openScript(ctx, g)
	if err != nil {
		return err
	}
	defer s.close()
	var camp model.Campaign
	if pos[0] == "relink" {
		camp, err = console.Relink(ctx, actor, slug, name, *workflow)
	} else {
		camp, err = console.Archive(ctx, actor, slug, name)
	}
	if err != nil {
		return fmt.Errorf("%s/%s: %w", slug, name, err)
	}
	if *asJSON {
		return writeJSON(g.stdout, map[string]any{"workspace": slug, "campaign": camp.Name, "id": camp.ID, "action": pos[0],
			"status": camp.Status, "workflow_id": camp.N8nWorkflowID, "last_exec_status": camp.LastExecStatus, "failures_24h": camp.Failures24h})
	}
	if pos[0] == "relink" {
		fmt.Fprintf(g.stdout, "%s/%s now runs workflow %s (%s)\n", slug, safetext.Line(camp.Name), safetext.Line(camp.N8nWorkflowID), camp.Status)
	} else {
		fmt.Fprintf(g.stdout, "%s/%s archived\n", slug, safetext.Line(camp.Name))
	}
	return nil
}
