package db

import (
	"context"
	"fmt"

	"github.com/godmode-console/godmode/model"
)

var _ model.Store = (*Store)(nil)

// Advisory lock keys are one bigint space shared by every use; each kind of
// lock takes its own high byte so a campaign id never collides with, say, an
// instance's sync leadership.
const (
	lockCampaign int64 = 1 << 56
	lockInstance int64 = 2 << 56
)

// Ping checks the database answers.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.pool.Ping(ctx); err != nil {
		return fmt.Errorf("database unreachable: %w", err)
	}
	return nil
}

// WithCampaignLock holds a session advisory lock on a connection of the lock
// pool while fn runs. The lock is not a transaction, so the pending wish fn
// writes is committed (and visible to sync) before n8n is called; if this
// process dies, the connection closes and the lock goes with it.
func (s *Store) WithCampaignLock(ctx context.Context, campaignID int64, fn func(ctx context.Context) error) error {
	locks, err := s.lockPool()
	if err != nil {
		return dbErr("campaign lock", err)
	}
	conn, err := locks.Acquire(ctx)
	if err != nil {
		return dbErr("campaign lock", err)
	}
	key := lockCampaign | campaignID
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock($1)`, key); err != nil {
		// A cancelled wait leaves the connection in doubt: drop it.
		conn.Conn().Close(context.Background())
		conn.Release()
		return dbErr("campaign lock", err)
	}
	defer func() {
		if _, err := conn.Exec(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock($1)`, key); err != nil {
			conn.Conn().Close(context.Background())
		}
		conn.Release()
	}()
	return fn(ctx)
}

// SetPending records the wish to move a campaign to want.
func (s *Store) SetPending(ctx context.Context, campaignID int64, want model.CampaignStatus) (model.Campaign, error) {
	rows, err := s.pool.Query(ctx, `UPDATE campaigns SET pending_status = $2, pending_since = now() WHERE id = $1 RETURNING `+campaignCols,
		campaignID, want)
	return one[model.Campaign](fmt.Sprintf("campaign %d", campaignID), rows, err)
}

// Settle writes the final status, clears any wish and bumps the version.
func (s *Store) Settle(ctx context.Context, campaignID int64, status model.CampaignStatus, lastError string) (model.Campaign, error) {
	rows, err := s.pool.Query(ctx, `UPDATE campaigns SET status = $2, last_error = $3, pending_status = NULL, pending_since = NULL,
			version = version + 1
		WHERE id = $1 RETURNING `+campaignCols, campaignID, status, lastError)
	return one[model.Campaign](fmt.Sprintf("campaign %d", campaignID), rows, err)
}

// MarkForResume flags a campaign paused by a freeze, or clears the flag.
func (s *Store) MarkForResume(ctx context.Context, campaignID int64, resume bool) error {
	_, err := s.pool.Exec(ctx, `UPDATE campaigns SET resume_on_unfreeze = $2 WHERE id = $1`, campaignID, resume)
	return dbErr(fmt.Sprintf("campaign %d", campaignID), err)
}

// ResumeList lists the campaigns a freeze paused.
func (s *Store) ResumeList(ctx context.Context, workspaceID int64) ([]model.Campaign, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+campaignCols+` FROM campaigns WHERE workspace_id = $1 AND resume_on_unfreeze ORDER BY name`, workspaceID)
	return collect[model.Campaign]("campaigns to resume", rows, err)
}
