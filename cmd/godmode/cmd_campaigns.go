package main

import (
	"context"
	"time"
)

// campaignJSON is one campaign as `campaigns --json` prints it; the field
// names are part of the CLI's contract.
type campaignJSON struct {
	ID            int64      `json:"id"`
	Workspace     string     `json:"workspace"`
	Name          string     `json:"name"`
	Status        string     `json:"status"`
	PendingStatus *string    `json:"pending_status"`
	Instance      string     `json:"instance"`
	WorkflowID    string     `json:"workflow_id"`
	Failures24h   int        `json:"failures_24h"`
	LastExecID    string     `json:"last_execution_id"`
	LastExecAt    *time.Time `json:"last_execution_at"`
	LastExecState string     `json:"last_execution_status"`
	LastError     string     `json:"last_error"`
}

func runCampaigns(ctx context.Context, g *globals, args []string) error {
	fs := g.flags("campaigns")
	slug := fs.String("workspace", "", "only the workspace with this `SLUG`")
	asJSON := fs.Bool("json", false, "print one JSON object {\"campaigns\": [...]}")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 0 {
		return usageError{"campaigns takes no arguments: godmode campaigns [--workspace SLUG] [--json]"}
	}
	if err := checkSlug("--workspace", *slug); err != nil {
		return err
	}
	s, console, actor, err := openScript(ctx, g)
	if err != nil {
		return err
	}
	defer s.close()
	var wsID int64
	if *slug != "" {
		ws, err := console.WorkspaceBySlug(ctx, *slug)
		if err != nil {
			return err
		}
		wsID = ws.ID
	}
	camps, err := console.CampaignsFor(ctx, actor, wsID)
	if err != nil {
		return err
	}
	if *asJSON {
		out := make([]campaignJSON, 0, len(camps))
		for _, c := range camps {
			j := campaignJSON{ID: c.ID, Workspace: c.Workspace, Name: c.Name, Status: string(c.Status), Instance: c.Instance,
				WorkflowID: c.N8nWorkflowID, Failures24h: c.Failures24h, LastExecID: c.LastExecID, LastExecAt: c.LastExecAt,
				LastExecState: c.LastExecStatus, LastError: c.LastError}
			if c.PendingStatus != nil {
				p := string(*c.PendingStatus)
				j.PendingStatus = &p
			}
			out = append(out, j)
		}
		return writeJSON(g.stdout, map[string]any{"campaigns": out})
	}
	t := newTable(g.stdout, "CAMPAIGN", "STATUS", "INSTANCE", "FAILURES 24H", "LAST EXECUTION", "LAST ERROR")
	for _, c := range camps {
		status := string(c.Status)
		if c.PendingStatus != nil {
			status += " → " + string(*c.PendingStatus)
		}
		last := c.LastExecStatus
		if c.LastExecAt != nil {
			last += " " + stamp(c.LastExecAt)
		}
		t.row(c.Workspace+"/"+c.Name, status, c.Instance, itoa(int64(c.Failures24h)), last, c.LastError)
	}
	return t.flush()
}
