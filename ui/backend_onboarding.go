package ui

import (
	"context"

	"github.com/godmode-console/godmode/model"
)

// onboardingBackend is what the campaigns pane asks for a campaign whose
// workflow is gone (L re-links it, X archives it); Backend embeds it.
type onboardingBackend interface {
	RelinkChoices(ctx context.Context, actor model.Actor, slug, name string) ([]model.WorkflowChoice, error)
	Relink(ctx context.Context, actor model.Actor, slug, name, workflowID string) (model.Campaign, error)
	Archive(ctx context.Context, actor model.Actor, slug, name string) (model.Campaign, error)
}
