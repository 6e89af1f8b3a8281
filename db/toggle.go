package db

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/godmode-console/godmode/model"
)

var _ model.Store = (*Store)(nil)

// Advisory lock keys are one bigint space shared by every use; each kind of
// lock takes its own high byte so a campaign id never collides with, say, an
// instance's sync leadership.
const (
	lockCampaign int64 = 1 << 56
	lockInstance int64 = 2 << 56
	// lockWorkspace: shared by toggles, exclusive by freeze and unfreeze.
	lockWorkspace int64 = 3 << 56
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
// process dies, the connection closes and the lock goes with it. Inside
// WithWorkspaceLock it takes the lock on the workspace lock's connection,
// so a toggle holds one connection, not two.
func (s *Store) WithCampaignLock(ctx context.Context, campaignID int64, fn func(ctx context.Context) error) error {
	return s.withLock(ctx, "campaign lock", `SELECT pg_advisory_lock($1)`, `SELECT pg_advisory_unlock($1)`, false, lockCampaign|campaignID, fn)
}

// WithWorkspaceLock holds the workspace's advisory lock while fn runs:
// shared for a toggle of one of its campaigns, exclusive for a freeze or an
// unfreeze, so a freeze waits for the toggles in flight and no toggle
// starts until it is done, whichever processes they run in.
// LockSharedOrSkip does not wait: it returns model.ErrLockBusy when a
// freeze holds the lock.
func (s *Store) WithWorkspaceLock(ctx context.Context, workspaceID int64, mode model.LockMode, fn func(ctx context.Context) error) error {
	key := lockWorkspace | workspaceID
	switch mode {
	case model.LockExclusive:
		return s.withLock(ctx, "workspace lock", `SELECT pg_advisory_lock($1)`, `SELECT pg_advisory_unlock($1)`, false, key, fn)
	case model.LockShared:
		return s.withLock(ctx, "workspace lock", `SELECT pg_advisory_lock_shared($1)`, `SELECT pg_advisory_unlock_shared($1)`, false, key, fn)
	default:
		return s.withLock(ctx, "workspace lock", `SELECT pg_try_advisory_lock_shared($1)`, `SELECT pg_advisory_unlock_shared($1)`, true, key, fn)
	}
}

// lockConnKey carries the connection holding the outer lock to nested ones
// of the same store (another store's locks are another session's).
type lockConnKey struct{ s *Store }

func (s *Store) withLock(ctx context.Context, what, lock, unlock string, try bool, key int64, fn func(ctx context.Context) error) error {
	conn, _ := ctx.Value(lockConnKey{s}).(*pgxpool.Conn)
	own := conn == nil
	if own {
		locks, err := s.lockPool()
		if err != nil {
			return dbErr(what, err)
		}
		if conn, err = locks.Acquire(ctx); err != nil {
			return dbErr(what, err)
		}
	}
	drop := func() {
		// A cancelled wait leaves the connection in doubt: drop it.
		conn.Conn().Close(context.Background())
		if own {
			conn.Release()
		}
	}
	got := true
	var err error
	if try {
		err = conn.QueryRow(ctx, lock, key).Scan(&got)
	} else {
		_, err = conn.Exec(ctx, lock, key)
	}
	if err != nil {
		drop()
		return dbErr(what, err)
	}
	if !got {
		if own {
			conn.Release()
		}
		return model.ErrLockBusy
	}
	defer func() {
		if _, err := conn.Exec(context.WithoutCancel(ctx), unlock, key); err != nil {
			conn.Conn().Close(context.Background())
		}
		if own {
			conn.Release()
		}
	}()
	return fn(context.WithValue(ctx, lockConnKey{s}, conn))
}

// SetPending records the wish to move a campaign, and who wished it.
func (s *Store) SetPending(ctx context.Context, campaignID int64, w model.PendingWish) (model.Campaign, error) {
	rows, err := s.pool.Query(ctx, `UPDATE campaigns SET pending_status = $2, pending_since = now(),
			pending_actor = $3, pending_actor_user_id = $4, pending_action = $5
		WHERE id = $1 RETURNING `+campaignCols,
		campaignID, w.Status, w.ActorName, w.ActorUserID, w.Action)
	return one[model.Campaign](fmt.Sprintf("campaign %d", campaignID), rows, err)
}

// Settle writes the final status, clears any wish and bumps the version.
func (s *Store) Settle(ctx context.Context, campaignID int64, status model.CampaignStatus, lastError string) (model.Campaign, error) {
	rows, err := s.pool.Query(ctx, `UPDATE campaigns SET status = $2, last_error = $3, pending_status = NULL, pending_since = NULL,
			pending_actor = '', pending_actor_user_id = NULL, pending_action = '', version = version + 1
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
