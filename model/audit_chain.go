package model

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
)

// The ways a row can fail the audit chain.
const (
	AuditContentChanged = "content changed"
	AuditRowMissing     = "row missing from the chain"
	AuditLinkBroken     = "link broken"
	AuditOutsideChain   = "row outside the chain"
)

// AuditBreak is the first row of the trail that does not match.
type AuditBreak struct {
	ID, Seq int64
	Problem string // one of the Audit… constants above
	Detail  string
}

func (b AuditBreak) String() string {
	return fmt.Sprintf("row id %d (seq %d): %s: %s", b.ID, b.Seq, b.Problem, b.Detail)
}

// AuditChainReport is what verifying the chain found. The chain cannot see
// rows cut off its end: HeadSeq and HeadHash are what to record elsewhere
// (a ticket, a log) so a later verify can be compared against them.
type AuditChainReport struct {
	Rows     int64 // rows that matched, in chain order
	HeadSeq  int64
	HeadHash string
	Break    *AuditBreak // nil when every row matched
}

// ErrAuditChainBroken is wrapped when verify finds a row that does not match.
var ErrAuditChainBroken = errors.New("the audit chain does not verify")

// AuditAppender is the part of a store that records attempts.
type AuditAppender interface {
	AppendAudit(ctx context.Context, e AuditEntry) (AuditEntry, error)
}

// AuditChainStore verifies the trail; db.Store implements it.
type AuditChainStore interface {
	AuditAppender
	VerifyAuditChain(ctx context.Context) (AuditChainReport, error)
}

// VerifyAudit checks the whole audit chain for a super admin, and records
// the attempt, refused or not, with what it found.
func VerifyAudit(ctx context.Context, store AuditChainStore, actor Actor) (AuditChainReport, error) {
	var rep AuditChainReport
	err := RunAudited(ctx, store, actor, ActionVerifyAudit, nil, func(ctx context.Context) (json.RawMessage, error) {
		var err error
		if rep, err = store.VerifyAuditChain(ctx); err != nil {
			return nil, err
		}
		after, _ := json.Marshal(map[string]any{"rows": rep.Rows, "head_seq": rep.HeadSeq, "head_hash": rep.HeadHash})
		if rep.Break != nil {
			return after, fmt.Errorf("%w: %s", ErrAuditChainBroken, rep.Break)
		}
		return after, nil
	})
	return rep, err
}

// RunAudited authorises a platform-wide action, runs it and records the
// attempt: refused (outcome failed, nothing run), failed, or ok with what
// run returns as the row's after. before says what was asked. The row is
// written even when ctx is cancelled.
func RunAudited(ctx context.Context, store AuditAppender, actor Actor, action Action, before json.RawMessage,
	run func(ctx context.Context) (json.RawMessage, error)) error {
	if err := Authorize(actor, action, 0); err != nil {
		return appendAttempt(ctx, store, actor, action, before, nil, err)
	}
	after, err := run(ctx)
	return appendAttempt(ctx, store, actor, action, before, after, err)
}

func appendAttempt(ctx context.Context, store AuditAppender, actor Actor, action Action, before, after json.RawMessage, err error) error {
	outcome := OutcomeOK
	if err != nil {
		outcome = OutcomeFailed
	}
	e := actor.auditEntry(string(action), outcome, err)
	e.Before, e.After = before, after
	if _, aerr := store.AppendAudit(context.WithoutCancel(ctx), e); aerr != nil {
		return errors.Join(err, fmt.Errorf("the attempt was not recorded in the audit trail: %w", aerr))
	}
	return err
}

// recordAudit writes one row of an attempt that happened: it outlives the
// caller's cancellation, and a row that cannot be written is logged, since
// the attempt itself already took place.
func recordAudit(ctx context.Context, store AuditAppender, log *slog.Logger, e AuditEntry) {
	if _, err := store.AppendAudit(context.WithoutCancel(ctx), e); err != nil {
		log.Error("audit row not written", "action", e.Action, "outcome", e.Outcome, "err", err)
	}
}
