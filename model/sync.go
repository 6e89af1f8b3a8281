package model

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sync"
	"time"
)

// Syncer is the synchronization loop: it keeps Postgres in step with every
// registered n8n instance, which is the truth for whether a workflow runs.
// Each cycle of an instance reads every workflow page and the executions
// newer than the last seen one, and only when every page arrived corrects
// Postgres, records what it found and NOTIFYs (through the schema's
// triggers). One runner leads each instance across every process; the
// others follow and try again each cycle.
type Syncer struct {
	store   SyncStore
	clients *clients
	lead    SyncLeadership
	opt     SyncOptions
	stats   syncStats
	giveUp  giveUps
	pruned  pruneTimes
}

// SyncOptions configure a Syncer; zero values take the defaults.
type SyncOptions struct {
	Name            string        // this runner, recorded as leader (default host:pid)
	Concurrency     int           // instances synced at once (default 16)
	InstanceTimeout time.Duration // deadline of one instance's cycle (default 30 s)
	// StalePending: a toggle's wish older than this is settled from n8n's
	// answer; a younger one may be mid-flight and is left alone (default 2 min).
	StalePending time.Duration
	// FirstWindow and FirstPages bound the executions read on an
	// instance's first cycle, so a fresh install does not pull millions
	// (default 24 h and 4 pages of 250).
	FirstWindow time.Duration
	FirstPages  int
	// BackfillPerCycle bounds how many campaigns without an execution
	// watermark (created or re-linked outside adoption) a cycle backfills
	// by workflow id, one request or more each (default 20); the others
	// wait for the next cycles.
	BackfillPerCycle int
	// MaxExecutionPages bounds later cycles (default 40 pages): past it the
	// oldest new executions are not stored; summaries use what was read.
	MaxExecutionPages int
	// FindingRefresh: how often an unchanged open finding's last_seen_at
	// moves (default 1 min).
	FindingRefresh time.Duration
	// HealthEvery: how often a cycle records an instance's health when it
	// did not change (default 30 s); each record NOTIFYs every console.
	HealthEvery time.Duration
	// MaxFailedCycles: a leader whose cycles of an instance fail this many
	// times in a row (a key n8n refuses, a key id missing from this
	// process's keyring) gives the instance up so another runner can try,
	// and does not ask for it again for LeadBackoff (defaults 3 and 1 min).
	MaxFailedCycles int
	LeadBackoff     time.Duration
	// ExecutionRetention and FindingRetention: executions started, and
	// findings resolved, longer ago than this are deleted by the leader of
	// their instance, at most every PruneEvery, PruneBatch rows per
	// statement (defaults 30 days, 90 days, 1 h, 5000). Negative keeps them.
	ExecutionRetention time.Duration
	FindingRetention   time.Duration
	PruneEvery         time.Duration
	PruneBatch         int
	// FailureSummaries is the budget of n8n calls (GET /executions/{id}
	// with its data) each cycle of an instance spends summarising failed
	// executions for the pulse, and successes for swallowed errors
	// (default DefaultFailureSummaries; negative: none). SummaryMaxBytes:
	// an execution's data larger than this is summarised as unreadable,
	// not parsed (default DefaultSummaryMaxBytes).
	FailureSummaries int
	SummaryMaxBytes  int
	Log              *slog.Logger
	Now              func() time.Time
}

func (o *SyncOptions) defaults() {
	if o.Name == "" {
		h, _ := os.Hostname()
		o.Name = fmt.Sprintf("%s:%d", h, os.Getpid())
	}
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	if o.Concurrency <= 0 {
		o.Concurrency = 16
	}
	def(&o.InstanceTimeout, 30*time.Second)
	def(&o.StalePending, 2*time.Minute)
	def(&o.FirstWindow, 24*time.Hour)
	def(&o.FindingRefresh, time.Minute)
	def(&o.HealthEvery, 30*time.Second)
	def(&o.LeadBackoff, time.Minute)
	if o.ExecutionRetention == 0 {
		o.ExecutionRetention = DefaultExecutionRetention
	}
	if o.FindingRetention == 0 {
		o.FindingRetention = DefaultFindingRetention
	}
	def(&o.PruneEvery, time.Hour)
	if o.PruneBatch <= 0 {
		o.PruneBatch = 5000
	}
	if o.MaxFailedCycles <= 0 {
		o.MaxFailedCycles = 3
	}
	if o.FirstPages <= 0 {
		o.FirstPages = 4
	}
	if o.BackfillPerCycle <= 0 {
		o.BackfillPerCycle = 20
	}
	if o.MaxExecutionPages <= 0 {
		o.MaxExecutionPages = 40
	}
	if o.FailureSummaries == 0 {
		o.FailureSummaries = DefaultFailureSummaries
	}
	if o.SummaryMaxBytes <= 0 {
		o.SummaryMaxBytes = DefaultSummaryMaxBytes
	}
	if o.Log == nil {
		o.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if o.Now == nil {
		o.Now = time.Now
	}
}

// NewSyncer returns the sync loop over a store and n8n clients made by dial.
// Close it to give up its leads at once.
func NewSyncer(store SyncStore, dial Dialer, opt SyncOptions) *Syncer {
	opt.defaults()
	return &Syncer{store: store, clients: &clients{store: store, dial: dial}, lead: store.SyncLeadership(opt.Name), opt: opt}
}

// Name is the runner's name as recorded in sync_state.leader.
func (s *Syncer) Name() string { return s.opt.Name }

// Close gives up leadership of every instance this runner leads.
func (s *Syncer) Close() { s.lead.Close() }

// CycleReport is how one instance's cycle went.
type CycleReport struct {
	InstanceID    int64
	Instance      string
	Led           bool // false: another runner leads the instance; nothing was done
	Workflows     int  // workflows listed in n8n
	Campaigns     int  // campaigns on the instance in Postgres
	Requests      int  // n8n list requests made
	NewExecutions int
	Truncated     bool       // more new executions than MaxExecutionPages: the oldest were not read
	Corrected     []Campaign // campaigns whose row sync changed, as written
	Skipped       int        // corrections not applied: a toggle changed the campaign meanwhile
	Unmanaged     int        // workflows no campaign owns
	NeedsPerson   int        // open findings sync cannot correct
	Opened        int        // findings recorded this cycle
	Resolved      int        // findings no longer true
	Took          time.Duration
	TimedOut      bool  // the instance did not answer within the deadline
	Err           error // the cycle wrote nothing (but its failure) when set
	// Interrupted: the runner was stopping (its context ended); the cycle
	// was cut off, which is not a failure and is not recorded as one.
	Interrupted bool
	GaveUp      bool // this runner gave up the lead after MaxFailedCycles failures in a row
	Pruned      PruneCount
	// Summaries: what the failure summariser did this cycle, within its
	// budget of n8n calls (not counted in Requests).
	Summaries SummaryReport

	backOffUntil time.Time // with GaveUp: when the runner may lead the instance again
}

// CycleAll runs one cycle over every registered instance, at most
// Concurrency at a time, each within InstanceTimeout, and returns a report
// per instance (by name). An instance another runner leads is reported
// not Led. The error is set only when the instances could not be read or
// leadership not asked (Postgres down).
func (s *Syncer) CycleAll(ctx context.Context) ([]CycleReport, error) {
	insts, err := s.store.Instances(ctx)
	if err != nil {
		err = fmt.Errorf("sync: listing n8n instances: %w", err)
		s.stats.round(err)
		return nil, err
	}
	leases, err := s.leadAll(ctx, insts)
	s.stats.round(err)
	if err != nil {
		return nil, err
	}
	reports := make([]CycleReport, len(insts))
	sem := make(chan struct{}, s.opt.Concurrency)
	var wg sync.WaitGroup
	for i, in := range insts {
		lease, led := leases[in.ID]
		if !led {
			reports[i] = CycleReport{InstanceID: in.ID, Instance: in.Name}
			s.stats.follow(in)
			continue
		}
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			reports[i] = s.cycle(ctx, in, lease)
		})
	}
	wg.Wait()
	return reports, nil
}

// CycleInstance runs one cycle of one instance, if this runner leads it
// (or can take the lead).
func (s *Syncer) CycleInstance(ctx context.Context, instanceID int64) (CycleReport, error) {
	in, err := s.store.Instance(ctx, instanceID)
	if err != nil {
		return CycleReport{InstanceID: instanceID}, fmt.Errorf("sync: %w", err)
	}
	leases, err := s.leadAll(ctx, []Instance{in})
	if err != nil {
		return CycleReport{InstanceID: in.ID, Instance: in.Name}, err
	}
	lease, led := leases[in.ID]
	if !led {
		s.stats.follow(in)
		return CycleReport{InstanceID: in.ID, Instance: in.Name}, nil
	}
	rep := s.cycle(ctx, in, lease)
	return rep, rep.Err
}

func (s *Syncer) leadAll(ctx context.Context, insts []Instance) (map[int64]SyncLease, error) {
	ids := make([]int64, len(insts))
	for i, in := range insts {
		ids[i] = in.ID
	}
	leases, err := s.lead.Lead(ctx, s.giveUp.notBackingOff(ids, s.opt.Now()))
	if err != nil {
		return nil, fmt.Errorf("sync: asking for leadership: %w", err)
	}
	return leases, nil
}

// Run cycles every instance this runner leads every `every`, until ctx
// ends, then gives up its leads. Instances are scheduled one by one: an
// instance whose cycle is still running (a slow n8n) is skipped for a
// round, never waited for, so it delays no other. When Postgres cannot be
// reached it waits with a capped exponential backoff and tries again.
func (s *Syncer) Run(ctx context.Context, every time.Duration) error {
	defer s.Close()
	sem := make(chan struct{}, s.opt.Concurrency)
	var mu sync.Mutex
	inflight := map[int64]bool{}
	var wg sync.WaitGroup
	defer wg.Wait()
	backoff := time.Duration(0)
	for {
		wait := every
		insts, err := s.store.Instances(ctx)
		var leases map[int64]SyncLease
		if err == nil {
			leases, err = s.leadAll(ctx, insts)
		}
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			backoff = min(max(2*backoff, 250*time.Millisecond), 30*time.Second)
			wait = backoff
			s.stats.round(err)
			s.opt.Log.Error("sync round failed; retrying", "err", err, "retry_in", backoff.String())
		} else {
			backoff = 0
			s.stats.round(nil)
			for _, in := range insts {
				lease, led := leases[in.ID]
				if !led {
					s.stats.follow(in)
					continue
				}
				s.stats.lead(in)
				mu.Lock()
				busy := inflight[in.ID]
				inflight[in.ID] = true
				mu.Unlock()
				if busy {
					continue
				}
				wg.Go(func() {
					defer func() {
						mu.Lock()
						delete(inflight, in.ID)
						mu.Unlock()
					}()
					select {
					case sem <- struct{}{}:
					case <-ctx.Done():
						return
					}
					defer func() { <-sem }()
					s.logReport(s.cycle(ctx, in, lease))
				})
			}
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-t.C:
		}
	}
}

func (s *Syncer) logReport(r CycleReport) {
	attrs := []any{"instance", r.Instance, "took_ms", r.Took.Milliseconds(), "workflows", r.Workflows,
		"campaigns", r.Campaigns, "requests", r.Requests, "new_executions", r.NewExecutions,
		"corrected", len(r.Corrected), "skipped", r.Skipped, "unmanaged", r.Unmanaged,
		"needs_person", r.NeedsPerson, "opened", r.Opened, "resolved", r.Resolved,
		"summary_budget", r.Summaries.Budget, "summary_calls", r.Summaries.Calls, "summarised", r.Summaries.Summarised,
		"summaries_pending", r.Summaries.Pending}
	if r.Interrupted {
		s.opt.Log.Info("sync cycle cut off: the runner is stopping", "instance", r.Instance, "took_ms", r.Took.Milliseconds())
		return
	}
	if r.Err != nil {
		s.opt.Log.Error("sync cycle failed", append(attrs, "timed_out", r.TimedOut, "gave_up_lead", r.GaveUp, "err", r.Err.Error())...)
		return
	}
	if n := r.Pruned; n.Executions > 0 || n.Findings > 0 {
		s.opt.Log.Info("sync retention", "instance", r.Instance, "executions_deleted", n.Executions, "findings_deleted", n.Findings)
	}
	s.opt.Log.Info("sync cycle", attrs...)
	for _, c := range r.Corrected {
		s.opt.Log.Info("sync corrected", "instance", r.Instance, "campaign", c.Name, "campaign_id", c.ID,
			"status", string(c.Status), "last_error", c.LastError)
	}
}

// cycleLed runs one cycle of an instance this runner leads. Order matters:
// campaigns are read before n8n is listed, so a toggle that finishes after
// the read bumps the campaign's version and the compare-and-set write skips
// it, instead of a stale listing overwriting the toggle.
func (s *Syncer) cycleLed(ctx context.Context, in Instance, lease SyncLease) (rep CycleReport) {
	start := time.Now()
	rep = CycleReport{InstanceID: in.ID, Instance: in.Name, Led: true}
	stopping := ctx
	ctx, cancel := context.WithTimeout(ctx, s.opt.InstanceTimeout)
	defer cancel()
	defer func() {
		rep.Took = time.Since(start)
		if rep.Err != nil && stopping.Err() != nil {
			rep.Interrupted = true // a shutdown, not a failure: nothing to record
			return
		}
		if rep.Err != nil && errors.Is(ctx.Err(), context.DeadlineExceeded) {
			rep.TimedOut = true
			rep.Err = fmt.Errorf("n8n instance %s: no full answer within the %s deadline (is it up? check its URL and load): %w",
				in.Name, s.opt.InstanceTimeout, rep.Err)
		}
		rep.backOffUntil = s.opt.Now().Add(s.opt.LeadBackoff)
		rep.GaveUp = s.giveUp.after(in.ID, rep.Err == nil, s.opt.MaxFailedCycles, rep.backOffUntil)
		if rep.Err != nil {
			leader, reason := s.opt.Name, rep.Err.Error()
			if rep.GaveUp {
				leader, reason = "", s.gaveUpReason(rep.Err)
			}
			// The failure is worth recording even after the deadline.
			wctx, wcancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
			if err := s.store.RecordSyncFailure(wctx, in.ID, leader, reason, rep.Took); err != nil {
				s.opt.Log.Error("sync failure not recorded", "instance", in.Name, "err", err)
			}
			wcancel()
			if rep.GaveUp {
				s.release(ctx, in, reason)
			}
		}
		s.stats.record(in, rep)
	}()
	campaigns, err := s.store.InstanceCampaigns(ctx, in.ID)
	if err != nil {
		rep.Err = err
		return rep
	}
	workspaces, err := s.store.InstanceWorkspaces(ctx, in.ID)
	if err != nil {
		rep.Err = err
		return rep
	}
	versions, err := s.appliedVersions(ctx, in.ID)
	if err != nil {
		rep.Err = err
		return rep
	}
	state, err := s.store.InstanceSyncState(ctx, in.ID)
	if err != nil {
		rep.Err = err
		return rep
	}
	marks, err := s.store.ExecutionWatermarks(ctx, in.ID)
	if err != nil {
		rep.Err = err
		return rep
	}
	rep.Campaigns = len(campaigns)
	cl, err := s.client(ctx, in.ID)
	if err != nil {
		rep.Err = err
		return rep
	}
	now := s.opt.Now()
	lst := s.read(ctx, cl, state.LastExecutionID, now)
	if lst.err == nil {
		var probed int
		in, probed = s.refreshCapabilities(ctx, cl, in, lst.executions)
		lst.requests += probed
	}
	rep.Requests, rep.Truncated = lst.requests, lst.truncated
	s.recordHealth(ctx, in, lst)
	if lst.err != nil {
		rep.Err = lst.err
		return rep
	}
	if err := s.confirmMissing(ctx, cl, campaigns, &lst); err != nil {
		rep.Requests = lst.requests
		rep.Err = err
		return rep
	}
	backfilled, err := s.backfill(ctx, cl, campaigns, marks, &lst, now, state.LastExecutionID == "")
	if err != nil {
		rep.Requests = lst.requests
		rep.Err = err
		return rep
	}
	rep.Requests = lst.requests
	rep.Workflows, rep.NewExecutions = len(lst.workflows), len(lst.executions)
	p := plan(planInput{now: now, inst: in, campaigns: campaigns, workspaces: workspaces, workflows: lst.workflows,
		executions: lst.executions, stalePending: s.opt.StalePending, applied: versions})
	enforced := s.enforceFreezes(ctx, cl, in, &p, now)
	w := p.write
	w.Lease, w.At, w.Took = lease, now, time.Since(start)
	w.LastExecutionID = lst.newest
	if w.LastExecutionID == "" {
		w.LastExecutionID = state.LastExecutionID
	}
	w.FailuresSince = now.Add(-24 * time.Hour)
	w.Watermarks = watermarks(campaigns, w.Executions, backfilled)
	w.FindingRefresh = s.opt.FindingRefresh
	sums := s.summariseFailures(ctx, cl, in, w.Executions, now)
	w.Summaries = sums.summaries
	w.SummaryBudget = max(s.opt.FailureSummaries, 0)
	rep.Summaries = SummaryReport{Budget: w.SummaryBudget, Calls: sums.calls, Summarised: len(sums.summaries), Failed: sums.failed}
	applied, err := s.store.ApplySync(ctx, w)
	if err != nil {
		rep.Err = fmt.Errorf("sync of n8n instance %s: recording the cycle: %w", in.Name, err)
		return rep
	}
	rep.Corrected, rep.Skipped = append(enforced, applied.Corrected...), len(applied.Skipped)
	rep.Opened, rep.Resolved = applied.Opened, applied.Resolved
	rep.Summaries.Pending, rep.Summaries.OldestPending = applied.PendingSummaries, applied.OldestPending
	rep.Unmanaged, rep.NeedsPerson = p.unmanaged, p.needsPerson
	return rep
}

// client returns the instance's n8n client.
func (s *Syncer) client(ctx context.Context, instanceID int64) (N8n, error) {
	return s.clients.get(ctx, instanceID)
}

// recordHealth notes the instance's reachability once per cycle (not per
// page): every write NOTIFYs every console, so an unchanged health is
// written only every HealthEvery.
func (s *Syncer) recordHealth(ctx context.Context, in Instance, lst listing) {
	healthy, msg := true, ""
	if lst.err != nil && (isUnavailable(lst.err) || errors.Is(ctx.Err(), context.DeadlineExceeded)) {
		healthy, msg = false, lst.err.Error()
	}
	if in.Healthy != nil && *in.Healthy == healthy && healthy && in.LastCheckedAt != nil &&
		s.opt.Now().Sub(*in.LastCheckedAt) < s.opt.HealthEvery {
		return
	}
	latency := time.Duration(0)
	if lst.requests > 0 {
		latency = lst.took / time.Duration(lst.requests)
	}
	wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	_ = s.store.RecordInstanceHealth(wctx, in.ID, healthy, latency, msg)
}

// confirmMissing asks n8n for each campaign's workflow the listing did not
// show before calling it gone: n8n pages workflows by offset, so a workflow
// deleted while the list was read shifts another past a page boundary. The
// cost grows with drift, not with campaigns.
func (s *Syncer) confirmMissing(ctx context.Context, cl N8n, campaigns []Campaign, lst *listing) error {
	listed := make(map[string]bool, len(lst.workflows))
	for _, w := range lst.workflows {
		listed[w.ID] = true
	}
	for _, c := range campaigns {
		if listed[c.N8nWorkflowID] || c.Status == CampaignArchived || (c.Status == CampaignError && c.PendingStatus == nil) {
			continue // nothing would be written for it: no need to be sure
		}
		lst.requests++
		wf, err := cl.GetWorkflow(ctx, c.N8nWorkflowID)
		switch {
		case isGone(err):
		case err != nil:
			return fmt.Errorf("checking workflow %s of campaign %s: %w", c.N8nWorkflowID, c.Name, err)
		default:
			listed[wf.ID] = true
			lst.workflows = append(lst.workflows, wf)
		}
	}
	return nil
}
