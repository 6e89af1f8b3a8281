package db

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/godmode-console/godmode/model"
)

// SyncLeader is one sync runner's leadership: the advisory locks of the
// instances it leads, all held on one dedicated connection of the lock
// pool (thousands of instances must not cost thousands of connections).
// If that connection dies, Postgres releases every lock on it and another
// runner's next cycle takes them; this runner notices on its next Lead,
// reconnects and follows or leads again.
type SyncLeader struct {
	store *Store
	name  string

	mu   sync.Mutex // a connection runs one query at a time
	conn *pgxpool.Conn
	held map[int64]bool
}

var _ model.SyncLeadership = (*SyncLeader)(nil)

// SyncLeadership returns the leadership of a runner called name.
func (s *Store) SyncLeadership(name string) model.SyncLeadership {
	return &SyncLeader{store: s, name: name}
}

// instanceLockKey is the advisory lock key of an instance's leadership.
// leadTimeout bounds one round of asking for leadership.
const leadTimeout = 10 * time.Second

func instanceLockKey(instanceID int64) int64 { return lockInstance | instanceID }

// Lead keeps the instances already led (if the connection still lives),
// tries to take the others in one round trip, and returns the leases of
// every instance led now.
func (l *SyncLeader) Lead(ctx context.Context, instanceIDs []int64) (map[int64]model.SyncLease, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	// The caller stopping must not cut a query on the lock connection: pgx
	// closes a connection whose query is cancelled, and Postgres frees a
	// closed session's locks only once its backend notices, so Close could
	// not give them back at once. Bounded on its own instead.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), leadTimeout)
	defer cancel()
	if l.conn != nil {
		if err := l.conn.Ping(ctx); err != nil {
			l.drop() // the locks went with the connection
		}
	}
	if l.conn == nil {
		locks, err := l.store.lockPool()
		if err != nil {
			return nil, dbErr("sync leadership", err)
		}
		conn, err := locks.Acquire(ctx)
		if err != nil {
			return nil, dbErr("sync leadership: connecting", err)
		}
		l.conn, l.held = conn, map[int64]bool{}
	}
	var want []int64
	for _, id := range instanceIDs {
		if !l.held[id] {
			want = append(want, id)
		}
	}
	if len(want) > 0 {
		rows, err := l.conn.Query(ctx, `SELECT id FROM unnest($1::bigint[]) AS id WHERE pg_try_advisory_lock($2::bigint | id)`,
			want, lockInstance)
		if err != nil {
			l.drop()
			return nil, dbErr("sync leadership", err)
		}
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				l.drop()
				return nil, dbErr("sync leadership", err)
			}
			l.held[id] = true
		}
		if err := rows.Err(); err != nil {
			l.drop()
			return nil, dbErr("sync leadership", err)
		}
	}
	pid := int64(l.conn.Conn().PgConn().PID())
	out := make(map[int64]model.SyncLease, len(instanceIDs))
	for _, id := range instanceIDs {
		if l.held[id] {
			out[id] = model.SyncLease{InstanceID: id, Leader: l.name, Token: pid}
		}
	}
	return out, nil
}

// Release gives up one instance's lead. If the unlock cannot be said, the
// lock connection is closed instead: that frees every lead this runner
// holds, which its next round takes back where no one else did.
func (l *SyncLeader) Release(ctx context.Context, instanceID int64) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.conn == nil || !l.held[instanceID] {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), leadTimeout)
	defer cancel()
	if _, err := l.conn.Exec(ctx, `SELECT pg_advisory_unlock($1)`, instanceLockKey(instanceID)); err != nil {
		l.drop()
		return dbErr(fmt.Sprintf("sync leadership of instance %d: releasing", instanceID), err)
	}
	delete(l.held, instanceID)
	return nil
}

// Close gives up every lead. It unlocks explicitly before closing the
// connection: Postgres releases a closed session's locks only once its
// backend has exited, and a runner taking over right after must not find
// them still held.
func (l *SyncLeader) Close() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.conn != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		_, _ = l.conn.Exec(ctx, `SELECT pg_advisory_unlock_all()`)
		cancel()
	}
	l.drop()
}

// drop closes the lock connection (Postgres then releases its locks) and
// forgets what it held.
func (l *SyncLeader) drop() {
	if l.conn != nil {
		_ = l.conn.Conn().Close(context.Background())
		l.conn.Release()
	}
	l.conn, l.held = nil, nil
}
