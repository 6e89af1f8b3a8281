package model

import "context"

// LeadImportStore is what an import needs of Postgres; db.Store implements
// it. ImportLeads stages and merges in one transaction of the workspace.
type LeadImportStore interface {
	Runs(ctx context.Context, workspaceID int64) ([]ProvisioningRun, error)
	RunVersion(ctx context.Context, runID int64) (string, BlueprintVersion, error)
	ImportLeads(ctx context.Context, workspaceID int64, in LeadStaging) (LeadMergeCounts, error)
}

// LeadStaging is one import as the store runs it: rows streamed into a
// staging table (COPY), typed, then merged in one statement.
type LeadStaging struct {
	CampaignID *int64
	// Keys are the metadata keys, in the order of a row's Vals.
	Keys []string
	// HasStatus says the file has a status column: an empty status cell
	// then keeps the lead's status (a new lead is "new").
	HasStatus bool
	AsText    bool
	Skip      bool // LeadsSkip; otherwise LeadsMerge
	// Next returns the next valid row; ok false at the end. Its error
	// rolls everything back.
	Next func() (row LeadStagingRow, ok bool, err error)
	// Staged is called once every row is staged, before typing and the
	// merge; its error rolls everything back (an all-or-nothing import
	// with a failed row). Merging, when set, is called as the merge starts.
	Staged func(rows int) error
}

// LeadStagingRow is one valid row: its number in the file's data rows
// (later wins), its line, the normalised email, the mapped status ("" for
// none) and the metadata cells ("" is no value: it never erases one).
type LeadStagingRow struct {
	N, Line       int
	Email, Status string
	Vals          []string
}

// LeadMergeCounts are what the merge did.
type LeadMergeCounts struct {
	Inserted, Updated int
	Emails            int // distinct emails staged
	// Typed are the keys that landed as "number" or "boolean".
	Typed map[string]string
}
