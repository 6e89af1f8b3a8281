package model

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"time"

	"github.com/godmode-console/godmode/n8n"
)

// DefaultProvisionCalls is how many n8n calls the provisioning runs of one
// process may have in flight to one instance at once. Four leaves half of
// the n8n client's eight request slots to the console's reads and toggles
// of that instance, so a hundred workspaces provisioned at once do not turn
// its panes "not answering"; and n8n writes each create to its own
// database one at a time, so more would queue there, not go faster.
const DefaultProvisionCalls = 4

// callLimits holds one semaphore per instance, shared by every run of the
// process (a Console's clients), so the bound is per instance, not per run.
type callLimits struct {
	mu   sync.Mutex
	n    int // slots per instance; 0 until first use (then the default)
	byID map[int64]chan struct{}
}

func (l *callLimits) of(instanceID int64) chan struct{} {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.n <= 0 {
		l.n = DefaultProvisionCalls
	}
	s, ok := l.byID[instanceID]
	if !ok {
		if l.byID == nil {
			l.byID = map[int64]chan struct{}{}
		}
		s = make(chan struct{}, l.n)
		l.byID[instanceID] = s
	}
	return s
}

// limited wraps an instance's client so a provisioning run's calls take one
// of the instance's slots.
func (c *clients) limited(instanceID int64, pc ProvisionN8n) ProvisionN8n {
	return limitedN8n{c: pc, slots: c.limits.of(instanceID)}
}

// limitedN8n is a ProvisionN8n whose every call waits for a free slot of
// its instance, or gives up when ctx ends (Ctrl-C, a deadline).
type limitedN8n struct {
	c     ProvisionN8n
	slots chan struct{}
}

func (l limitedN8n) acquire(ctx context.Context) error {
	// A context already over gets no slot, even when one is free: select
	// would pick between the two at random.
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("waiting for a free n8n call slot: %w", err)
	}
	select {
	case l.slots <- struct{}{}:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("waiting for a free n8n call slot: %w", ctx.Err())
	}
}

func (l limitedN8n) release() { <-l.slots }

// limit runs one call in a slot.
func limit[T any](ctx context.Context, l limitedN8n, f func() (T, error)) (T, error) {
	if err := l.acquire(ctx); err != nil {
		var zero T
		return zero, err
	}
	defer l.release()
	return f()
}

func (l limitedN8n) GetWorkflow(ctx context.Context, id string) (n8n.Workflow, error) {
	return limit(ctx, l, func() (n8n.Workflow, error) { return l.c.GetWorkflow(ctx, id) })
}
func (l limitedN8n) Activate(ctx context.Context, id string) (n8n.Workflow, error) {
	return limit(ctx, l, func() (n8n.Workflow, error) { return l.c.Activate(ctx, id) })
}
func (l limitedN8n) Deactivate(ctx context.Context, id string) (n8n.Workflow, error) {
	return limit(ctx, l, func() (n8n.Workflow, error) { return l.c.Deactivate(ctx, id) })
}
func (l limitedN8n) ListWorkflows(ctx context.Context, f n8n.WorkflowFilter, cursor string) (n8n.Page[n8n.Workflow], error) {
	return limit(ctx, l, func() (n8n.Page[n8n.Workflow], error) { return l.c.ListWorkflows(ctx, f, cursor) })
}
func (l limitedN8n) ListExecutions(ctx context.Context, f n8n.ExecutionFilter, cursor string) (n8n.Page[n8n.Execution], error) {
	return limit(ctx, l, func() (n8n.Page[n8n.Execution], error) { return l.c.ListExecutions(ctx, f, cursor) })
}
func (l limitedN8n) GetExecutionInfo(ctx context.Context, id string) (n8n.Execution, error) {
	return limit(ctx, l, func() (n8n.Execution, error) { return l.c.GetExecutionInfo(ctx, id) })
}
func (l limitedN8n) GetExecution(ctx context.Context, id string, includeData bool) ([]byte, error) {
	return limit(ctx, l, func() ([]byte, error) { return l.c.GetExecution(ctx, id, includeData) })
}
func (l limitedN8n) RetryExecution(ctx context.Context, id string, loadWorkflow bool) (n8n.Execution, error) {
	return limit(ctx, l, func() (n8n.Execution, error) { return l.c.RetryExecution(ctx, id, loadWorkflow) })
}
func (l limitedN8n) ProbeCapabilities(ctx context.Context) (n8n.Capabilities, error) {
	return limit(ctx, l, func() (n8n.Capabilities, error) { return l.c.ProbeCapabilities(ctx) })
}

// WaitRegistered takes no slot: it is a wait of up to limit, polling the
// webhook rather than the API, and holding a slot through it would stall
// the instance's other runs for its whole length.
func (l limitedN8n) WaitRegistered(ctx context.Context, h n8n.WebhookNode, limit time.Duration) error {
	return l.c.WaitRegistered(ctx, h, limit)
}

func (l limitedN8n) CreateCredential(ctx context.Context, cr n8n.Credential) (n8n.CredentialInfo, error) {
	return limit(ctx, l, func() (n8n.CredentialInfo, error) { return l.c.CreateCredential(ctx, cr) })
}
func (l limitedN8n) ListCredentials(ctx context.Context, n int, cursor string) (n8n.Page[n8n.CredentialInfo], error) {
	return limit(ctx, l, func() (n8n.Page[n8n.CredentialInfo], error) { return l.c.ListCredentials(ctx, n, cursor) })
}
func (l limitedN8n) DeleteCredential(ctx context.Context, id string) error {
	_, err := limit(ctx, l, func() (struct{}, error) { return struct{}{}, l.c.DeleteCredential(ctx, id) })
	return err
}
func (l limitedN8n) CredentialSchema(ctx context.Context, typ string) (json.RawMessage, error) {
	return limit(ctx, l, func() (json.RawMessage, error) { return l.c.CredentialSchema(ctx, typ) })
}
func (l limitedN8n) CreateWorkflow(ctx context.Context, w n8n.Workflow) (n8n.Workflow, error) {
	return limit(ctx, l, func() (n8n.Workflow, error) { return l.c.CreateWorkflow(ctx, w) })
}
func (l limitedN8n) UpdateWorkflow(ctx context.Context, id string, w n8n.Workflow) (n8n.Workflow, error) {
	return limit(ctx, l, func() (n8n.Workflow, error) { return l.c.UpdateWorkflow(ctx, id, w) })
}
func (l limitedN8n) DeleteWorkflow(ctx context.Context, id string) (n8n.Workflow, error) {
	return limit(ctx, l, func() (n8n.Workflow, error) { return l.c.DeleteWorkflow(ctx, id) })
}
func (l limitedN8n) Tags(ctx context.Context) ([]n8n.Tag, error) {
	return limit(ctx, l, func() ([]n8n.Tag, error) { return l.c.Tags(ctx) })
}
func (l limitedN8n) CreateTag(ctx context.Context, name string) (n8n.Tag, error) {
	return limit(ctx, l, func() (n8n.Tag, error) { return l.c.CreateTag(ctx, name) })
}
func (l limitedN8n) DeleteTag(ctx context.Context, id string) error {
	_, err := limit(ctx, l, func() (struct{}, error) { return struct{}{}, l.c.DeleteTag(ctx, id) })
	return err
}
func (l limitedN8n) SetWorkflowTags(ctx context.Context, id string, tagIDs []string) ([]n8n.Tag, error) {
	return limit(ctx, l, func() ([]n8n.Tag, error) { return l.c.SetWorkflowTags(ctx, id, tagIDs) })
}
