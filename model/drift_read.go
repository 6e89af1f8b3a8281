package model

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// FindingFilter narrows the findings a console lists.
type FindingFilter struct {
	Kind  DriftKind // "" for every kind
	Open  bool      // only findings still true (not resolved)
	IDs   []int64   // only these findings
	Since *time.Time
	// WorkspaceIDs, when not nil, keeps findings of these workspaces only
	// (empty: none): what a member may read.
	WorkspaceIDs []int64
	Limit        int // 0: 500
}

// SyncSummary is how far the sync loop has got, over every instance.
type SyncSummary struct {
	Instances int        // n8n instances registered
	Synced    int        // of which have had a good cycle
	OldestOK  *time.Time // the least recent good cycle among the synced
	NewestOK  *time.Time
}

// DriftRecent is how far back a corrected finding still counts in the
// header's drift number.
const DriftRecent = time.Hour

// FindingReader is the read side of what the sync loop records; db.Store
// implements it. It is apart from Store so stores made before sync existed
// (and fakes) still satisfy Store.
type FindingReader interface {
	Findings(ctx context.Context, f FindingFilter) ([]Finding, error)
	// DriftCount counts open findings that need a person plus findings
	// corrected since the given time.
	DriftCount(ctx context.Context, correctedSince time.Time) (int, error)
	SyncSummary(ctx context.Context) (SyncSummary, error)
}

// errNoFindings is what a console over a store without findings answers.
var errNoFindings = errors.New("this store does not record sync findings")

func (c *Console) findingReader() (FindingReader, error) {
	fr, ok := c.store.(FindingReader)
	if !ok {
		return nil, errNoFindings
	}
	return fr, nil
}

// Findings lists what the sync loop found, newest first.
func (c *Console) Findings(ctx context.Context, f FindingFilter) ([]Finding, error) {
	fr, err := c.findingReader()
	if err != nil {
		return nil, err
	}
	return fr.Findings(ctx, f)
}

// readDrift fills the header's drift count and sync age from what the sync
// loop recorded. The drift count is the findings a person should know of:
// those still open that sync could not correct (an unmanaged workflow, a
// campaign whose workflow is gone), plus those sync corrected within the
// last DriftRecent, so a correction shows in the count when it happens and
// leaves it an hour later. The sync age is that of the instance synced
// least recently among those synced at all, and the ones never synced are
// counted apart: one stuck instance can neither hide behind the others nor,
// with thousands of instances of which some are always down, turn the
// whole fleet's sync age into "never".
func (c *Console) readDrift(ctx context.Context, h *Health) {
	fr, err := c.findingReader()
	if err != nil {
		return
	}
	n, err := fr.DriftCount(ctx, c.now().Add(-DriftRecent))
	if err != nil {
		h.DBOK, h.DBError = false, fmt.Sprintf("reading sync findings: %v", err)
		return
	}
	sum, err := fr.SyncSummary(ctx)
	if err != nil {
		h.DBOK, h.DBError = false, fmt.Sprintf("reading sync state: %v", err)
		return
	}
	h.DriftCount, h.DriftKnown = n, true
	h.LastSync, h.NeverSynced = nil, sum.Instances-sum.Synced
	if sum.Synced > 0 {
		h.LastSync = sum.OldestOK
	}
}
