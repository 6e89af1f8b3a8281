package model

import "context"

// LeadPageRequest is one keyset page of a workspace's leads, by id: the
// page after an id, before an id, the first (neither) or the last.
// Keyset, never OFFSET: the millionth row costs what the first does.
type LeadPageRequest struct {
	After  int64 // ids greater than this (0: from the first)
	Before int64 // ids less than this (0: not set)
	Last   bool  // the last page (G)
	Limit  int   // at most MaxLeadPage; 0: DefaultLeadPage
}

// Bounds of one page of leads.
const (
	DefaultLeadPage = 200
	MaxLeadPage     = 1000
	// MaxLeadKeys bounds the metadata keys (columns) read of a workspace.
	MaxLeadKeys = 500
	// LeadCountCap is how far a filtered count goes: past it the screen
	// says "10,000+" rather than counting a million rows on each key.
	LeadCountCap = 10000
)

// LeadBrowser is the read side of leads the :leads screen and exports
// use; db.Store implements it. Every method scopes its transaction to
// the one workspace (row-level security), and model authorises first.
type LeadBrowser interface {
	// LeadKeys is the metadata keys the workspace's leads have held, by
	// name, at most limit.
	LeadKeys(ctx context.Context, workspaceID int64, limit int) ([]string, error)
	// LeadTotal is the number of the workspace's leads (lead_counts).
	LeadTotal(ctx context.Context, workspaceID int64) (int64, error)
	// CountLeads counts the leads f matches, stopping at upTo+1.
	CountLeads(ctx context.Context, workspaceID int64, f LeadFilter, upTo int) (int, error)
	// LeadsPage reads one page of the leads f matches, in id order.
	LeadsPage(ctx context.Context, workspaceID int64, f LeadFilter, p LeadPageRequest) ([]Lead, error)
	// ExportLeads streams every lead f matches in id order, from one
	// snapshot: keys first (the metadata keys those leads hold, by
	// name), then each row. It returns the number of rows.
	ExportLeads(ctx context.Context, workspaceID int64, f LeadFilter, keys func([]string) error, row func(Lead) error) (int64, error)
}
