package uitest

import (
	"context"

	"github.com/godmode-console/godmode/model"
)

// LinkedExecution is the model's, counted.
func (b *Backend) LinkedExecution(ctx context.Context, actor model.Actor, instanceID int64, executionID string) (model.ExecutionTarget, []byte, error) {
	b.calls.add("LinkedExecution")
	return b.ActorConsole.LinkedExecution(ctx, actor, instanceID, executionID)
}
