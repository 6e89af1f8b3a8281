package model

import (
	"context"
	"fmt"
	"sync"
	"time"
	"unsafe"

	"golang.org/x/sync/singleflight"

	"github.com/godmode-console/godmode/n8n"
)

// Reads of n8n's execution lists are shared by the sessions of a process:
// a change set reaches every session at once and each re-reads what it
// shows, so without sharing one toggle watched by 50 people is 50 n8n
// requests. One request is in flight per (campaign, workflow, status,
// limit), and its answer is kept for a moment. Authorisation is the
// caller's, done before: the shared read never decides who may see it.

// SharedReadTTL is how long an execution list n8n gave is served again to
// any session. It covers the burst of refreshes one change set causes (all
// within a few hundred milliseconds) and sessions polling the same
// campaign (every 3 s by default), yet is under the poll interval, so an
// execution that ran shows by the next poll after the one that missed it.
// A toggle or retry of the campaign, or a change set of its workspace,
// drops it sooner.
const SharedReadTTL = 2 * time.Second

// The shared reads are bounded so that many sessions watching many
// campaigns cannot grow them without limit: past either bound the oldest
// answers go first.
const (
	maxSharedReads     = 1024
	maxSharedReadBytes = 16 << 20
)

type readKey struct {
	campaignID int64
	instanceID int64
	workflowID string
	status     string
	limit      int
}

type readEntry struct {
	workspaceID int64
	at          time.Time
	rows        []Execution
	size        int
}

// sharedReads is the process's execution-list reads. gen and all change
// at each invalidation: a read that began before one is not kept after
// it, and a read asked after it does not join one in flight from before.
type sharedReads struct {
	flights singleflight.Group
	ttl     time.Duration
	now     func() time.Time

	mu      sync.Mutex
	entries map[readKey]*readEntry
	bytes   int
	gen     map[int64]uint64 // by workspace
	all     uint64
}

func newSharedReads(now func() time.Time) *sharedReads {
	return &sharedReads{ttl: SharedReadTTL, now: now, entries: map[readKey]*readEntry{}, gen: map[int64]uint64{}}
}

// executions answers from a fresh shared read, or joins the one in flight,
// or starts one: fetch runs detached from the caller (one session leaving
// must not fail the others' read), bounded by bound. The caller gets its
// own copy of the rows.
func (r *sharedReads) executions(ctx context.Context, camp Campaign, k readKey, bound time.Duration,
	fetch func(context.Context) ([]Execution, error)) ([]Execution, error) {
	r.mu.Lock()
	if e, ok := r.entries[k]; ok && r.now().Sub(e.at) < r.ttl {
		rows := append([]Execution(nil), e.rows...)
		r.mu.Unlock()
		return rows, nil
	}
	gen, all := r.gen[camp.WorkspaceID], r.all
	r.mu.Unlock()
	fk := fmt.Sprintf("%d/%d/%d/%d/%s/%s/%d", all, gen, k.campaignID, k.instanceID, k.workflowID, k.status, k.limit)
	ch := r.flights.DoChan(fk, func() (any, error) {
		fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), bound)
		defer cancel()
		rows, err := fetch(fctx)
		if err == nil {
			r.keep(k, camp.WorkspaceID, gen, all, rows)
		}
		return rows, err
	})
	select {
	case res := <-ch:
		if res.Err != nil {
			return nil, res.Err
		}
		return append([]Execution(nil), res.Val.([]Execution)...), nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func (r *sharedReads) keep(k readKey, ws int64, gen, all uint64, rows []Execution) {
	size := rowsSize(rows)
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.gen[ws] != gen || r.all != all || size > maxSharedReadBytes {
		return // made stale while it was read, or too large to share
	}
	r.drop(k)
	now := r.now()
	for key, e := range r.entries {
		if now.Sub(e.at) >= r.ttl {
			r.drop(key)
		}
	}
	for len(r.entries) >= maxSharedReads || r.bytes+size > maxSharedReadBytes {
		var oldest readKey
		var at time.Time
		for key, e := range r.entries {
			if at.IsZero() || e.at.Before(at) {
				oldest, at = key, e.at
			}
		}
		r.drop(oldest)
	}
	r.entries[k] = &readEntry{workspaceID: ws, at: now, rows: rows, size: size}
	r.bytes += size
}

func (r *sharedReads) drop(k readKey) {
	if e, ok := r.entries[k]; ok {
		r.bytes -= e.size
		delete(r.entries, k)
	}
}

// rowsSize is about what rows hold in memory, for the bound in bytes.
func rowsSize(rows []Execution) int {
	n := int(unsafe.Sizeof(Execution{})) * len(rows)
	for _, e := range rows {
		n += len(e.ID) + len(e.WorkflowID) + len(e.Status) + len(e.Mode) + len(e.RetryOf) + len(e.RetryID)
		if e.StoppedAt != nil {
			n += int(unsafe.Sizeof(time.Time{}))
		}
	}
	return n
}

// forgetCampaign drops a campaign's reads (after a toggle or retry of it).
func (r *sharedReads) forgetCampaign(ws, campaignID int64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.bump(ws)
	for k := range r.entries {
		if k.campaignID == campaignID {
			r.drop(k)
		}
	}
}

// forget drops what a change set makes stale: the reads of its
// workspaces (a retry made by another process shows as their audit row),
// or all of them after a resync. A change of instances alone drops none:
// it is mostly health, which calls and the sync loop write.
func (r *sharedReads) forget(s ChangeSet) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if s.Resync {
		r.all++
		clear(r.entries)
		clear(r.gen)
		r.bytes = 0
		return
	}
	for ws := range s.Workspaces {
		r.bump(ws)
		for k, e := range r.entries {
			if e.workspaceID == ws {
				r.drop(k)
			}
		}
	}
}

// bump makes the workspace's reads in flight stale (r.mu held). The
// generations are as many as the workspaces; should they ever be many
// more, one global bump replaces them all.
func (r *sharedReads) bump(ws int64) {
	if _, known := r.gen[ws]; !known && len(r.gen) >= maxSharedReads {
		r.all++
		clear(r.gen)
		clear(r.entries)
		r.bytes = 0
		return
	}
	r.gen[ws]++
}

// SharedReads is how many execution lists the process keeps for its
// sessions, and about how many bytes they hold.
func (c *Console) SharedReads() (lists, bytes int) {
	r := c.shared
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.entries), r.bytes
}

// listExecutions is a campaign's latest executions from n8n, through the
// process's shared reads; the caller has authorised the actor. A workflow
// n8n no longer has lists no executions.
func (c *Console) listExecutions(ctx context.Context, camp Campaign, status string, limit int, bound time.Duration) ([]Execution, error) {
	k := readKey{campaignID: camp.ID, instanceID: camp.InstanceID, workflowID: camp.N8nWorkflowID, status: status, limit: limit}
	return c.shared.executions(ctx, camp, k, bound, func(ctx context.Context) ([]Execution, error) {
		var page n8n.Page[n8n.Execution]
		err := c.clients.call(ctx, camp.InstanceID, func(cl N8n) error {
			var err error
			page, err = cl.ListExecutions(ctx, n8n.ExecutionFilter{WorkflowID: camp.N8nWorkflowID, Status: n8n.Status(status), Limit: limit}, "")
			return err
		})
		if err != nil {
			if isGone(err) {
				return []Execution{}, nil
			}
			return nil, err
		}
		out := make([]Execution, 0, len(page.Data))
		for _, e := range page.Data {
			out = append(out, fromN8n(e, camp))
		}
		return out, nil
	})
}
