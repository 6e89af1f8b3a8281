package uitest

import (
	"context"
	"slices"

	"github.com/godmode-console/godmode/model"
)

// driftState is the fake's sync findings and change feed.
type driftState struct {
	findings []model.Finding
	changes  chan model.ChangeSet
	failErr  error
}

// AddFinding records a finding as the sync loop would, giving it the next
// id, and returns it.
func (b *Backend) AddFinding(f model.Finding) model.Finding {
	b.mu.Lock()
	defer b.mu.Unlock()
	f.ID = int64(len(b.drift.findings) + 1)
	if f.LastSeenAt.IsZero() {
		f.LastSeenAt = f.FirstSeenAt
	}
	b.drift.findings = append(b.drift.findings, f)
	return f
}

// FailFindings makes Findings fail with err until called with nil.
func (b *Backend) FailFindings(err error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.drift.failErr = err
}

// Findings implements ui.Backend: newest first, like the database.
func (b *Backend) Findings(ctx context.Context, f model.FindingFilter) ([]model.Finding, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.called("Findings")
	if b.drift.failErr != nil {
		return nil, b.drift.failErr
	}
	var out []model.Finding
	for _, x := range b.drift.findings {
		switch {
		case f.Kind != "" && x.Kind != f.Kind,
			f.Open && x.ResolvedAt != nil,
			f.IDs != nil && !slices.Contains(f.IDs, x.ID),
			f.Since != nil && x.LastSeenAt.Before(*f.Since):
			continue
		}
		out = append(out, x)
	}
	slices.SortStableFunc(out, func(a, c model.Finding) int {
		if n := c.FirstSeenAt.Compare(a.FirstSeenAt); n != 0 {
			return n
		}
		return int(c.ID - a.ID)
	})
	limit := f.Limit
	if limit <= 0 {
		limit = 500
	}
	if len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

// FeedChanges turns the change feed on: Changes then returns a channel
// that Emit sends on, as a listener would. Off by default, so screens
// that do not test it run on their poll alone.
func (b *Backend) FeedChanges() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.drift.changes == nil {
		b.drift.changes = make(chan model.ChangeSet, 16)
	}
}

// Emit hands the console a change set, as the listener and the model's
// coalescing would.
func (b *Backend) Emit(s model.ChangeSet) {
	b.mu.Lock()
	ch := b.drift.changes
	b.mu.Unlock()
	if ch == nil {
		panic("uitest: Emit before FeedChanges")
	}
	ch <- s
}

// Changes implements ui.Backend.
func (b *Backend) Changes() <-chan model.ChangeSet {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.drift.changes == nil {
		return nil
	}
	return b.drift.changes
}

// SetHealth changes what Health answers, safely while a screen runs.
func (b *Backend) SetHealth(change func(*model.Health)) {
	b.mu.Lock()
	defer b.mu.Unlock()
	change(&b.HealthValue)
}
