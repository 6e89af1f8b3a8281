package model

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// The :leads screen's reads and the leads export. Reading leads is a
// read of the workspace (ActionView, as reads.go's are): a refusal leaves
// an audit row, a read that succeeds does not. An export is audited on
// every attempt, with its filter and how many leads it wrote, never a
// lead's values.

// Audit actions of the leads reads.
const (
	AuditLeadsRead   = "leads.read"
	AuditLeadsExport = "leads.export"
)

// errNoLeads is what a console over a store without leads answers.
var errNoLeads = errors.New("this store does not hold leads")

// LeadsHead is what the :leads screen shows above its rows: which
// workspace, the columns, how many leads.
type LeadsHead struct {
	WorkspaceID int64
	Workspace   string // slug
	// Keys are the metadata keys the workspace's leads have held: the
	// screen's columns after email, status and campaign.
	Keys      []string
	Total     int64 // every lead of the workspace
	Filtered  bool  // a filter is in force: Matching says how many match
	Matching  int   // up to LeadCountCap
	Capped    bool  // more than LeadCountCap match
	Campaigns map[int64]string
}

func (c *Console) leadBrowser() (LeadBrowser, error) {
	lb, ok := c.store.(LeadBrowser)
	if !ok {
		return nil, errNoLeads
	}
	return lb, nil
}

// leadsWorkspace finds the workspace and authorises the actor to read it;
// a refusal is audited under action.
func (c *Console) leadsWorkspace(ctx context.Context, actor Actor, slug string, act Action, action string, what map[string]any) (Workspace, LeadBrowser, error) {
	lb, err := c.leadBrowser()
	if err != nil {
		return Workspace{}, nil, err
	}
	ws, err := c.store.WorkspaceBySlug(ctx, slug)
	if err != nil {
		if errors.Is(err, ErrNotFound) {
			return Workspace{}, nil, fmt.Errorf("no workspace %q: %w", slug, ErrNotFound)
		}
		return Workspace{}, nil, err
	}
	if err := c.authorize(ctx, actor, act, ws.ID); err != nil {
		c.auditRefusedRead(ctx, actor, action, ws.ID, 0, what, err)
		return Workspace{}, nil, err
	}
	return ws, lb, nil
}

// ReadLeadsHead reads the columns and counts of a workspace's leads, for
// an actor who may view the workspace.
func (c *Console) ReadLeadsHead(ctx context.Context, actor Actor, slug string, f LeadFilter) (LeadsHead, error) {
	ws, lb, err := c.leadsWorkspace(ctx, actor, slug, ActionView, AuditLeadsRead, filterWhat(f))
	if err != nil {
		return LeadsHead{}, err
	}
	h := LeadsHead{WorkspaceID: ws.ID, Workspace: ws.Slug, Filtered: len(f.Terms) > 0, Campaigns: map[int64]string{}}
	if h.Keys, err = lb.LeadKeys(ctx, ws.ID, MaxLeadKeys); err != nil {
		return LeadsHead{}, err
	}
	if h.Total, err = lb.LeadTotal(ctx, ws.ID); err != nil {
		return LeadsHead{}, err
	}
	if h.Filtered {
		n, err := lb.CountLeads(ctx, ws.ID, f, LeadCountCap)
		if err != nil {
			return LeadsHead{}, err
		}
		h.Matching, h.Capped = min(n, LeadCountCap), n > LeadCountCap
	}
	camps, err := c.store.Campaigns(ctx, ws.ID)
	if err != nil {
		return LeadsHead{}, err
	}
	for _, cp := range camps {
		h.Campaigns[cp.ID] = cp.Name
	}
	return h, nil
}

// ReadLeadsPage reads one keyset page of the workspace's leads f matches,
// in id order, for an actor who may view the workspace.
func (c *Console) ReadLeadsPage(ctx context.Context, actor Actor, workspaceID int64, f LeadFilter, p LeadPageRequest) ([]Lead, error) {
	lb, err := c.leadBrowser()
	if err != nil {
		return nil, err
	}
	if err := c.authorize(ctx, actor, ActionView, workspaceID); err != nil {
		c.auditRefusedRead(ctx, actor, AuditLeadsRead, workspaceID, 0, filterWhat(f), err)
		return nil, err
	}
	return lb.LeadsPage(ctx, workspaceID, f, p)
}

func filterWhat(f LeadFilter) map[string]any {
	if len(f.Terms) == 0 {
		return nil
	}
	return map[string]any{"filter": f.String()}
}

// LeadsHead is ReadLeadsHead as this session's actor.
func (c *ActorConsole) LeadsHead(ctx context.Context, slug string, f LeadFilter) (LeadsHead, error) {
	return c.ReadLeadsHead(ctx, c.actor, slug, f)
}

// LeadsPage is ReadLeadsPage as this session's actor.
func (c *ActorConsole) LeadsPage(ctx context.Context, workspaceID int64, f LeadFilter, p LeadPageRequest) ([]Lead, error) {
	return c.ReadLeadsPage(ctx, c.actor, workspaceID, f, p)
}

// LeadExport is what an export writes to: the header once, then each
// lead with its campaign's name ("" for none).
type LeadExport struct {
	Header func(keys []string) error
	Row    func(l Lead, campaign string) error
}

// ExportLeads streams the leads of the workspace slug that f matches (and,
// when campaign is not "", that belong to the campaign of that name),
// for an actor allowed ActionExportLeads there. Every attempt is audited
// with the filter and the number of leads written.
func (c *Console) ExportLeads(ctx context.Context, actor Actor, slug, campaign string, f LeadFilter, out LeadExport) (int64, error) {
	what := map[string]any{"workspace": slug, "filter": f.String()}
	if campaign != "" {
		what["campaign"] = campaign
	}
	var n int64
	audit := func(wsID int64, err error) {
		outcome := OutcomeOK
		if err != nil {
			outcome = OutcomeFailed
		}
		e := actor.auditEntry(AuditLeadsExport, outcome, err)
		if wsID != 0 {
			e.WorkspaceID = &wsID
		}
		what["count"] = n
		e.After = jsonObject(what)
		c.appendAudit(ctx, e)
	}
	lb, err := c.leadBrowser()
	if err != nil {
		return 0, err
	}
	ws, err := c.store.WorkspaceBySlug(ctx, slug)
	if err != nil {
		if errors.Is(err, ErrNotFound) {
			err = fmt.Errorf("no workspace %q: %w", slug, ErrNotFound)
		}
		audit(0, err)
		return 0, err
	}
	if err := c.authorize(ctx, actor, ActionExportLeads, ws.ID); err != nil {
		audit(ws.ID, err)
		return 0, err
	}
	camps, err := c.store.Campaigns(ctx, ws.ID)
	if err != nil {
		audit(ws.ID, err)
		return 0, err
	}
	names := map[int64]string{}
	found := campaign == ""
	for _, cp := range camps {
		names[cp.ID] = cp.Name
		found = found || strings.EqualFold(cp.Name, campaign)
	}
	if !found {
		err := fmt.Errorf("workspace %s has no campaign %q: %w", ws.Slug, campaign, ErrNotFound)
		audit(ws.ID, err)
		return 0, err
	}
	if campaign != "" {
		f = f.With(LeadTerm{Key: LeadKeyCampaign, Op: LeadEq, Value: campaign, Text: "campaign=" + campaign})
	}
	n, err = lb.ExportLeads(ctx, ws.ID, f, out.Header, func(l Lead) error {
		name := ""
		if l.CampaignID != nil {
			name = names[*l.CampaignID]
		}
		return out.Row(l, name)
	})
	audit(ws.ID, err)
	return n, err
}
