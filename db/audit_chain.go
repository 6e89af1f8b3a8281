package db

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"time"

	"github.com/godmode-console/godmode/model"
)

// chainRow is an audit row as the chain sees it: every column, in the
// text Postgres gives it.
type chainRow struct {
	id, seq                             *int64
	at                                  time.Time
	actorUserID, workspace, campaign    *int64
	actor, keyFP, action, outc, errText string
	before, after                       *string
	prevHash, hash                      *string
}

// auditChainColumns are the columns the chain covers, in hash order with
// the bookkeeping ones; TestAuditChainCoversEveryColumn fails when
// audit_log has a column not listed here.
var auditChainColumns = []string{"seq", "id", "at", "actor_user_id", "actor", "key_fingerprint", "action",
	"workspace_id", "campaign_id", "before", "after", "outcome", "error", "prev_hash", "hash"}

// AuditChainColumns is auditChainColumns, for the test.
func AuditChainColumns() []string { return append([]string(nil), auditChainColumns...) }

// rowHash is migration 00004's audit_log_hash() recomputed in Go, so a
// verifier does not trust a function the owner could replace.
func rowHash(r chainRow) string {
	h := sha256.New()
	h.Write([]byte("godmode-audit-v1"))
	field := func(v *string) {
		if v == nil {
			h.Write([]byte("|~"))
			return
		}
		fmt.Fprintf(h, "|%d:%s", len(*v), *v)
	}
	num := func(v *int64) *string {
		if v == nil {
			return nil
		}
		s := strconv.FormatInt(*v, 10)
		return &s
	}
	str := func(s string) *string { return &s }
	field(num(r.seq))
	field(num(r.id))
	field(str(r.at.UTC().Format("2006-01-02T15:04:05.000000Z")))
	field(num(r.actorUserID))
	field(str(r.actor))
	field(str(r.keyFP))
	field(str(r.action))
	field(num(r.workspace))
	field(num(r.campaign))
	field(r.before)
	field(r.after)
	field(str(r.outc))
	field(str(r.errText))
	field(r.prevHash)
	return hex.EncodeToString(h.Sum(nil))
}

// VerifyAuditChain reads the whole trail in chain order and recomputes
// every hash. It stops at the first row that does not match and says why;
// rows are streamed, so the trail's size costs time, not memory.
func (s *Store) VerifyAuditChain(ctx context.Context) (model.AuditChainReport, error) {
	var rep model.AuditChainReport
	// NULL seq first: a row slipped in with the chain trigger disabled.
	rows, err := s.pool.Query(ctx, `SELECT id, seq, at, actor_user_id, actor, key_fingerprint, action, workspace_id, campaign_id,
		before::text, after::text, outcome::text, error, prev_hash, hash
		FROM audit_log ORDER BY seq NULLS FIRST, id`)
	if err != nil {
		return rep, dbErr("audit verify", err)
	}
	defer rows.Close()
	var prev *chainRow
	for rows.Next() {
		var r chainRow
		if err := rows.Scan(&r.id, &r.seq, &r.at, &r.actorUserID, &r.actor, &r.keyFP, &r.action, &r.workspace, &r.campaign,
			&r.before, &r.after, &r.outc, &r.errText, &r.prevHash, &r.hash); err != nil {
			return rep, dbErr("audit verify", err)
		}
		if b := checkLink(prev, r); b != nil {
			rep.Break = b
			return rep, nil
		}
		rep.Rows++
		rep.HeadSeq, rep.HeadHash = *r.seq, *r.hash
		prev = &r
	}
	return rep, dbErr("audit verify", rows.Err())
}

// checkLink says what is wrong with r coming after prev (nil: r is first).
func checkLink(prev *chainRow, r chainRow) *model.AuditBreak {
	b := &model.AuditBreak{ID: *r.id}
	if r.seq != nil {
		b.Seq = *r.seq
	}
	wantSeq, wantPrev := int64(1), ""
	if prev != nil {
		wantSeq, wantPrev = *prev.seq+1, *prev.hash
	}
	switch {
	case r.seq == nil || r.hash == nil || r.prevHash == nil:
		b.Problem = model.AuditOutsideChain
		b.Detail = "the row has no place in the chain (seq or hash empty): it was written with the chain trigger bypassed"
	case *r.seq > wantSeq:
		b.Problem = model.AuditRowMissing
		b.Detail = fmt.Sprintf("seq %d follows seq %d: %d row(s) before it are gone", *r.seq, wantSeq-1, *r.seq-wantSeq)
	case *r.seq < wantSeq:
		b.Problem = model.AuditLinkBroken
		b.Detail = fmt.Sprintf("seq %d appears twice", *r.seq)
	case *r.prevHash != wantPrev:
		b.Problem = model.AuditLinkBroken
		b.Detail = fmt.Sprintf("prev_hash %s is not the hash of seq %d (%s)", short(*r.prevHash), wantSeq-1, short(wantPrev))
	case rowHash(r) != *r.hash:
		b.Problem = model.AuditContentChanged
		b.Detail = "the stored hash does not match the row's content: the row was changed after it was written"
	default:
		return nil
	}
	return b
}

func short(h string) string {
	if h == "" {
		return `""`
	}
	if len(h) > 12 {
		return h[:12] + "…"
	}
	return h
}
