package uitest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/godmode-console/godmode/model"
)

// Backend is a fake ui.Backend. Its exported knobs may be changed between
// calls; every method locks, so screens may call it from tea.Cmds.
type Backend struct {
	mu sync.Mutex

	Now         func() time.Time
	HealthValue model.Health

	// Fail* make the next calls fail with that error until cleared.
	FailWorkspaces error
	FailCampaigns  error
	FailExecutions error

	// ToggleErr maps a campaign id to the error n8n answers with; the
	// toggle then ends OutcomeFailed and the campaign keeps its status.
	ToggleErr map[int64]error
	// ToggleGate, when set, holds every Toggle until it can receive, so a
	// test can look at the screen while the toggle is in flight.
	ToggleGate chan struct{}
	// ReadOnly refuses every change, as a read-only model.Console does,
	// recording each refusal.
	ReadOnly bool

	instances  []model.InstanceHealth
	workspaces []model.Workspace
	campaigns  []model.Campaign
	executions map[int64][]model.Execution
	audit      []model.AuditEntry
	drift      driftState // findings and the change feed (drift.go)
	forensics  forensicsState

	calls map[string]int
}

// New returns an empty backend whose clock is now.
func New(now func() time.Time) *Backend {
	return &Backend{
		Now:        now,
		ToggleErr:  map[int64]error{},
		executions: map[int64][]model.Execution{},
		calls:      map[string]int{},
		HealthValue: model.Health{
			Context: "demo", DBOK: true, N8nOK: true, N8nKnown: true, DriftKnown: true,
		},
	}
}

// Calls returns how many times the named method ran.
func (b *Backend) Calls(method string) int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.calls[method]
}

func (b *Backend) called(method string) {
	b.calls[method]++
}

// AddInstance, AddWorkspace, AddCampaign and AddExecution build the fleet.
func (b *Backend) AddInstance(in model.Instance) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.instances = append(b.instances, model.InstanceHealth{Instance: in})
}

func (b *Backend) AddWorkspace(w model.Workspace) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.workspaces = append(b.workspaces, w)
}

func (b *Backend) AddCampaign(c model.Campaign) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.campaigns = append(b.campaigns, c)
}

func (b *Backend) AddExecution(e model.Execution) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.executions[e.CampaignID] = append(b.executions[e.CampaignID], e)
}

// SetCampaignStatus changes a campaign as if someone did it elsewhere (a
// drift, another admin).
func (b *Backend) SetCampaignStatus(id int64, s model.CampaignStatus) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if c := b.campaign(id); c != nil {
		c.Status = s
	}
}

// Campaign returns the stored campaign.
func (b *Backend) Campaign(id int64) (model.Campaign, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if c := b.campaign(id); c != nil {
		return *c, true
	}
	return model.Campaign{}, false
}

// AuditEntries returns the trail recorded so far.
func (b *Backend) AuditEntries() []model.AuditEntry {
	b.mu.Lock()
	defer b.mu.Unlock()
	return slices.Clone(b.audit)
}

func (b *Backend) campaign(id int64) *model.Campaign {
	for i := range b.campaigns {
		if b.campaigns[i].ID == id {
			return &b.campaigns[i]
		}
	}
	return nil
}

func (b *Backend) workspace(id int64) *model.Workspace {
	for i := range b.workspaces {
		if b.workspaces[i].ID == id {
			return &b.workspaces[i]
		}
	}
	return nil
}

// Health implements ui.Backend the way model.Console does: HealthValue
// with the instances counted from their recorded health, and nothing known
// of n8n or drift while Postgres (DBOK) is down.
func (b *Backend) Health(ctx context.Context) model.Health {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.called("Health")
	h := b.HealthValue
	if !h.DBOK {
		h.N8nKnown, h.N8nOK, h.DriftKnown, h.DriftCount = false, false, false, 0
		return h
	}
	insts := make([]model.Instance, 0, len(b.instances))
	for _, in := range b.instances {
		insts = append(insts, in.Instance)
	}
	h.CountInstances(insts)
	return h
}

// SetInstanceHealth records an instance's last call as the model would:
// up, or down since a time with an error.
func (b *Backend) SetInstanceHealth(id int64, up bool, since time.Time, lastErr string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for i := range b.instances {
		in := &b.instances[i]
		if in.ID != id {
			continue
		}
		in.Healthy, in.LastError, in.DownSince = &up, "", nil
		if !up {
			in.LastError, in.DownSince = lastErr, &since
		}
		at := b.Now()
		in.LastCheckedAt = &at
	}
}

// Workspaces implements ui.Backend.
func (b *Backend) Workspaces(ctx context.Context) ([]model.WorkspaceSummary, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.called("Workspaces")
	if b.FailWorkspaces != nil {
		return nil, b.FailWorkspaces
	}
	names := map[int64]string{}
	reach := map[int64]model.Reach{}
	for _, in := range b.instances {
		names[in.ID] = in.Name
		reach[in.ID] = in.Reach()
	}
	out := make([]model.WorkspaceSummary, 0, len(b.workspaces))
	for _, w := range b.workspaces {
		s := model.WorkspaceSummary{Workspace: w, CampaignCounts: map[model.CampaignStatus]int{}}
		if w.InstanceID != nil {
			s.InstanceName = names[*w.InstanceID]
			s.InstanceReach = reach[*w.InstanceID]
		}
		for _, c := range b.campaigns {
			if c.WorkspaceID == w.ID {
				s.Campaigns++
				s.CampaignCounts[c.Status]++
				s.Failures24h += c.Failures24h
			}
		}
		out = append(out, s)
	}
	return out, nil
}

// Campaigns implements ui.Backend.
func (b *Backend) Campaigns(ctx context.Context, workspaceID int64) ([]model.Campaign, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.called("Campaigns")
	if b.FailCampaigns != nil {
		return nil, b.FailCampaigns
	}
	var out []model.Campaign
	for _, c := range b.campaigns {
		if c.WorkspaceID == workspaceID {
			out = append(out, c)
		}
	}
	return out, nil
}

// Executions implements ui.Backend; newest first like n8n.
func (b *Backend) Executions(ctx context.Context, campaignID int64, status string) ([]model.Execution, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.called("Executions")
	if b.FailExecutions != nil {
		return nil, b.FailExecutions
	}
	// A down instance cannot list executions, as with the real n8n.
	if c := b.campaign(campaignID); c != nil {
		for _, in := range b.instances {
			if in.ID == c.InstanceID && in.Reach().Down() {
				return nil, fmt.Errorf("n8n instance %s: %s", in.Name, in.LastError)
			}
		}
	}
	var out []model.Execution
	for _, e := range b.executions[campaignID] {
		if status == "" || e.Status == status {
			out = append(out, e)
		}
	}
	slices.SortFunc(out, func(a, c model.Execution) int { return c.StartedAt.Compare(a.StartedAt) })
	return out, nil
}

// Toggle implements ui.Backend the way model.Console does: refuse what the
// actor may not do, noop when already there, fail with n8n's reason.
func (b *Backend) Toggle(ctx context.Context, actor model.Actor, campaignID int64, want model.CampaignStatus) model.ToggleResult {
	b.mu.Lock()
	b.called("Toggle")
	gate := b.ToggleGate
	b.mu.Unlock()
	if gate != nil {
		select {
		case <-gate:
		case <-ctx.Done():
		}
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	c := b.campaign(campaignID)
	if c == nil {
		return model.ToggleResult{Outcome: model.OutcomeFailed, Err: fmt.Errorf("campaign %d does not exist", campaignID)}
	}
	before := c.Status
	res := model.ToggleResult{}
	switch err := b.refusal(actor, model.ActionToggle, c.WorkspaceID); {
	case err != nil:
		res.Outcome, res.Err = model.OutcomeFailed, err
	case ctx.Err() != nil:
		res.Outcome, res.Err = model.OutcomeFailed, fmt.Errorf("n8n did not answer in time: %w", ctx.Err())
	case b.ToggleErr[campaignID] != nil:
		res.Outcome, res.Err = model.OutcomeFailed, b.ToggleErr[campaignID]
	case c.Status == want:
		res.Outcome = model.OutcomeNoop
	default:
		c.Status = want
		c.Version++
		res.Outcome = model.OutcomeOK
	}
	res.Campaign = *c
	ws := c.WorkspaceID
	id := c.ID
	e := model.AuditEntry{
		ID: int64(len(b.audit) + 1), At: b.Now(), ActorName: actor.Name, KeyFingerprint: actor.KeyFingerprint,
		Action: "toggle", WorkspaceID: &ws, CampaignID: &id,
		Before: []byte(`{"status":"` + string(before) + `"}`), After: []byte(`{"status":"` + string(c.Status) + `"}`),
		Outcome: res.Outcome,
	}
	if res.Err != nil {
		e.Error = res.Err.Error()
	}
	b.audit = append(b.audit, e)
	return res
}

// refusal is what the model checks before any change: the session's
// read-only switch, then the actor's right.
func (b *Backend) refusal(actor model.Actor, a model.Action, workspaceID int64) error {
	if b.ReadOnly {
		return fmt.Errorf("%w: this session is read-only", model.ErrForbidden)
	}
	return model.Authorize(actor, a, workspaceID)
}

// Freeze implements ui.Backend.
func (b *Backend) Freeze(ctx context.Context, actor model.Actor, workspaceID int64, reason string) error {
	return b.setFrozen(actor, workspaceID, reason, true)
}

// Unfreeze implements ui.Backend.
func (b *Backend) Unfreeze(ctx context.Context, actor model.Actor, workspaceID int64, reason string) error {
	return b.setFrozen(actor, workspaceID, reason, false)
}

func (b *Backend) setFrozen(actor model.Actor, workspaceID int64, reason string, freeze bool) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	action := "unfreeze"
	if freeze {
		action = "freeze"
	}
	b.called(strings.ToUpper(action[:1]) + action[1:])
	if err := b.refusal(actor, model.ActionFreeze, workspaceID); err != nil {
		b.audit = append(b.audit, model.AuditEntry{ID: int64(len(b.audit) + 1), At: b.Now(), ActorName: actor.Name, Action: action,
			WorkspaceID: &workspaceID, Outcome: model.OutcomeFailed, Error: err.Error()})
		return err
	}
	w := b.workspace(workspaceID)
	if w == nil {
		return fmt.Errorf("workspace %d does not exist", workspaceID)
	}
	if strings.TrimSpace(reason) == "" {
		return errors.New("a reason is required")
	}
	now := b.Now()
	if freeze {
		w.Status, w.FreezeReason, w.FrozenAt = model.WorkspaceSuspended, reason, &now
		for i := range b.campaigns {
			if b.campaigns[i].WorkspaceID == workspaceID && b.campaigns[i].Status == model.CampaignActive {
				b.campaigns[i].Status = model.CampaignPaused
			}
		}
	} else {
		w.Status, w.FreezeReason, w.FrozenAt = model.WorkspaceActive, "", nil
	}
	b.audit = append(b.audit, model.AuditEntry{
		ID: int64(len(b.audit) + 1), At: now, ActorName: actor.Name, Action: action,
		WorkspaceID: &workspaceID, Outcome: model.OutcomeOK, After: []byte(`{"reason":` + fmt.Sprintf("%q", reason) + `}`),
	})
	return nil
}

// Audit implements ui.Backend; newest first.
func (b *Backend) Audit(ctx context.Context, f model.AuditFilter) ([]model.AuditEntry, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.called("Audit")
	var out []model.AuditEntry
	for i := len(b.audit) - 1; i >= 0; i-- {
		e := b.audit[i]
		if f.WorkspaceID != nil && (e.WorkspaceID == nil || *e.WorkspaceID != *f.WorkspaceID) {
			continue
		}
		if f.Actor != "" && e.ActorName != f.Actor {
			continue
		}
		if f.Outcome != "" && e.Outcome != f.Outcome {
			continue
		}
		if f.Before != nil && !e.At.Before(*f.Before) {
			continue
		}
		out = append(out, e)
		if f.Limit > 0 && len(out) == f.Limit {
			break
		}
	}
	return out, nil
}

// AddAudit appends a ready-made entry (seed data).
func (b *Backend) AddAudit(e model.AuditEntry) {
	b.mu.Lock()
	defer b.mu.Unlock()
	e.ID = int64(len(b.audit) + 1)
	b.audit = append(b.audit, e)
}

// Instances implements ui.Backend.
func (b *Backend) Instances(ctx context.Context) ([]model.InstanceHealth, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.called("Instances")
	out := slices.Clone(b.instances)
	for i := range out {
		out[i].Workspaces = nil
		for _, w := range b.workspaces {
			if w.InstanceID != nil && *w.InstanceID == out[i].ID {
				out[i].Workspaces = append(out[i].Workspaces, w.Slug)
			}
		}
	}
	return out, nil
}
