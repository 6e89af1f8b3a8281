package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/godmode-console/godmode/db"
	"github.com/godmode-console/godmode/forensics/safetext"
	"github.com/godmode-console/godmode/model"
)

func runSync(ctx context.Context, g *globals, args []string) error {
	fs := g.flags("sync")
	watch := fs.Bool("watch", false, "keep syncing until interrupted (SIGINT/SIGTERM), logging JSON lines on stderr")
	every := fs.Duration("every", 5*time.Second, "time between cycles with --watch")
	listen := fs.String("listen", "", "with --watch, serve /healthz and /metrics on `ADDR` (e.g. 127.0.0.1:9090)")
	concurrency := fs.Int("concurrency", 16, "instances synced at once")
	timeout := fs.Duration("timeout", 30*time.Second, "deadline of one instance's cycle")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return fmt.Errorf("unexpected argument %q: sync takes flags only (see godmode sync --help)", pos[0])
	}
	if *every <= 0 || *concurrency <= 0 || *timeout <= 0 {
		return fmt.Errorf("--every, --concurrency and --timeout must be positive")
	}
	if *listen != "" && !*watch {
		return fmt.Errorf("--listen serves the daemon's health: use it with --watch")
	}
	sess, err := g.open(ctx, true)
	if err != nil {
		return err
	}
	defer sess.close()
	store := sess.store
	opt := sess.cfg.syncOptions(model.SyncOptions{Name: runnerName(), Concurrency: *concurrency, InstanceTimeout: *timeout})
	if !*watch {
		s := model.NewSyncer(store, dialN8n, opt)
		defer s.Close()
		return syncOnce(ctx, g.stdout, s, store)
	}
	opt.Log = slog.New(slog.NewJSONHandler(g.stderr, safetext.Options(nil))) // log lines carry names and n8n errors: cleaned
	s := model.NewSyncer(store, dialN8n, opt)
	return syncDaemon(ctx, s, opt.Log, *every, *timeout, *listen)
}

// syncOptions adds the context's retention and failure summaries'
// budget to a runner's options.
func (c *Context) syncOptions(opt model.SyncOptions) model.SyncOptions {
	opt.ExecutionRetention = c.ExecutionRetention.Duration
	opt.FindingRetention = c.FindingRetention.Duration
	if n := c.FailureSummaries; n != nil {
		opt.FailureSummaries = *n
		if *n == 0 {
			opt.FailureSummaries = -1 // the model's "none"
		}
	}
	return opt
}

// runnerName is how this process appears in sync_state.leader.
func runnerName() string {
	h, err := os.Hostname()
	if err != nil {
		h = "unknown-host"
	}
	return fmt.Sprintf("%s:%d", h, os.Getpid())
}

// syncOnce runs one cycle over every instance and prints a table.
func syncOnce(ctx context.Context, out io.Writer, s *model.Syncer, store *db.Store) error {
	reps, err := s.CycleAll(ctx)
	if err != nil {
		return err
	}
	if len(reps) == 0 {
		fmt.Fprintln(out, "no n8n instances registered: add one with godmode instances add")
		return nil
	}
	// Names and n8n's error texts are data: cleaned of control characters.
	clean := safetext.Line
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "INSTANCE\tCAMPAIGNS\tCORRECTED\tNEEDS YOU\tUNMANAGED\tRUNS\tREQS\tTOOK\tRESULT")
	var failed []string
	for _, r := range reps {
		switch {
		case !r.Led:
			leader := "another runner"
			if st, err := store.InstanceSyncState(ctx, r.InstanceID); err == nil && st.Leader != "" {
				leader = st.Leader
			}
			fmt.Fprintf(tw, "%s\t-\t-\t-\t-\t-\t-\t-\tskipped: %s leads it\n", clean(r.Instance), clean(leader))
		case r.Err != nil:
			failed = append(failed, r.Instance)
			fmt.Fprintf(tw, "%s\t%d\t-\t-\t-\t-\t%d\t%s\tfailed: %s\n", clean(r.Instance), r.Campaigns, r.Requests, round(r.Took), clean(firstLine(r.Err)))
		default:
			result := "ok"
			if r.Skipped > 0 {
				result = fmt.Sprintf("ok, %d left for next cycle (toggled meanwhile)", r.Skipped)
			}
			fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t%d\t%d\t%s\t%s\n", clean(r.Instance), r.Campaigns, len(r.Corrected),
				r.NeedsPerson, r.Unmanaged, r.NewExecutions, r.Requests, round(r.Took), result)
		}
	}
	tw.Flush()
	for _, r := range reps {
		for _, c := range r.Corrected {
			line := fmt.Sprintf("corrected %s/%s: now %s", clean(r.Instance), clean(c.Name), clean(string(c.Status)))
			if c.LastError != "" {
				line += ": " + clean(c.LastError)
			}
			fmt.Fprintln(out, line)
		}
	}
	for _, r := range reps {
		if m := r.Summaries; r.Err == nil && r.Led && (m.Calls > 0 || m.Pending > 0) {
			line := fmt.Sprintf("failure summaries %s: %d written, %d of %d n8n calls", clean(r.Instance), m.Summarised, m.Calls, m.Budget)
			if m.Pending > 0 {
				line += fmt.Sprintf("; %d failed executions behind, the oldest since %s", m.Pending, stamp(m.OldestPending))
			}
			fmt.Fprintln(out, line)
		}
	}
	if len(failed) > 0 {
		return fmt.Errorf("%d of %d instance(s) not synced (%s): nothing was written for them; see RESULT above", len(failed), len(reps), strings.Join(failed, ", "))
	}
	return nil
}

func round(d time.Duration) string { return d.Round(time.Millisecond).String() }

func firstLine(err error) string {
	s, _, _ := strings.Cut(err.Error(), "\n")
	return s
}

// syncDaemon runs the loop until ctx ends, serving health and metrics when
// listen is set. The listener is opened first so a taken port fails at once.
func syncDaemon(ctx context.Context, s *model.Syncer, log *slog.Logger, every, timeout time.Duration, listen string) error {
	var srv *http.Server
	if listen != "" {
		ln, err := net.Listen("tcp", listen)
		if err != nil {
			return fmt.Errorf("--listen %s: %w (choose a free address)", listen, err)
		}
		srv = &http.Server{Handler: syncHandler(s, every, timeout), ReadHeaderTimeout: 5 * time.Second}
		go func() {
			if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
				log.Error("health endpoint stopped", "err", err.Error())
			}
		}()
		log.Info("serving /healthz and /metrics", "addr", ln.Addr().String())
	}
	log.Info("sync started", "runner", s.Name(), "every", every.String(), "timeout", timeout.String())
	err := s.Run(ctx, every)
	if srv != nil {
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		_ = srv.Shutdown(sctx)
		cancel()
	}
	log.Info("sync stopped", "runner", s.Name())
	return err
}

// syncHandler serves /healthz and /metrics from the runner's counters.
func syncHandler(s *model.Syncer, every, timeout time.Duration) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		code, body := syncHealth(s.Stats(), time.Now(), every, timeout)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(code)
		_ = json.NewEncoder(w).Encode(body)
	})
	mux.HandleFunc("GET /metrics", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
		writeMetrics(w, s.Stats())
	})
	return mux
}

// healthBody is what /healthz answers. It says only the state: anyone who
// reaches the port reads it, and an error from Postgres names the database,
// its user and host (the log on stderr keeps the whole error).
type healthBody struct {
	Status    string   `json:"status"` // ok, starting (a led instance's first cycle runs), stale, database_unreachable
	Leading   int      `json:"leading"`
	Following int      `json:"following"`
	Stale     []string `json:"stale,omitempty"` // led instances without a recent good cycle
	// GaveUp: instances this runner could not work on and left to others
	// lately; the runner itself needs a look (its key or keyring).
	GaveUp []string `json:"gave_up,omitempty"`
}

// syncHealth is 200 when every instance this runner leads had a good cycle
// recently (within two periods plus one cycle's deadline), 503 otherwise. A
// runner that only follows is healthy: it is the standby.
func syncHealth(st model.SyncStats, now time.Time, every, timeout time.Duration) (int, healthBody) {
	b := healthBody{Status: "ok"}
	if st.RoundError != "" {
		b.Status = "database_unreachable"
		return http.StatusServiceUnavailable, b
	}
	if st.Rounds == 0 {
		b.Status = "starting"
		return http.StatusServiceUnavailable, b
	}
	maxAge := 2*every + timeout
	starting := false
	for _, in := range st.Instances {
		if in.GaveUpUntil.After(now) {
			b.GaveUp = append(b.GaveUp, in.Instance)
		}
		if !in.Led {
			b.Following++
			continue
		}
		b.Leading++
		switch {
		case in.Cycles == 0:
			starting = true
		case in.LastOKAt.IsZero() || now.Sub(in.LastOKAt) > maxAge:
			b.Stale = append(b.Stale, in.Instance)
		}
	}
	switch {
	case len(b.Stale) > 0 || len(b.GaveUp) > 0:
		b.Status = "stale"
	case starting:
		b.Status = "starting"
	default:
		return http.StatusOK, b
	}
	return http.StatusServiceUnavailable, b
}

// writeMetrics writes the Prometheus text exposition format.
func writeMetrics(w io.Writer, st model.SyncStats) {
	counter := func(name, help string, v func(model.InstanceSyncStats) int64) {
		fmt.Fprintf(w, "# HELP %s %s\n# TYPE %s counter\n", name, help, name)
		for _, in := range st.Instances {
			fmt.Fprintf(w, "%s{instance=\"%s\"} %d\n", name, labelValue(in.Instance), v(in))
		}
	}
	counter("godmode_sync_cycles_total", "Sync cycles this process ran, per n8n instance.", func(i model.InstanceSyncStats) int64 { return i.Cycles })
	counter("godmode_sync_errors_total", "Sync cycles that failed and wrote nothing, per n8n instance.", func(i model.InstanceSyncStats) int64 { return i.Errors })
	counter("godmode_sync_drift_corrected_total", "Campaigns whose Postgres row sync corrected from n8n, per n8n instance.", func(i model.InstanceSyncStats) int64 { return i.Corrected })
	counter("godmode_sync_lead_given_up_total", "Times this process gave an instance's lead up after failing cycles in a row.", func(i model.InstanceSyncStats) int64 { return i.GaveUp })
	counter("godmode_sync_n8n_requests_total", "List requests sync made to n8n, per n8n instance.", func(i model.InstanceSyncStats) int64 { return i.Requests })
	fmt.Fprintf(w, "# HELP godmode_sync_leader Whether this process leads the instance's sync (1) or follows (0).\n# TYPE godmode_sync_leader gauge\n")
	for _, in := range st.Instances {
		led := 0
		if in.Led {
			led = 1
		}
		fmt.Fprintf(w, "godmode_sync_leader{instance=\"%s\"} %d\n", labelValue(in.Instance), led)
	}
	fmt.Fprintf(w, "# HELP godmode_sync_last_success_timestamp_seconds When the instance last had a good cycle (0: never).\n# TYPE godmode_sync_last_success_timestamp_seconds gauge\n")
	for _, in := range st.Instances {
		var ts float64
		if !in.LastOKAt.IsZero() {
			ts = float64(in.LastOKAt.UnixMilli()) / 1000
		}
		fmt.Fprintf(w, "godmode_sync_last_success_timestamp_seconds{instance=\"%s\"} %s\n", labelValue(in.Instance), strconv.FormatFloat(ts, 'f', 3, 64))
	}
	fmt.Fprintf(w, "# HELP godmode_sync_round_errors_total Rounds that could not start (Postgres unreachable).\n# TYPE godmode_sync_round_errors_total counter\ngodmode_sync_round_errors_total %d\n", st.RoundErrors)
	fmt.Fprintf(w, "# HELP godmode_sync_cycle_seconds Time one instance's cycle took.\n# TYPE godmode_sync_cycle_seconds histogram\n")
	for i, le := range model.CycleBuckets {
		fmt.Fprintf(w, "godmode_sync_cycle_seconds_bucket{le=\"%s\"} %d\n", num(le), st.CycleCounts[i])
	}
	fmt.Fprintf(w, "godmode_sync_cycle_seconds_bucket{le=\"+Inf\"} %d\n", st.CycleCount)
	fmt.Fprintf(w, "godmode_sync_cycle_seconds_sum %s\ngodmode_sync_cycle_seconds_count %d\n", num(st.CycleSum), st.CycleCount)
}

func num(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }

// labelValue escapes a Prometheus label value.
func labelValue(s string) string {
	return strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`).Replace(s)
}
