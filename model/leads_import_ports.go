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
// staging table (COPY), then merged in one statement.
type LeadStaging struct {
	CampaignID *int64
	// HasStatus says the file has a status column: an empty status cell
	// then keeps the lead's status (a new lead is "new").
	HasStatus bool
	Skip      bool // LeadsSkip; otherwise LeadsMerge
	// Next returns the next valid row; ok false at the end. Its error
	// rolls everything back.
	Next func() (row LeadStagingRow, ok bool, err error)
	// Staged is called once every row is staged, before the merge, and
	// says which keys land typed (key -> "number" or "boolean"; the
	// others stay strings) and which keys hold a value; its error rolls
	// everything back (an all-or-nothing import with a failed row).
	Staged func(rows int) (StagedKeys, error)
}

// StagedKeys are what the staged rows' metadata keys turned out to be.
type StagedKeys struct {
	Typed  map[string]string
	Filled []string
}

// LeadStagingRow is one valid row: its number in the file's data rows
// (later wins), its line, the normalised email, the mapped status ("" for
// none) and its metadata as a JSON object of strings, the empty cells left
// out (so they never erase a value).
type LeadStagingRow struct {
	N, Line       int
	Email, Status string
	Metadata      []byte
}

// LeadMergeCounts are what the merge did.
type LeadMergeCounts struct {
	Inserted, Updated int
}
