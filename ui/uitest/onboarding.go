package uitest

import (
	"context"

	"github.com/godmode-console/godmode/model"
)

// RelinkChoices is the model's, counted.
func (b *Backend) RelinkChoices(ctx context.Context, actor model.Actor, slug, name string) ([]model.WorkflowChoice, error) {
	b.calls.add("RelinkChoices")
	return b.ActorConsole.RelinkChoices(ctx, actor, slug, name)
}

// Relink is the model's, counted.
func (b *Backend) Relink(ctx context.Context, actor model.Actor, slug, name, workflowID string) (model.Campaign, error) {
	b.calls.add("Relink")
	return b.ActorConsole.Relink(ctx, actor, slug, name, workflowID)
}

// Archive is the model's, counted.
func (b *Backend) Archive(ctx context.Context, actor model.Actor, slug, name string) (model.Campaign, error) {
	b.calls.add("Archive")
	return b.ActorConsole.Archive(ctx, actor, slug, name)
}
