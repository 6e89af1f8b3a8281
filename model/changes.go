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
	// TableLeadCounts changes when leads come, go or change campaign
	// (00019): the fleet's lead columns follow it.
	TableLeadCounts = "lead_counts"
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
	// Campaigns are the campaign rows changed (a toggle, sync's
	// corrections): their executions panes are what a set asks n8n about.
	Campaigns map[int64]bool
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

// HasCampaign says whether the set changed a campaign's row (always,
// after a resync): only then need its executions be asked of n8n again.
func (s ChangeSet) HasCampaign(id int64) bool { return s.Resync || s.Campaigns[id] }

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
	if c.Table == TableCampaigns {
		if s.Campaigns == nil {
			s.Campaigns = map[int64]bool{}
		}
		s.Campaigns[c.ID] = true
	}
	if c.Table == TableSyncFindings && c.Op == "insert" {
		if len(s.NewFindings) < maxNewFindings {
			s.NewFindings = append(s.NewFindings, c.ID)
		} else {
			s.MoreFindings++
		}
	}
}

// clone is a copy that shares no map or slice with s: one flushed set
// goes to every subscriber, and merging into it must not touch theirs.
func (s ChangeSet) clone() ChangeSet {
	s.Tables = maps.Clone(s.Tables)
	s.Workspaces = maps.Clone(s.Workspaces)
	s.Campaigns = maps.Clone(s.Campaigns)
	s.NewFindings = slices.Clone(s.NewFindings)
	return s
}

// merge folds a later set into s.
func (s *ChangeSet) merge(later ChangeSet) {
	if s.Count == 0 {
		*s = later.clone()
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
	if len(later.Campaigns) > 0 && s.Campaigns == nil {
		s.Campaigns = map[int64]bool{}
	}
	maps.Copy(s.Campaigns, later.Campaigns)
	for _, id := range later.NewFindings {
		if len(s.NewFindings) < maxNewFindings {
			s.NewFindings = append(s.NewFindings, id)
		} else {
			s.MoreFindings++
		}
	}
	s.MoreFindings += later.MoreFindings
}

// subscriberBuffer is how many sets a subscriber may leave untaken: about
// a second of windows. A session busy drawing a large screen catches up
// within it; one that does not (a stalled SSH client, a hung session) gets
// everything folded into one Resync set instead of holding back the
// listener or the other sessions.
const subscriberBuffer = 8

// changeFeed is the broker between the listener and the sessions: it
// gathers changes for a window and hands each subscriber the window's set.
// It needs no goroutine: the first change of a window arms a timer, and
// the timer's flush sends to every subscriber without blocking. The flush
// is the only sender and holds the lock, so a subscriber whose buffer is
// full is emptied and handed one Resync set that carries all it had not
// taken: it re-reads everything once instead of missing a change.
type changeFeed struct {
	mu      sync.Mutex
	pending ChangeSet
	armed   bool
	window  time.Duration
	now     func() time.Time
	subs    map[*subscription]struct{}
	// flushed sees each set before the subscribers do (the console's
	// shared reads drop what the set makes stale, so the sessions'
	// refreshes read anew).
	flushed func(ChangeSet)
}

// subscription is one reader of the feed: a console session.
type subscription struct {
	feed   *changeFeed
	ch     chan ChangeSet
	closed bool
}

func (f *changeFeed) defaults() {
	if f.window == 0 {
		f.window = ChangeWindow
	}
	if f.now == nil {
		f.now = time.Now
	}
}

func (f *changeFeed) publish(c Change) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.defaults()
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
	if f.flushed != nil {
		f.flushed(set)
	}
	for s := range f.subs {
		s.deliver(set)
	}
}

// deliver hands s a set without blocking (f.mu held).
func (s *subscription) deliver(set ChangeSet) {
	select {
	case s.ch <- set:
		return
	default:
	}
	var all ChangeSet
	for len(s.ch) > 0 {
		select {
		case old := <-s.ch:
			all.merge(old)
		default: // the reader took it meanwhile
		}
	}
	all.merge(set)
	all.Resync = true
	s.ch <- all // room: only the flush sends, and it emptied the buffer
}

// subscribe adds a reader; every set flushed from now on reaches it.
func (f *changeFeed) subscribe() *subscription {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.defaults()
	if f.subs == nil {
		f.subs = map[*subscription]struct{}{}
	}
	s := &subscription{feed: f, ch: make(chan ChangeSet, subscriberBuffer)}
	f.subs[s] = struct{}{}
	return s
}

// close removes the reader and closes its channel, which ends a receive
// waiting on it; closing twice is a no-op.
func (s *subscription) close() {
	f := s.feed
	f.mu.Lock()
	defer f.mu.Unlock()
	if s.closed {
		return
	}
	s.closed = true
	delete(f.subs, s)
	close(s.ch)
}

// subscribers is how many readers the feed has, for tests and metrics.
func (f *changeFeed) subscribers() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.subs)
}

// Publish hands the console one change (the listener's callback). It
// never blocks, however slow a session is.
func (c *Console) Publish(ch Change) { c.feed.publish(ch) }

// Changes delivers what changed, at most one set per ChangeWindow, to the
// console's own subscriber, made with the console so that no set is
// missed before the first call (the same channel on every call). Sessions
// each read their own, (*ActorConsole).Changes.
func (c *Console) Changes() <-chan ChangeSet { return c.own.ch }

// Subscribers is how many readers the change feed has now: the console's
// own and one per session that has not closed.
func (c *Console) Subscribers() int { return c.feed.subscribers() }

// SortedTables lists a set's tables, for messages and logs.
func (s ChangeSet) SortedTables() []string {
	return slices.Sorted(maps.Keys(s.Tables))
}
