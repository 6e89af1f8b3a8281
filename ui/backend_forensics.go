package ui

import (
	"context"

	"github.com/godmode-console/godmode/model"
	"github.com/godmode-console/godmode/ui/views/search"
)

// forensicsBackend is what the forensics screen asks beside an
// execution's own data: an execution another links to (enter on a
// sub-execution, u to the parent), and the search that finds executions
// by their data; Backend embeds it.
type forensicsBackend interface {
	LinkedExecution(ctx context.Context, actor model.Actor, instanceID int64, executionID string) (model.ExecutionTarget, []byte, error)
	// The search of a campaign's executions' data ("/data:TEXT").
	search.Backend
}
