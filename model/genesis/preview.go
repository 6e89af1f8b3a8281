package genesis

import (
	"encoding/json"
	"fmt"

	"github.com/godmode-console/godmode/model/blueprint"
)

// WorkflowChanges is what rendering changed in one workflow, node by node,
// from the blueprint's text to the masked preview (so a secret shows as
// [secret NAME], never as itself).
type WorkflowChanges struct {
	File     string
	From, To string // the workflow's name in the blueprint and once prefixed
	Diff     *blueprint.WorkflowDiff
}

// Changes compares each planned workflow's preview with the version's
// workflow it came from, with the vault's node-level diff.
func (pl *Plan) Changes(v Version) ([]WorkflowChanges, error) {
	if len(v.Workflows) != len(pl.Workflows) {
		return nil, fmt.Errorf("the plan has %d workflows, the version %d", len(pl.Workflows), len(v.Workflows))
	}
	var out []WorkflowChanges
	for i, w := range pl.Workflows {
		var named struct {
			Name string `json:"name"`
		}
		if err := json.Unmarshal(v.Workflows[i], &named); err != nil {
			return nil, fmt.Errorf("workflow %s: %w", w.File, err)
		}
		// The diff matches workflows by name: compare the preview under
		// the blueprint's name, and report the rename apart.
		prev, err := decodeJSON(w.Preview)
		if err != nil {
			return nil, fmt.Errorf("workflow %s: %w", w.File, err)
		}
		prev["name"] = named.Name
		pb, err := encodeJSON(prev)
		if err != nil {
			return nil, err
		}
		d, err := blueprint.Compare([]json.RawMessage{v.Workflows[i]}, []json.RawMessage{pb})
		if err != nil {
			return nil, fmt.Errorf("workflow %s: %w", w.File, err)
		}
		c := WorkflowChanges{File: w.File, From: named.Name, To: w.Name}
		if len(d.Changed) == 1 {
			c.Diff = &d.Changed[0]
		}
		out = append(out, c)
	}
	return out, nil
}
