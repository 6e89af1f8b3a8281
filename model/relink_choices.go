package model

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/godmode-console/godmode/n8n"
)

// ActionNameRelinkChoices names a refused read of a campaign's re-link
// choices in the audit trail (the read itself is not recorded).
const ActionNameRelinkChoices = "campaign.relink_choices"

// MaxRelinkChoices bounds the workflows offered for one re-link: a pick
// list longer than this is no help, and the operator has the CLI.
const MaxRelinkChoices = 200

// WorkflowChoice is a workflow of a campaign's instance that no campaign
// owns: one it could be re-linked to.
type WorkflowChoice struct {
	ID     string
	Name   string
	Active bool
	// Tagged says the workflow carries the campaign's workspace tag
	// (ws:SLUG): those come first.
	Tagged bool
}

// RelinkChoices lists, from n8n, the workflows campaign name of workspace
// slug could be re-linked to: those of its instance no campaign owns and
// n8n has not archived, the ones tagged for the workspace first, then by
// name; at most MaxRelinkChoices. Super admins only, as Relink; a refusal
// is audited.
func (c *Console) RelinkChoices(ctx context.Context, actor Actor, slug, name string) ([]WorkflowChoice, error) {
	camp, cl, fail, err := c.onboardingCampaign(ctx, actor, ActionNameRelinkChoices, slug, name, nil)
	if err != nil {
		return nil, err
	}
	var out []WorkflowChoice
	cursor := ""
	for page := 1; ; page++ {
		if page > maxWorkflowPages {
			return nil, fail(fmt.Errorf("listing workflows: more than %d pages; the cursor may loop", maxWorkflowPages))
		}
		rctx, cancel := c.readBound(ctx)
		p, err := cl.ListWorkflows(rctx, n8n.WorkflowFilter{Limit: n8n.MaxPageSize}, cursor)
		cancel()
		if err != nil {
			return nil, fail(fmt.Errorf("listing the workflows of campaign %s/%s's instance, page %d: %w", slug, name, page, err))
		}
		for _, wf := range p.Data {
			if wf.IsArchived || wf.ID == camp.N8nWorkflowID {
				continue
			}
			switch _, err := c.store.CampaignByWorkflow(ctx, camp.InstanceID, wf.ID); {
			case err == nil:
				continue // owned
			case !errors.Is(err, ErrNotFound):
				return nil, fail(err)
			}
			out = append(out, WorkflowChoice{ID: wf.ID, Name: strings.TrimSpace(wf.Name), Active: wf.Active, Tagged: TaggedFor(wf, slug)})
		}
		if cursor = p.Next(); cursor == "" || len(p.Data) == 0 {
			break
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Tagged != out[j].Tagged {
			return out[i].Tagged
		}
		return out[i].Name < out[j].Name
	})
	if len(out) > MaxRelinkChoices {
		out = out[:MaxRelinkChoices]
	}
	return out, nil
}
