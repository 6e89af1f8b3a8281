package model

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/godmode-console/godmode/forensics/safetext"
)

// Health is the header's view of the system. Each part says whether it is
// known: with Postgres down, the instances' health and the drift count
// (both kept in Postgres) are unknown, which the header must not show as
// "n8n down" or "drift 0".
type Health struct {
	Context string
	DBOK    bool
	DBError string

	// N8nKnown is false when the instances' health could not be read.
	N8nKnown bool
	// N8nOK is true when every registered instance answered its last call.
	N8nOK bool
	// N8nError names the instances down, for the status line.
	N8nError string
	// Instances counts the registered instances; Up those whose last call
	// answered, Down those whose last call failed (NotAnswering of them ran
	// out of time), the rest were never called.
	Instances, Up, Down, NotAnswering int
	// DownList is the instances down, longest down first, at most
	// DownListed of them: with thousands of instances the header counts and
	// the status line names a few.
	DownList []Reach

	// LastSync is the oldest good sync cycle among the instances synced at
	// all; NeverSynced counts the others.
	LastSync    *time.Time
	NeverSynced int
	DriftKnown  bool
	DriftCount  int
}

// DownListed is how many down instances Health names.
const DownListed = 5

// Reach is what the console knows of whether an instance answers.
type Reach struct {
	InstanceID   int64
	Name         string
	Checked      bool       // false: nothing has called it yet
	Up           bool       // its last call answered
	NotAnswering bool       // down because a call ran out of time, not refused
	Since        *time.Time // down since (nil when up or unknown)
	Error        string     // the last error, on one line, cleaned of control characters
}

// Reach says what the console knows of the instance's reachability.
func (in Instance) Reach() Reach {
	r := Reach{InstanceID: in.ID, Name: in.Name, Checked: in.Healthy != nil}
	if in.Healthy == nil {
		return r
	}
	r.Up = *in.Healthy
	if r.Up {
		return r
	}
	r.Error = safetext.Line(in.LastError)
	r.NotAnswering = notAnswering(in.LastError)
	r.Since = in.DownSince
	if r.Since == nil {
		r.Since = in.LastCheckedAt
	}
	return r
}

// Down says whether the instance's last call failed.
func (r Reach) Down() bool { return r.Checked && !r.Up }

// State is one word for the reach: up, down, not answering, unknown.
func (r Reach) State() string {
	switch {
	case !r.Checked:
		return "unknown"
	case r.Up:
		return "up"
	case r.NotAnswering:
		return "not answering"
	}
	return "down"
}

// Rank orders reaches worst first, for lists sorted by health: down, not
// answering, unknown, up.
func (r Reach) Rank() int {
	switch {
	case !r.Checked:
		return 2
	case r.Up:
		return 3
	case r.NotAnswering:
		return 1
	}
	return 0
}

// notAnswerPrefix starts the recorded error of a call that ran out of time,
// so a reader of the row can tell "not answering" from "refused".
const notAnswerPrefix = "did not answer in "

// notAnswering reads the recorded error: ours, or a deadline as the sync
// loop or an older godmode recorded it.
func notAnswering(lastErr string) bool {
	return strings.HasPrefix(lastErr, notAnswerPrefix) || strings.Contains(lastErr, context.DeadlineExceeded.Error())
}

// healthError is the error recorded for a failed call: a deadline says
// how long the instance was given.
func healthError(err error, start time.Time, deadline time.Time, hasDeadline bool) string {
	if errors.Is(err, context.DeadlineExceeded) && hasDeadline {
		return fmt.Sprintf("%s%s: %v", notAnswerPrefix, roundBound(deadline.Sub(start)), err)
	}
	return err.Error()
}

func roundBound(d time.Duration) time.Duration {
	if d >= time.Second {
		return d.Round(time.Second)
	}
	// Bounds under a second are read to 10 ms: the wait measured here
	// starts a little after the caller set its deadline.
	return d.Round(10 * time.Millisecond)
}

// healthRead bounds the header's reads of Postgres.
const healthRead = 3 * time.Second

// Health reports Postgres, each n8n instance and the drift as the header
// shows them. A down instance is counted, never a reason to call the
// others or the data stale.
func (c *Console) Health(ctx context.Context) Health {
	h := Health{Context: c.context, DBOK: true}
	ctx, cancel := context.WithTimeout(ctx, healthRead)
	defer cancel()
	if err := c.store.Ping(ctx); err != nil {
		h.DBOK, h.DBError = false, safetext.Line(err.Error())
		return h
	}
	insts, err := c.store.Instances(ctx)
	if err != nil {
		h.DBOK, h.DBError = false, safetext.Line(err.Error())
		return h
	}
	h.CountInstances(insts)
	c.readDrift(ctx, &h)
	return h
}

// CountInstances fills the instance counts from the instances' recorded
// health and names the longest down.
func (h *Health) CountInstances(insts []Instance) {
	h.Up, h.Down, h.NotAnswering, h.DownList = 0, 0, 0, nil
	h.N8nKnown, h.Instances = true, len(insts)
	var down []Reach
	for _, in := range insts {
		r := in.Reach()
		switch {
		case r.Up:
			h.Up++
		case r.Down():
			h.Down++
			if r.NotAnswering {
				h.NotAnswering++
			}
			down = append(down, r)
		}
	}
	h.N8nOK = h.Down == 0
	if len(down) == 0 {
		return
	}
	sort.SliceStable(down, func(i, j int) bool { return timeBefore(down[i].Since, down[j].Since) })
	h.DownList = down[:min(len(down), DownListed)]
	names := make([]string, 0, len(down))
	for _, r := range down {
		names = append(names, r.Name)
	}
	h.N8nError = fmt.Sprintf("%d of %d instance(s) down: %s", len(down), len(insts), joinMax(names, 3))
}

// timeBefore orders known times first, oldest first.
func timeBefore(a, b *time.Time) bool {
	switch {
	case a == nil:
		return false
	case b == nil:
		return true
	}
	return a.Before(*b)
}
