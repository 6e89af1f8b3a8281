package uitest

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/godmode-console/godmode/model"
)

// forensicsState is the execution data the backend serves and how its
// retries end.
type forensicsState struct {
	data map[string][]byte // execution id → its JSON with run data
	// retryStatus is the status a retry ends with ("" : error, as a retry
	// of a failing execution that nothing fixed).
	retryStatus string
	// retryGate, when set, holds every retry until it can receive.
	retryGate chan struct{}
}

// SetExecutionData gives an execution (added with AddExecution) the JSON
// the forensics screen opens.
func (b *Backend) SetExecutionData(id string, raw []byte) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.forensics.data == nil {
		b.forensics.data = map[string][]byte{}
	}
	b.forensics.data[id] = raw
}

// SetRetryOutcome says how retries end ("success", "error", "running").
func (b *Backend) SetRetryOutcome(status string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.forensics.retryStatus = status
}

// SetRetryGate holds retries until gate can receive (nil: none held).
func (b *Backend) SetRetryGate(gate chan struct{}) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.forensics.retryGate = gate
}

// ExecutionData implements ui.Backend the way model.Console does: refuse
// an actor outside the workspace before reading anything, refuse an
// execution of another campaign, and say when it is gone.
func (b *Backend) ExecutionData(ctx context.Context, actor model.Actor, campaignID int64, executionID string) ([]byte, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.called("ExecutionData")
	c := b.campaign(campaignID)
	if c == nil {
		return nil, fmt.Errorf("campaign %d: %w", campaignID, model.ErrNotFound)
	}
	if err := model.Authorize(actor, model.ActionViewExecutions, c.WorkspaceID); err != nil {
		return nil, err
	}
	e := b.execution(campaignID, executionID)
	raw, ok := b.forensics.data[executionID]
	if e == nil || !ok {
		if other := b.anyExecution(executionID); other != nil && other.CampaignID != campaignID {
			return nil, fmt.Errorf("%w: execution %s ran workflow %s, campaign %q is workflow %s",
				model.ErrWrongCampaign, executionID, other.WorkflowID, c.Name, c.N8nWorkflowID)
		}
		return nil, fmt.Errorf("execution %s no longer exists in n8n (deleted, or pruned by n8n's execution retention): %w", executionID, model.ErrGone)
	}
	return raw, nil
}

// Retry implements ui.Backend: authorised, audited, and the new execution
// carries retryOf and the original's data.
func (b *Backend) Retry(ctx context.Context, actor model.Actor, campaignID int64, executionID string, loadWorkflow bool) (model.Execution, error) {
	b.mu.Lock()
	b.called("Retry")
	gate := b.forensics.retryGate
	b.mu.Unlock()
	if gate != nil {
		select {
		case <-gate:
		case <-ctx.Done():
			return model.Execution{}, ctx.Err()
		}
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	c := b.campaign(campaignID)
	if c == nil {
		return model.Execution{}, fmt.Errorf("campaign %d: %w", campaignID, model.ErrNotFound)
	}
	ws, id := c.WorkspaceID, c.ID
	entry := model.AuditEntry{ID: int64(len(b.audit) + 1), At: b.Now(), ActorName: actor.Name, KeyFingerprint: actor.KeyFingerprint,
		Action: "retry", WorkspaceID: &ws, CampaignID: &id, Before: []byte(`{"execution":"` + executionID + `"}`)}
	if err := b.refusal(actor, model.ActionRetry, c.WorkspaceID); err != nil {
		entry.Outcome, entry.Error = model.OutcomeFailed, err.Error()
		b.audit = append(b.audit, entry)
		return model.Execution{}, err
	}
	orig := b.execution(campaignID, executionID)
	if orig == nil {
		return model.Execution{}, fmt.Errorf("execution %s no longer exists in n8n: %w", executionID, model.ErrGone)
	}
	next := *orig
	next.ID = strconv.Itoa(b.maxExecutionID() + 1)
	next.Mode, next.RetryOf, next.RetryID = "retry", executionID, ""
	next.Status = b.forensics.retryStatus
	if next.Status == "" {
		next.Status = "error"
	}
	next.StartedAt = b.Now()
	stop := next.StartedAt.Add(1200 * time.Millisecond)
	next.StoppedAt = &stop
	b.executions[campaignID] = append(b.executions[campaignID], next)
	if raw, ok := b.forensics.data[executionID]; ok {
		b.forensics.data[next.ID] = retryData(raw, next)
	}
	entry.Outcome = model.OutcomeOK
	entry.After = []byte(`{"execution":"` + next.ID + `","load_workflow":` + strconv.FormatBool(loadWorkflow) + `}`)
	b.audit = append(b.audit, entry)
	return next, nil
}

// MayRetry implements ui.Backend like model.Console: a refusal leaves a
// failed audit row, an allowance nothing.
func (b *Backend) MayRetry(ctx context.Context, actor model.Actor, campaignID int64, executionID string) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.called("MayRetry")
	c := b.campaign(campaignID)
	if c == nil {
		return fmt.Errorf("campaign %d: %w", campaignID, model.ErrNotFound)
	}
	err := b.refusal(actor, model.ActionRetry, c.WorkspaceID)
	if err != nil {
		ws, id := c.WorkspaceID, c.ID
		b.audit = append(b.audit, model.AuditEntry{ID: int64(len(b.audit) + 1), At: b.Now(), ActorName: actor.Name,
			Action: "retry", WorkspaceID: &ws, CampaignID: &id, Before: []byte(`{"execution":"` + executionID + `"}`),
			Outcome: model.OutcomeFailed, Error: err.Error()})
	}
	return err
}

// FinishExecution changes an execution's status, as n8n does when a
// running one ends.
func (b *Backend) FinishExecution(id, status string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for cid, es := range b.executions {
		for i := range es {
			if es[i].ID == id {
				b.executions[cid][i].Status = status
			}
		}
	}
}

// FindRetry implements ui.Backend: the newest execution retrying originalID.
func (b *Backend) FindRetry(ctx context.Context, campaignID int64, originalID string) (*model.Execution, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.called("FindRetry")
	es := slices.Clone(b.executions[campaignID])
	slices.SortFunc(es, func(a, c model.Execution) int { return c.StartedAt.Compare(a.StartedAt) })
	for _, e := range es {
		if e.RetryOf == originalID {
			return &e, nil
		}
	}
	return nil, nil
}

func (b *Backend) execution(campaignID int64, id string) *model.Execution {
	for i, e := range b.executions[campaignID] {
		if e.ID == id {
			return &b.executions[campaignID][i]
		}
	}
	return nil
}

func (b *Backend) anyExecution(id string) *model.Execution {
	for cid := range b.executions {
		if e := b.execution(cid, id); e != nil {
			return e
		}
	}
	return nil
}

func (b *Backend) maxExecutionID() int {
	n := 0
	for _, es := range b.executions {
		for _, e := range es {
			if v, err := strconv.Atoi(e.ID); err == nil && v > n {
				n = v
			}
		}
	}
	return n
}

// retryData is the original's JSON under the retry's id, mode, status and
// retryOf (raw itself when it is not an object).
func retryData(raw []byte, next model.Execution) []byte {
	var top map[string]json.RawMessage
	if json.Unmarshal(raw, &top) != nil {
		return raw
	}
	for k, v := range map[string]string{"id": next.ID, "mode": next.Mode, "status": next.Status, "retryOf": next.RetryOf} {
		top[k], _ = json.Marshal(v)
	}
	out, err := json.Marshal(top)
	if err != nil {
		return raw
	}
	return out
}
