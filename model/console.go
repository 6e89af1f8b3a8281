package model

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sort"
	"time"
)

// Console is the use cases a console session calls: the fleet as lists,
// toggles, the kill switch, the audit trail, instance health. The ui
// package's Backend is this type's method set.
type Console struct {
	store    Store
	clients  *clients
	readOnly bool
	context  string
	// toggleTimeout bounds one toggle's n8n calls.
	toggleTimeout time.Duration
	log           *slog.Logger
	now           func() time.Time

	readTimeout    time.Duration
	searchMaxBytes int

	feed changeFeed    // what the listener saw, for the sessions (changes.go)
	own  *subscription // the console's own reader (Changes)
	// shared is the execution lists read of n8n, shared by every session
	// of the process (shared_reads.go).
	shared *sharedReads
}

// ConsoleOptions configure a Console.
type ConsoleOptions struct {
	Context  string // the configuration context, shown in the header
	ReadOnly bool   // refuse every change, whoever asks
	// ToggleTimeout bounds the n8n calls of one toggle (default 5 s): past
	// it the toggle fails with "n8n did not answer in 5s".
	ToggleTimeout time.Duration
	Log           *slog.Logger
	Now           func() time.Time
	// ReadTimeout bounds each read of n8n the console makes for a pane
	// (0: DefaultReadTimeout).
	ReadTimeout time.Duration
	// ProvisionCalls bounds the provisioning calls in flight to one n8n
	// instance, across every run of this console (0: DefaultProvisionCalls).
	ProvisionCalls int
	// SearchMaxBytes is the most of one execution a data search reads
	// (0: DefaultSearchMaxBytes); a larger one is skipped and named.
	SearchMaxBytes int
}

// DefaultToggleTimeout bounds a toggle's n8n calls unless configured.
const DefaultToggleTimeout = 5 * time.Second

// NewConsole returns the use cases over a store and n8n clients made by dial.
func NewConsole(store Store, dial Dialer, opt ConsoleOptions) *Console {
	if opt.Log == nil {
		opt.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.ToggleTimeout <= 0 {
		opt.ToggleTimeout = DefaultToggleTimeout
	}
	if opt.ReadTimeout <= 0 {
		opt.ReadTimeout = DefaultReadTimeout
	}
	if opt.SearchMaxBytes <= 0 {
		opt.SearchMaxBytes = DefaultSearchMaxBytes
	}
	c := &Console{store: store, clients: &clients{store: store, dial: dial, limits: callLimits{n: opt.ProvisionCalls}}, readOnly: opt.ReadOnly,
		context: opt.Context, log: opt.Log, now: opt.Now, toggleTimeout: opt.ToggleTimeout, readTimeout: opt.ReadTimeout,
		searchMaxBytes: opt.SearchMaxBytes}
	c.shared = newSharedReads(opt.Now)
	c.feed.flushed = c.shared.forget
	c.own = c.feed.subscribe()
	return c
}

// ReadOnly says whether this console refuses every change.
func (c *Console) ReadOnly() bool { return c.readOnly }

// Workspaces lists every workspace with its counts and whether its n8n
// instance answers, so the console marks only the workspaces of a down
// instance.
func (c *Console) Workspaces(ctx context.Context) ([]WorkspaceSummary, error) {
	wss, err := c.store.WorkspaceSummaries(ctx)
	if err != nil {
		return nil, err
	}
	insts, err := c.store.Instances(ctx)
	if err != nil {
		return nil, err
	}
	reach := make(map[int64]Reach, len(insts))
	for _, in := range insts {
		reach[in.ID] = in.Reach()
	}
	for i := range wss {
		if id := wss[i].InstanceID; id != nil {
			wss[i].InstanceReach = reach[*id]
		}
	}
	return wss, nil
}

// Campaigns lists a workspace's campaigns.
func (c *Console) Campaigns(ctx context.Context, workspaceID int64) ([]Campaign, error) {
	return c.store.Campaigns(ctx, workspaceID)
}

// ExecutionsShown is how many executions the executions pane lists.
const ExecutionsShown = 100

// DefaultReadTimeout bounds the console's reads of n8n (the executions
// pane, following a retry): a hung instance must turn "not answering" in
// the header within seconds, not hold the poll for its whole deadline.
const DefaultReadTimeout = 4 * time.Second

func (c *Console) readBound(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, c.readTimeout)
}

// Executions lists a campaign's latest executions, asked of n8n. status
// narrows them ("" for all).
func (c *Console) Executions(ctx context.Context, campaignID int64, status string) ([]Execution, error) {
	camp, err := c.store.Campaign(ctx, campaignID)
	if err != nil {
		return nil, err
	}
	rows, err := c.listExecutions(ctx, camp, status, ExecutionsShown, c.readTimeout)
	if errors.Is(err, context.DeadlineExceeded) {
		return nil, fmt.Errorf("n8n did not answer in %s: %w", roundBound(c.readTimeout), err)
	}
	return rows, err
}

// Audit lists the audit trail.
func (c *Console) Audit(ctx context.Context, f AuditFilter) ([]AuditEntry, error) {
	return c.store.Audit(ctx, f)
}

// Instances lists every n8n instance with the workspaces on it.
func (c *Console) Instances(ctx context.Context) ([]InstanceHealth, error) {
	insts, err := c.store.Instances(ctx)
	if err != nil {
		return nil, err
	}
	wss, err := c.store.WorkspaceSummaries(ctx)
	if err != nil {
		return nil, err
	}
	by := map[int64][]string{}
	for _, w := range wss {
		if w.InstanceID != nil {
			by[*w.InstanceID] = append(by[*w.InstanceID], w.Slug)
		}
	}
	out := make([]InstanceHealth, 0, len(insts))
	for _, in := range insts {
		slugs := by[in.ID]
		sort.Strings(slugs)
		out = append(out, InstanceHealth{Instance: in, Workspaces: slugs})
	}
	return out, nil
}

// WorkspaceBySlug finds a workspace for the CLI.
func (c *Console) WorkspaceBySlug(ctx context.Context, slug string) (Workspace, error) {
	ws, err := c.store.WorkspaceBySlug(ctx, slug)
	if errors.Is(err, ErrNotFound) {
		return ws, fmt.Errorf("no workspace %q", slug)
	}
	return ws, err
}

func joinMax(s []string, n int) string {
	if len(s) <= n {
		return fmt.Sprint(s)
	}
	return fmt.Sprintf("%v and %d more", s[:n], len(s)-n)
}
