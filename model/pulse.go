package model

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
)

// The fleet pulse: the last hour and 24 hours of every workspace an actor
// may see, from what sync stored (executions, failure summaries), never
// from n8n, so it costs the same however many people look. Like the other
// reads, it shows only the workspaces the actor may view (the fleet row is
// the sum of those), a refusal leaves an audit row, a read that succeeds
// does not.

// Caps of the pulse's lists.
const (
	MaxPulseGroups      = 10  // top failure groups shown
	MaxGroupExecutions  = 100 // executions listed for one group
	pulseBuckets        = 24  // hourly buckets of the sparklines
	pulseBucketDuration = time.Hour
)

// PulseReader is what the pulse reads of Postgres; db.Store implements it.
type PulseReader interface {
	// PulseRead counts the executions of the window ending at q.Now by
	// workspace and hour, the top failure groups and the backlog.
	PulseRead(ctx context.Context, q PulseQuery) (PulseData, error)
	// FailureGroupRows lists a group's executions of the window, newest first.
	FailureGroupRows(ctx context.Context, q PulseQuery, key string, limit int) ([]PulseExecution, error)
}

// PulseQuery is the window and the workspaces a pulse read covers.
type PulseQuery struct {
	Now          time.Time
	All          bool    // every workspace (a super admin)
	WorkspaceIDs []int64 // otherwise these only
	Groups       int     // top groups wanted
}

// PulseData is what the store read: a row per workspace with executions
// in the window (Hour and Day filled, and Failures and Runs by hours ago,
// 0 the last hour), the groups and the backlog.
type PulseData struct {
	Rows    []PulseRow
	Groups  []FailureGroup
	Backlog PulseBacklog
}

var errNoPulse = errors.New("this store cannot read the pulse")

func (c *Console) pulseReader() (PulseReader, error) {
	pr, ok := c.store.(PulseReader)
	if !ok {
		return nil, errNoPulse
	}
	return pr, nil
}

// Pulse is the fleet's pulse as the actor may see it: the fleet row (the
// sum of the workspaces shown), one row per workspace they may view (most
// failures in 24 hours first, then by slug; archived workspaces only when
// they ran something), the top failure groups of those workspaces and how
// far the summariser is behind on them.
func (c *Console) Pulse(ctx context.Context, actor Actor) (Pulse, error) {
	pr, err := c.pulseReader()
	if err != nil {
		return Pulse{}, err
	}
	_, ids, err := c.visible(ctx, actor)
	if err != nil {
		c.auditRefusedRead(ctx, actor, "pulse.read", 0, 0, nil, err)
		return Pulse{}, err
	}
	wss, err := c.store.WorkspaceSummaries(ctx)
	if err != nil {
		return Pulse{}, err
	}
	now := c.now()
	q := PulseQuery{Now: now, All: ids == nil, WorkspaceIDs: ids, Groups: MaxPulseGroups}
	data, err := pr.PulseRead(ctx, q)
	if err != nil {
		return Pulse{}, fmt.Errorf("reading the pulse: %w", err)
	}
	may := map[int64]bool{}
	for _, id := range ids {
		may[id] = true
	}
	read := map[int64]PulseRow{}
	for _, r := range data.Rows {
		read[r.WorkspaceID] = r
	}
	p := Pulse{At: now, Fleet: emptyPulseRow(), Workspaces: []PulseRow{}, Groups: data.Groups, Backlog: data.Backlog}
	if p.Groups == nil {
		p.Groups = []FailureGroup{}
	}
	for _, ws := range wss {
		if ids != nil && !may[ws.ID] {
			continue
		}
		r, ran := read[ws.ID]
		if !ran {
			if ws.Status == WorkspaceArchived {
				continue
			}
			r = emptyPulseRow()
		}
		r.WorkspaceID, r.Workspace = ws.ID, ws.Slug
		p.Workspaces = append(p.Workspaces, r)
		p.Fleet.add(r)
	}
	slices.SortStableFunc(p.Workspaces, func(a, b PulseRow) int {
		if d := b.Day.failures() - a.Day.failures(); d != 0 {
			return d
		}
		return strings.Compare(a.Workspace, b.Workspace)
	})
	return p, nil
}

func emptyPulseRow() PulseRow {
	return PulseRow{Failures: make([]int, pulseBuckets), Runs: make([]int, pulseBuckets)}
}

func (r *PulseRow) add(o PulseRow) {
	r.Hour.add(o.Hour)
	r.Day.add(o.Day)
	for i := range pulseBuckets {
		r.Failures[i] += o.Failures[i]
		r.Runs[i] += o.Runs[i]
	}
}

func (c *PulseCounts) add(o PulseCounts) {
	c.OK, c.Error, c.Soft, c.Waiting, c.Crashed = c.OK+o.OK, c.Error+o.Error, c.Soft+o.Soft, c.Waiting+o.Waiting, c.Crashed+o.Crashed
}

// failures are the executions that went wrong, swallowed errors included.
func (c PulseCounts) failures() int { return c.Error + c.Crashed + c.Soft }

var groupKeyRE = regexp.MustCompile(`^[0-9a-f]{16}$`)

// FailureGroupExecutions lists the executions of one failure group of the
// pulse (key as Pulse gave it), newest first, at most MaxGroupExecutions,
// in the workspaces whose executions the actor may view: the same group
// lists fewer executions to a member than to a super admin, never another
// tenant's.
func (c *Console) FailureGroupExecutions(ctx context.Context, actor Actor, key string) ([]PulseExecution, error) {
	if !groupKeyRE.MatchString(key) {
		return nil, fmt.Errorf("failure group %q: not a group key (16 hex digits, as the pulse gives them)", key)
	}
	pr, err := c.pulseReader()
	if err != nil {
		return nil, err
	}
	a, err := c.current(ctx, actor)
	if err != nil {
		c.auditRefusedRead(ctx, actor, "pulse.group", 0, 0, map[string]any{"group": key}, err)
		return nil, err
	}
	q := PulseQuery{Now: c.now(), All: a.SuperAdmin, WorkspaceIDs: []int64{}}
	if !a.SuperAdmin {
		for id := range a.Roles {
			if Authorize(a, ActionViewExecutions, id) == nil {
				q.WorkspaceIDs = append(q.WorkspaceIDs, id)
			}
		}
		slices.Sort(q.WorkspaceIDs)
	}
	out, err := pr.FailureGroupRows(ctx, q, key, MaxGroupExecutions)
	if err != nil {
		return nil, fmt.Errorf("executions of failure group %s: %w", key, err)
	}
	if out == nil {
		out = []PulseExecution{}
	}
	return out, nil
}
