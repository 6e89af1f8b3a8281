package forensics

import (
	"context"

	"github.com/godmode-console/godmode/model"
)

// Backend is the part of ui.Backend this view calls, always from a tea.Cmd.
type Backend interface {
	ExecutionData(ctx context.Context, actor model.Actor, campaignID int64, executionID string) ([]byte, error)
	Retry(ctx context.Context, actor model.Actor, campaignID int64, executionID string, loadWorkflow bool) (model.Execution, error)
	FindRetry(ctx context.Context, campaignID int64, originalID string) (*model.Execution, error)
	// MayRetry records a retry refused at the key press (the model decides
	// and keeps every attempt on the record).
	MayRetry(ctx context.Context, actor model.Actor, campaignID int64, executionID string) error
	// LinkedExecution opens an execution the shown one links to (a
	// sub-execution, the parent, the failed execution of an Error
	// Trigger), authorised for its own workspace.
	LinkedExecution(ctx context.Context, actor model.Actor, instanceID int64, executionID string) (model.ExecutionTarget, []byte, error)
}
