package model

import (
	"io"
	"time"
)

// How an import treats an email it has seen already (earlier in the file,
// or among the workspace's leads).
const (
	// LeadsMerge merges the metadata, the newer value of a key winning (a
	// later row of the file over an earlier one, the file over the table),
	// and takes the newer status and campaign.
	LeadsMerge = "merge"
	// LeadsSkip keeps the first row of the file and the lead already there.
	LeadsSkip = "skip"
)

// LeadImport is one CSV import into a workspace's leads.
type LeadImport struct {
	Workspace string // slug
	Campaign  string // a campaign's name; "" for none
	// Source is the CSV, read once, streamed; Name names it in messages
	// ("stdin" for -) and Size is its length in bytes (0 unknown: no ETA).
	Source io.Reader
	Name   string
	Size   int64
	// AsText keeps every metadata value a string; otherwise a column whose
	// every non-empty value is a number (or a boolean) lands typed.
	AsText bool
	// Duplicates is LeadsMerge (the default, "") or LeadsSkip.
	Duplicates string
	// SkipInvalid lands the valid rows when some fail; without it nothing
	// lands if any row fails.
	SkipInvalid bool
	// Rejects, when set, receives the rows that failed as CSV: the file's
	// header, then each failed row with its line number and reason.
	Rejects io.Writer
	// Progress is called now and then while the import runs (from the
	// importing goroutine).
	Progress func(LeadImportProgress)
}

// LeadImportProgress is where an import stands.
type LeadImportProgress struct {
	Phase    string // "reading" (streaming into staging), then "merging"
	Rows     int    // data rows read so far
	Rejected int
	Bytes    int64 // bytes of the source read so far
	Size     int64 // the source's size, 0 unknown
	Elapsed  time.Duration
}

// RowsPerSecond is the import's rate so far (0 before the first second's
// worth of rows).
func (p LeadImportProgress) RowsPerSecond() float64 {
	if p.Elapsed <= 0 {
		return 0
	}
	return float64(p.Rows) / p.Elapsed.Seconds()
}

// ETA is how long the rest should take at the rate so far; 0 when unknown.
func (p LeadImportProgress) ETA() time.Duration {
	if p.Size <= 0 || p.Bytes <= 0 || p.Bytes >= p.Size || p.Elapsed <= 0 {
		return 0
	}
	return time.Duration(float64(p.Elapsed) * float64(p.Size-p.Bytes) / float64(p.Bytes))
}

// LeadReject is a row that failed, by its line in the file.
type LeadReject struct {
	Line   int
	Reason string
}

// LeadImportResult is what an import did.
type LeadImportResult struct {
	Workspace string
	// Format says how the file was read, e.g. "latin-1 (converted to
	// UTF-8), ';'-separated, CRLF line ends, header on line 1".
	Format   string
	Rows     int // data rows read
	Inserted int
	Updated  int // existing leads merged
	Skipped  int // duplicates skipped (LeadsSkip), in the file or in the table
	Merged   int // rows of the file merged into an earlier row of the same email
	Rejected int
	// Rejects are the first rejected rows (at most 100; Rejected counts
	// them all).
	Rejects []LeadReject
	// Typed names the metadata keys that landed as numbers or booleans
	// ("number", "boolean"); the others are strings.
	Typed map[string]string
	// Landed is false when nothing was written (all-or-nothing with a
	// failed row, or an interrupted import).
	Landed  bool
	Elapsed time.Duration
}
