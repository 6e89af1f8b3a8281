package model

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"time"
	"unicode/utf8"

	"github.com/godmode-console/godmode/forensics/safetext"
)

// PulseWindow is how far back the pulse looks, and so how far back the
// summariser goes: a failure older than the pulse shows nowhere, so its
// data is not fetched.
const PulseWindow = 24 * time.Hour

// What a failure summary is (failure_summaries.kind).
const (
	SummaryFailed     = "failed"     // a failed execution, summarised
	SummarySwallowed  = "swallowed"  // a success with errors its nodes swallowed
	SummaryUnreadable = "unreadable" // a failed execution whose data could not be summarised; Message says why
)

// Caps of what a summary keeps, in runes (the schema checks them too).
const (
	maxSummaryRaw  = 1000
	maxSummaryName = 200
)

// FailureSummary is what sync keeps of one execution's failure: where and
// what, never the items.
type FailureSummary struct {
	CampaignID  int64
	ExecutionID string
	Kind        string
	StartedAt   time.Time
	Node        string
	NodeType    string
	Class       string // "HTTP 429", or the error's name
	Message     string // normalised (NormaliseMessage)
	RawMessage  string // as n8n wrote it, capped and cleaned
	Items       int    // swallowed: output items that carried an error
	GroupKey    string // FailureGroupKey of kind, node type, class, message
}

// FailureGroupKey is the stable id of a failure group: the same kind of
// summary, node type, error class and normalised message.
func FailureGroupKey(kind, nodeType, class, message string) string {
	h := sha256.Sum256([]byte(kind + "\x1f" + nodeType + "\x1f" + class + "\x1f" + message))
	return hex.EncodeToString(h[:8])
}

// newSummary fills what every summary derives from its fields: the texts
// cleaned and capped, the message normalised, the group key.
func newSummary(e SyncExecution, kind, node, nodeType, class, raw string, items int) FailureSummary {
	raw = capRunes(safetext.Line(raw), maxSummaryRaw)
	s := FailureSummary{CampaignID: e.CampaignID, ExecutionID: e.ID, Kind: kind, StartedAt: e.StartedAt,
		Node: capRunes(safetext.Line(node), maxSummaryName), NodeType: capRunes(safetext.Line(nodeType), maxSummaryName),
		Class: capRunes(safetext.Line(class), maxSummaryName), Message: NormaliseMessage(raw), RawMessage: raw, Items: items}
	s.GroupKey = FailureGroupKey(s.Kind, s.NodeType, s.Class, s.Message)
	return s
}

func capRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	i := 0
	for j := range s {
		if i == n-1 {
			return s[:j] + "…"
		}
		i++
	}
	return s
}

// FailureSummaryStore is what the summariser needs of Postgres beyond
// SyncStore; db.Store implements it. A store without it gets no summaries.
type FailureSummaryStore interface {
	// PendingFailures lists the instance's failed executions (error,
	// crashed) started after since that have no summary yet, newest
	// first, at most limit.
	PendingFailures(ctx context.Context, instanceID int64, since time.Time, limit int) ([]SyncExecution, error)
}

// SummaryReport is what one cycle's summariser did and how far behind it
// is, for the cycle's report and the log.
type SummaryReport struct {
	Budget        int // n8n calls it may make per cycle (0: summaries are off)
	Calls         int // n8n calls it made
	Summarised    int // summaries written
	Failed        int // calls that failed: those executions stay pending
	Pending       int // failed executions of the pulse's window not summarised yet
	OldestPending *time.Time
}
