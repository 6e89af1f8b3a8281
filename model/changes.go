package model

import (
	"maps"
	"slices"
	"sync"
	"time"
)

// Change.Op values beyond the triggers' insert, update and delete.
const (
	// OpResync says notifications may have been lost (the listener was
	// disconnected, or has just connected): re-read everything shown.
	OpResync = "resync"
)

// Tables whose changes are announced on the godmode channel.
const (
	TableWorkspaces   = "workspaces"
	TableCampaigns    = "campaigns"
	TableInstances    = "n8n_instances"
	TableAudit        = "audit_log"
	TableSyncFindings = "sync_findings"
)

// ChangeWindow is how long a burst of changes is gathered before it is
// handed on as one ChangeSet: a sync cycle can update hundreds of rows,
// and a console should redraw once for them, not hundreds of times. It is
// well under the one second within which every console must show a change.
const ChangeWindow = 120 * time.Millisecond

// maxNewFindings bounds the finding ids one ChangeSet carries; past it the
// set says MoreFindings and a console shows a count instead of each one.
const maxNewFindings = 50

// ChangeSet is what changed during one window: which tables, which
// workspaces, which findings are new. A console re-reads what it shows of
// those; Resync means re-read everything.
type ChangeSet struct {
	Tables     map[string]bool
	Workspaces map[int64]bool
	// NewFindings are sync_findings rows inserted in the window, oldest
	// first, so a console can say what sync just found or corrected.
	NewFindings  []int64
	MoreFindings int // new findings beyond NewFindings
	Resync       bool
	Count        int       // notifications gathered
	First        time.Time // when the first of them arrived
}

// Has says whether the set concerns a table (always, after a resync).
func (s ChangeSet) Has(table string) bool { return s.Resync || s.Tables[table] }

// HasWorkspace says whether the set concerns a workspace's rows.
func (s ChangeSet) HasWorkspace(id int64) bool { return s.Resync || s.Workspaces[id] }

func (s *ChangeSet) add(c Change, now time.Time) {
	if s.Count == 0 {
		s.First = now
	}
	s.Count++
	if c.Op == OpResync {
		s.Resync = true
		return
	}
	if s.Tables == nil {
		s.Tables = map[string]bool{}
	}
	s.Tables[c.Table] = true
	if c.WorkspaceID != nil {
		if s.Workspaces == nil {
			s.Workspaces = map[int64]bool{}
		}
		s.Workspaces[*c.WorkspaceID] = true
	}
	if c.Table == TableSyncFindings && c.Op == "insert" {
		if len(s.NewFindings) < maxNewFindings {
			s.NewFindings = append(s.NewFindings, c.ID)
		} else {
			s.MoreFindings++
		}
	}
}

// merge folds a later set into s.
func (s *ChangeSet) merge(later ChangeSet) {
	if s.Count == 0 {
		*s = later
		return
	}
	s.Count += later.Count
	s.Resync = s.Resync || later.Resync
	if len(later.Tables) > 0 && s.Tables == nil {
		s.Tables = map[string]bool{}
	}
	maps.Copy(s.Tables, later.Tables)
	if len(later.Workspaces) > 0 && s.Workspaces == nil {
		s.Workspaces = map[int64]bool{}
	}
	maps.Copy(s.Workspaces, later.Workspaces)
	for _, id := range later.NewFindings {
		if len(s.NewFindings) < maxNewFindings {
			s.NewFindings = append(s.NewFindings, id)
		} else {
			s.MoreFindings++
		}
	}
	s.MoreFindings += later.MoreFindings
}

// changeFeed gathers changes for a window and hands them on as one set.
// It needs no goroutine: the first change of a window arms a timer, and the
// timer's flush puts the set in a one-slot channel, merging it with a set
// the console has not taken yet, so a slow console never blocks the
// listener and never misses a change.
type changeFeed struct {
	once    sync.Once
	out     chan ChangeSet
	mu      sync.Mutex
	pending ChangeSet
	armed   bool
	window  time.Duration
	now     func() time.Time
}

func (f *changeFeed) init() {
	f.once.Do(func() {
		f.out = make(chan ChangeSet, 1)
		if f.window == 0 {
			f.window = ChangeWindow
		}
		if f.now == nil {
			f.now = time.Now
		}
	})
}

func (f *changeFeed) publish(c Change) {
	f.init()
	f.mu.Lock()
	defer f.mu.Unlock()
	f.pending.add(c, f.now())
	if !f.armed {
		f.armed = true
		time.AfterFunc(f.window, f.flush)
	}
}

func (f *changeFeed) flush() {
	f.mu.Lock()
	defer f.mu.Unlock()
	set := f.pending
	f.pending, f.armed = ChangeSet{}, false
	if set.Count == 0 {
		return
	}
	// The flush is the only sender and holds the lock, so after taking
	// back an untaken set the slot is free.
	select {
	case old := <-f.out:
		old.merge(set)
		set = old
	default:
	}
	f.out <- set
}

// Publish hands the console one change (the listener's callback). It
// never blocks.
func (c *Console) Publish(ch Change) { c.feed.publish(ch) }

// Changes delivers what changed, at most one set per ChangeWindow. It is
// the same channel on every call: one console session takes from it.
func (c *Console) Changes() <-chan ChangeSet {
	c.feed.init()
	return c.feed.out
}

// SortedTables lists a set's tables, for messages and logs.
func (s ChangeSet) SortedTables() []string {
	return slices.Sorted(maps.Keys(s.Tables))
}
