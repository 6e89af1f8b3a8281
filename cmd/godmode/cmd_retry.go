package main

import (
	"context"
	"fmt"

	"github.com/godmode-console/godmode/forensics/safetext"
	"github.com/godmode-console/godmode/model"
)

// retryJSON is what `retry --json` prints.
type retryJSON struct {
	Execution     string `json:"execution"`
	Retry         string `json:"retry"`
	Status        string `json:"status"`
	SavedWorkflow bool   `json:"saved_workflow"`
	Instance      string `json:"instance"`
	Workspace     string `json:"workspace"`
	Campaign      string `json:"campaign"`
}

func runRetry(ctx context.Context, g *globals, args []string) error {
	fs := g.flags("retry")
	saved := fs.Bool("saved-workflow", false, "run the workflow as it is saved now, not as it was when the execution ran")
	instance := fs.String("instance", "", "the n8n instance `NAME` that holds the execution (default: the only one registered)")
	asJSON := fs.Bool("json", false, "print the new execution as one JSON object")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 || !isExecutionID(pos[0]) {
		return usageError{"say which execution, by its n8n id (digits): godmode retry EXECUTION_ID [--saved-workflow]"}
	}
	if *instance != "" && model.CheckInstanceName(*instance) != nil {
		return usageError{fmt.Sprintf("--instance %q is not an n8n instance name (as godmode instances list shows them)", safetext.Line(*instance))}
	}
	s, console, actor, err := openScript(ctx, g)
	if err != nil {
		return err
	}
	defer s.close()
	t, ex, err := console.RetryByID(ctx, actor, *instance, pos[0], *saved)
	if err != nil {
		return err
	}
	if *asJSON {
		return writeJSON(g.stdout, retryJSON{Execution: pos[0], Retry: ex.ID, Status: ex.Status, SavedWorkflow: *saved,
			Instance: t.Instance, Workspace: t.Workspace, Campaign: t.Campaign})
	}
	fmt.Fprintf(g.stdout, "retried execution %s of %s/%s as %s (%s)\n", pos[0], t.Workspace, safetext.Line(t.Campaign), ex.ID, safetext.Line(ex.Status))
	return nil
}
