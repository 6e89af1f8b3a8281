package genesis

import (
	"encoding/json"
	"fmt"
	"sort"

	"github.com/godmode-console/godmode/model/blueprint"
)

// Re-apply: a plan for a workspace that earlier runs provisioned updates
// the workflows its campaigns hold in place (Workspace.Existing) instead
// of creating them, keeping their ids, webhook paths and webhookIds (so
// the URLs do not change) and the credentials earlier runs created. A
// workflow whose rendered content is what its campaign recorded as
// applied makes no call; a newer version's new workflows are created as
// in a first run.

// FromKept is CredentialPlan.From for a slot whose credential an earlier
// run created and a re-apply keeps.
const FromKept = "earlier run (kept)"

// reapplied marks w as the update of ex: Same when the body to send hashes
// as the campaign's applied one, Retag when the live tags lack the plan's;
// a resumed run keeps the steps it recorded (recorded kinds).
func reapplied(w *WorkflowPlan, ex ExistingWorkflow, tags, recorded []string) {
	w.Update = ex.ID
	if body, err := w.Body(nil); err == nil && ex.AppliedHash != "" {
		w.Same = AppliedHash(body) == ex.AppliedHash
	}
	for _, t := range tags {
		if !contains(ex.Tags, t) {
			w.Retag = true
		}
	}
	// An active workflow stays active through a PUT; one someone
	// deactivated in n8n is activated again only if the run activates.
	w.Activate = w.Activate && (!ex.Active || contains(recorded, StepActivateWorkflow))
	w.Same = w.Same && !contains(recorded, StepUpdateWorkflow)
	w.Retag = w.Retag || contains(recorded, StepTagWorkflow)
}

// removedWorkflows refuses a re-apply of a version that no longer has a
// workflow an earlier run created. Deleting it would lose its webhook URL
// and its executions, and a rollback could not bring it back (its body is
// not kept: it may hold secret values); so the operator decides, in n8n or
// by archiving the campaign, and runs the re-apply again.
func removedWorkflows(in Input) []Problem {
	files := map[string]bool{}
	for _, f := range in.Version.Files {
		files[f] = true
	}
	var gone []string
	for f := range in.Workspace.Existing {
		if !files[f] {
			gone = append(gone, f)
		}
	}
	sort.Strings(gone)
	var probs []Problem
	for _, f := range gone {
		ex := in.Workspace.Existing[f]
		probs = append(probs, Problem{Workflow: f, Message: fmt.Sprintf("blueprint %s v%d no longer has this workflow, which campaign %q holds (n8n workflow %s): a re-apply does not delete a live workflow; delete it in n8n and archive the campaign, or apply a version that keeps it", in.Version.Blueprint, in.Version.Number, ex.Campaign, ex.ID)})
	}
	return probs
}

// LiveDiff is the node-level difference between a workflow as it is live
// in n8n and what the plan would send in its place (the masked preview: a
// secret shows as [secret NAME]), by node and path: the changed values
// are left out, since the live side holds secrets. The applied body itself is not kept (it
// may hold secrets), so this is what an overwrite would change.
func (w WorkflowPlan) LiveDiff(live []byte) (*blueprint.WorkflowDiff, error) {
	norm, err := blueprint.Normalise("workflow", live)
	if err != nil {
		return nil, fmt.Errorf("workflow %s as live in n8n: %w", w.File, err)
	}
	// Compare matches workflows by name: compare under the live name.
	var named struct {
		Name string `json:"name"`
	}
	_ = json.Unmarshal(norm, &named)
	// Against what would be sent, secrets and all: the masked preview
	// would differ from n8n at every secret (the values are blanked below).
	sent, err := w.Body(nil)
	if err != nil {
		sent = w.Preview // a credential still to be created: no real body yet
	}
	prev, err := decodeJSON(sent)
	if err != nil {
		return nil, fmt.Errorf("workflow %s: %w", w.File, err)
	}
	prev["name"] = named.Name
	pb, err := encodeJSON(prev)
	if err != nil {
		return nil, err
	}
	d, err := blueprint.Compare([]json.RawMessage{norm}, []json.RawMessage{pb})
	if err != nil {
		return nil, fmt.Errorf("workflow %s: %w", w.File, err)
	}
	if len(d.Changed) != 1 {
		return nil, nil
	}
	// Paths only: the live side holds the secret values the preview
	// masks, and this diff reaches screens and the wizard.
	wd := d.Changed[0]
	for i := range wd.Nodes {
		for j := range wd.Nodes[i].Paths {
			wd.Nodes[i].Paths[j].From, wd.Nodes[i].Paths[j].To = "", ""
		}
	}
	return &wd, nil
}
