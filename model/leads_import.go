package model

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/godmode-console/godmode/model/leadcsv"
)

// AuditLeadsImport is the audit action of a CSV import.
const AuditLeadsImport = "leads.import"

// MaxResultRejects bounds LeadImportResult.Rejects; Rejected counts all.
const MaxResultRejects = 100

// progressRows and progressEvery pace the progress callback.
const (
	progressRows  = 10_000
	progressEvery = 200 * time.Millisecond
)

// ImportLeads imports a CSV file into a workspace's leads, streamed: the
// header is checked against the lead schema of the blueprint version the
// workspace was last provisioned from before any further row is read;
// every row is checked (email, status, shape); the valid rows are COPYed
// into a staging table and merged in one statement, all in one
// transaction. Any failed row, without SkipInvalid, lands nothing; an
// interrupted import (ctx cancelled) lands nothing. Super admins and the
// workspace's owners and admins may import; every attempt is audited with
// its counts, never a cell's value.
func (c *Console) ImportLeads(ctx context.Context, actor Actor, req LeadImport) (LeadImportResult, error) {
	start := c.now()
	name := req.Name
	if name == "" {
		name = "the file"
	}
	res := LeadImportResult{Workspace: req.Workspace}
	state := map[string]any{"workspace": req.Workspace, "file": name, "duplicates": req.Duplicates,
		"skip_invalid": req.SkipInvalid, "as_text": req.AsText}
	if req.Campaign != "" {
		state["campaign"] = req.Campaign
	}
	var wsID *int64
	// finish audits the attempt; auditErr is the error without cell
	// values (an email quoted in a reason stays out of the audit).
	finish := func(err, auditErr error) (LeadImportResult, error) {
		res.Elapsed = c.now().Sub(start)
		state["rows"], state["inserted"], state["updated"], state["skipped"] = res.Rows, res.Inserted, res.Updated, res.Skipped
		state["merged"], state["rejected"], state["landed"] = res.Merged, res.Rejected, res.Landed
		if res.Format != "" {
			state["format"] = res.Format
		}
		outcome := OutcomeOK
		if err != nil {
			outcome = OutcomeFailed
			if auditErr == nil {
				auditErr = err
			}
		}
		e := actor.auditEntry(AuditLeadsImport, outcome, auditErr)
		e.WorkspaceID = wsID
		e.After = jsonObject(state)
		recordAudit(ctx, c.store, c.log, e)
		return res, err
	}
	fail := func(err error) (LeadImportResult, error) { return finish(err, nil) }

	if c.readOnly {
		return fail(fmt.Errorf("%w: this session is read-only", ErrForbidden))
	}
	switch req.Duplicates {
	case "", LeadsMerge, LeadsSkip:
	default:
		return fail(fmt.Errorf("%w: duplicates %q: say merge or skip", ErrInvalid, req.Duplicates))
	}
	if req.Source == nil {
		return fail(fmt.Errorf("%w: no file to import", ErrInvalid))
	}
	store, ok := c.store.(LeadImportStore)
	if !ok {
		return fail(errors.New("this store cannot import leads"))
	}
	ws, err := c.store.WorkspaceBySlug(ctx, req.Workspace)
	if err != nil {
		if err := c.authorize(ctx, actor, ActionImportLeads, 0); err != nil {
			return fail(err) // a refusal says nothing of which workspaces exist
		}
		return fail(err)
	}
	wsID = &ws.ID
	if err := c.authorize(ctx, actor, ActionImportLeads, ws.ID); err != nil {
		return fail(err)
	}
	if ws.Status == WorkspaceArchived {
		// Retired for good, as adopt, provision and the legacy migration
		// hold: its leads are kept, not added to.
		return fail(archivedError(ws.Slug))
	}
	stage := LeadStaging{Skip: req.Duplicates == LeadsSkip}
	if req.Campaign != "" {
		id, err := c.campaignNamed(ctx, ws, req.Campaign)
		if err != nil {
			return fail(err)
		}
		stage.CampaignID = &id
	}
	schema, err := leadSchemaOf(ctx, store, ws)
	if err != nil {
		return fail(err)
	}

	rd, err := leadcsv.NewReader(req.Source)
	if err != nil {
		return fail(fmt.Errorf("%w: %s: %v", ErrInvalid, name, err))
	}
	res.Format = rd.Format().String()
	cols, err := mapHeader(rd.Header(), schema, name)
	if err != nil {
		return fail(err)
	}
	stage.HasStatus = cols.status >= 0
	stats := newKeyStats(len(cols.keys))

	// The rejects' header is written with the first reject, so a file
	// without one leaves req.Rejects untouched.
	var rejects *csv.Writer
	reject := func(rec leadcsv.Record, reason string) error {
		res.Rejected++
		if len(res.Rejects) < MaxResultRejects {
			res.Rejects = append(res.Rejects, LeadReject{Line: rec.Line, Reason: reason})
		}
		if req.Rejects != nil {
			if rejects == nil {
				rejects = csv.NewWriter(req.Rejects)
				if err := rejects.Write(append(slices.Clone(rd.Header()), "line", "reason")); err != nil {
					return fmt.Errorf("writing the rejects: %w", err)
				}
			}
			row := append(slices.Clone(rec.Fields), fmt.Sprint(rec.Line), reason)
			if err := rejects.Write(row); err != nil {
				return fmt.Errorf("writing the rejects: %w", err)
			}
		}
		return nil
	}
	progress := func(phase string) {
		if req.Progress != nil {
			req.Progress(LeadImportProgress{Phase: phase, Rows: res.Rows, Rejected: res.Rejected,
				Bytes: rd.BytesRead(), Size: req.Size, Elapsed: c.now().Sub(start)})
		}
	}
	var buf []byte
	lastProgress, n := start, 0
	stage.Next = func() (LeadStagingRow, bool, error) {
		for {
			if err := ctx.Err(); err != nil {
				return LeadStagingRow{}, false, err
			}
			rec, err := rd.Read()
			if errors.Is(err, io.EOF) {
				return LeadStagingRow{}, false, nil
			}
			if err != nil {
				return LeadStagingRow{}, false, fmt.Errorf("%w: %s: %v", ErrInvalid, name, err)
			}
			res.Rows++
			if res.Rows%1024 == 0 || res.Rows%progressRows == 0 {
				if now := c.now(); res.Rows%progressRows == 0 || now.Sub(lastProgress) >= progressEvery {
					lastProgress = now
					progress("reading")
				}
			}
			row, why := cols.row(rec, buf, stats)
			if why != "" {
				if err := reject(rec, why); err != nil {
					return LeadStagingRow{}, false, err
				}
				continue
			}
			n++
			row.N = n
			buf = row.Metadata // grown, kept for the next row (COPY has encoded this one by then)
			return row, true, nil
		}
	}
	var allOrNothing error
	var keys StagedKeys
	stage.Staged = func(int) (StagedKeys, error) {
		if res.Rejected > 0 && !req.SkipInvalid {
			allOrNothing = fmt.Errorf("%w: %s: %d of %d rows failed, so nothing landed (give --skip-invalid to land the others): %s",
				ErrInvalid, name, res.Rejected, res.Rows, firstRejects(res.Rejects, 5, true))
			return StagedKeys{}, allOrNothing
		}
		progress("merging")
		keys = stats.staged(cols.keys, req.AsText)
		return keys, nil
	}
	counts, err := store.ImportLeads(ctx, ws.ID, stage)
	if rejects != nil {
		rejects.Flush()
		if ferr := rejects.Error(); ferr != nil && err == nil {
			err = fmt.Errorf("writing the rejects: %w", ferr)
		}
	}
	switch {
	case allOrNothing != nil:
		return finish(allOrNothing, fmt.Errorf("%w: %d of %d rows failed, nothing landed: %s", ErrInvalid, res.Rejected, res.Rows, firstRejects(res.Rejects, 5, false)))
	case ctx.Err() != nil:
		return fail(fmt.Errorf("interrupted: nothing landed (%d rows read): %w", res.Rows, ctx.Err()))
	case err != nil:
		return fail(err)
	}
	res.Landed = true
	res.Inserted, res.Updated, res.Typed = counts.Inserted, counts.Updated, keys.Typed
	staged := n
	if stage.Skip {
		res.Skipped = staged - counts.Inserted
	} else {
		res.Merged = staged - counts.Inserted - counts.Updated // each email lands once
	}
	progress("done")
	return finish(nil, nil)
}

// firstRejects says the first rejects by line, with their reasons or
// (for the audit, which keeps no cell value) without.
func firstRejects(rs []LeadReject, max int, withReasons bool) string {
	var parts []string
	for i, r := range rs {
		if i == max {
			parts = append(parts, "…")
			break
		}
		if withReasons {
			parts = append(parts, fmt.Sprintf("line %d: %s", r.Line, r.Reason))
		} else {
			parts = append(parts, fmt.Sprintf("line %d", r.Line))
		}
	}
	return strings.Join(parts, "; ")
}

// campaignNamed is the workspace's campaign of that name.
func (c *Console) campaignNamed(ctx context.Context, ws Workspace, name string) (int64, error) {
	cs, err := c.store.Campaigns(ctx, ws.ID)
	if err != nil {
		return 0, err
	}
	var names []string
	for _, cp := range cs {
		if cp.Name == name {
			return cp.ID, nil
		}
		names = append(names, cp.Name)
	}
	have := "it has none"
	if len(names) > 0 {
		have = "it has " + joinMax(names, 10)
	}
	return 0, fmt.Errorf("%w: workspace %s has no campaign %q (%s)", ErrNotFound, ws.Slug, clip(name), have)
}
