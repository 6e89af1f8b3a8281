package model

import (
	"context"
	"encoding/json"
	"time"

	"github.com/godmode-console/godmode/n8n"
)

// SyncStore is what the sync loop needs of Postgres; db.Store implements
// it. It extends Store rather than growing it, so stores made before sync
// existed (and fakes) still satisfy Store.
type SyncStore interface {
	Store
	// InstanceCampaigns lists every campaign on an instance.
	InstanceCampaigns(ctx context.Context, instanceID int64) ([]Campaign, error)
	// InstanceWorkspaces lists the workspaces living on an instance, so an
	// unmanaged workflow's tag can name its workspace.
	InstanceWorkspaces(ctx context.Context, instanceID int64) ([]Workspace, error)
	// ExecutionWatermarks returns the newest execution read of each
	// workflow of an instance that has been backfilled; a workflow missing
	// from the map never was.
	ExecutionWatermarks(ctx context.Context, instanceID int64) (map[string]string, error)
	// InstanceSyncState says where the instance's last cycle stopped.
	InstanceSyncState(ctx context.Context, instanceID int64) (InstanceSyncState, error)
	// ApplySync writes one cycle's outcome in one transaction, only while
	// the lease still holds. Corrections are compare-and-set: a campaign
	// changed since the cycle read it is skipped, never overwritten.
	ApplySync(ctx context.Context, w SyncWrite) (SyncApplied, error)
	// SetInstanceCapabilities stores what a probe found the instance can
	// do, reporting whether it differs from what was stored.
	SetInstanceCapabilities(ctx context.Context, id int64, caps n8n.Capabilities) (changed bool, err error)
	// RecordSyncFailure notes a cycle that wrote nothing, and why.
	RecordSyncFailure(ctx context.Context, instanceID int64, leader, reason string, took time.Duration) error
	// PruneSync deletes one batch of the instance's executions and resolved
	// findings older than retention, only while the lease holds.
	PruneSync(ctx context.Context, p SyncPrune) (PruneCount, error)
	// SyncLeadership returns the leadership of a runner named name (shown
	// in sync_state.leader); the runner closes it when it stops.
	SyncLeadership(name string) SyncLeadership
}

// SyncLeadership decides which runner syncs which instance: one leader per
// instance across every process (a Postgres advisory lock), the others
// follow and try again each cycle.
type SyncLeadership interface {
	// Lead keeps the instances this runner already leads and tries to take
	// the others, returning a lease for each instance it leads now.
	Lead(ctx context.Context, instanceIDs []int64) (map[int64]SyncLease, error)
	// Release gives up the lead of one instance, so another runner can
	// take it on its next round.
	Release(ctx context.Context, instanceID int64) error
	// Close gives up every lead, so another runner takes over at once.
	Close()
}

// SyncLease proves leadership of one instance when writing. Token is the
// store's (the backend holding the lock); the model only passes it back.
type SyncLease struct {
	InstanceID int64
	Leader     string
	Token      int64
}

// InstanceSyncState is sync_state for one instance.
type InstanceSyncState struct {
	InstanceID      int64
	LastExecutionID string // newest execution read so far; "" before the first cycle
	LastCycleAt     *time.Time
	LastOKAt        *time.Time
	LastError       string
	LastCycle       time.Duration
	Leader          string
}

// SyncWrite is everything one cycle of one instance writes.
type SyncWrite struct {
	Lease       SyncLease
	At          time.Time
	Took        time.Duration
	Corrections []SyncCorrection
	// Findings are every finding true now. Open ones are upserted (one open
	// row per kind, workflow and campaign); Resolved ones (drift corrected
	// on the spot) are inserted already resolved; open rows of the
	// instance missing from this list are resolved.
	Findings []Finding
	// KeepOpen are campaigns this cycle did not judge (a toggle in flight):
	// their open findings stay as they are.
	KeepOpen []int64
	// Executions are new executions of the instance's campaigns.
	Executions []SyncExecution
	// LastExecutionID is the newest execution id read, for the next cycle.
	LastExecutionID string
	// Watermarks are the newest execution id stored per workflow this
	// cycle ("" for a workflow backfilled with nothing run): they never
	// move back.
	Watermarks map[string]string
	// FailuresSince bounds the failure count of the summaries (24 h back).
	FailuresSince time.Time
	// FindingRefresh: an unchanged open finding's last_seen_at moves at
	// most this often, so an instance with many unmanaged workflows does
	// not NOTIFY every console about every one of them each cycle.
	FindingRefresh time.Duration
	// Summaries are the failure summaries the cycle made (of executions
	// stored now or before); SummaryBudget the budget it ran with, kept
	// so consoles that do not sync can say it.
	Summaries     []FailureSummary
	SummaryBudget int
}

// SyncCorrection is one campaign whose Postgres row sync changes to what
// n8n says. Before is the row as read; the write applies only if the
// campaign's version and pending wish are still those of Before.
type SyncCorrection struct {
	Before    Campaign
	Status    CampaignStatus
	LastError string
	Action    string // audit action: sync.correct or sync.settle
	Reason    string // why, in words, for the audit trail
	// Finding is recorded (already resolved) when the correction applies;
	// nil when the correction is not drift (a stale wish settled to the
	// status Postgres already had).
	Finding *Finding
}

// SyncExecution is one execution row the cycle stores.
type SyncExecution struct {
	CampaignID int64
	ID         string
	Status     string
	Mode       string
	StartedAt  time.Time
	StoppedAt  *time.Time
	RetryOf    string
}

// SyncApplied is what the write did.
type SyncApplied struct {
	Corrected []Campaign // campaigns as written
	Skipped   []int64    // corrections not applied: the campaign changed since it was read
	Opened    int        // findings newly opened (or recorded resolved on the spot)
	Resolved  int        // open findings no longer true
	Summaries int        // campaigns whose execution summary changed
	// PendingSummaries are the instance's failed executions of the pulse's
	// window still without a summary after the write; OldestPending the
	// start of the oldest of them.
	PendingSummaries int
	OldestPending    *time.Time
}

// Audit is the audit row of a correction as written: actor sync, the
// campaign before and after, and the reason in words.
func (c SyncCorrection) Audit(after Campaign) AuditEntry {
	a := SyncActor()
	var want CampaignStatus
	if c.Before.PendingStatus != nil {
		want = *c.Before.PendingStatus
	}
	st := map[string]any{"campaign": after.Name, "status": after.Status, "version": after.Version, "reason": c.Reason}
	if after.LastError != "" {
		st["last_error"] = after.LastError
	}
	afterJSON, _ := json.Marshal(st)
	return AuditEntry{ActorName: a.display(), Action: c.Action, WorkspaceID: &c.Before.WorkspaceID, CampaignID: &c.Before.ID,
		Before: campaignState(c.Before, want), After: afterJSON, Outcome: OutcomeOK}
}

// CutOff is the audit row, in the name of whoever wished it, of a toggle
// cut off before it settled, when this correction settles its stale wish;
// ok is false when there is none to write.
func (c SyncCorrection) CutOff(after Campaign) (AuditEntry, bool) {
	return cutOffEntry(c.Before, after, "sync settled it from n8n")
}
