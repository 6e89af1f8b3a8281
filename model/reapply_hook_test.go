package model

import "context"

// SetReapplyCore stands in for the re-apply core in tests (it is not on
// this branch); the returned func puts the real one back.
func SetReapplyCore(f func(ctx context.Context, c *Console, actor Actor, req ProvisionRequest) (ProvisionResult, error)) func() {
	old := reapplyCore
	reapplyCore = f
	return func() { reapplyCore = old }
}
