package model

import (
	"context"
	"fmt"

	"github.com/godmode-console/godmode/model/genesis"
	"github.com/godmode-console/godmode/n8n"
)

// InstanceWebhooks is genesis's WebhookLister over one n8n instance: the
// webhook paths of every workflow on it, active or not (an inactive
// workflow takes its path when activated, and n8n refuses the second
// activation, not the create).
type InstanceWebhooks struct{ N8n N8n }

// TakenWebhooks pages through the instance's workflows, at most
// maxWorkflowPages pages like sync, since a cursor may loop.
func (w InstanceWebhooks) TakenWebhooks(ctx context.Context) ([]genesis.TakenWebhook, error) {
	var out []genesis.TakenWebhook
	cursor := ""
	seen := map[string]bool{}
	for page := 1; ; page++ {
		if page > maxWorkflowPages {
			return nil, fmt.Errorf("listing workflows for their webhook paths: more than %d pages; the cursor may loop", maxWorkflowPages)
		}
		p, err := w.N8n.ListWorkflows(ctx, n8n.WorkflowFilter{Limit: n8n.MaxPageSize}, cursor)
		if err != nil {
			return nil, fmt.Errorf("listing workflows for their webhook paths, page %d: %w", page, err)
		}
		for _, wf := range p.Data {
			if seen[wf.ID] {
				continue // offset paging repeats a workflow when one is created meanwhile
			}
			seen[wf.ID] = true
			for _, n := range wf.Nodes {
				if ms, path, ok := genesis.WebhookOf(n.Type, n.Parameters); ok {
					out = append(out, genesis.TakenWebhook{WorkflowID: wf.ID, WorkflowName: wf.Name, Node: n.Name, Methods: ms, Path: path})
				}
			}
		}
		if cursor = p.Next(); cursor == "" || len(p.Data) == 0 {
			return out, nil
		}
	}
}
