package model_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/godmode-console/godmode/model"
	"github.com/godmode-console/godmode/n8n"
	"github.com/godmode-console/godmode/n8n/n8ntest"
)

func (w *world) pulse(a model.Actor) model.Pulse {
	w.t.Helper()
	p, err := w.console.Pulse(w.ctx, a)
	if err != nil {
		w.t.Fatalf("pulse of %s: %v", a.Name, err)
	}
	return p
}

// Must-show 4: with 5,000 new failed executions, each cycle spends at most
// its budget of n8n calls summarising them (counted by the fake n8n
// itself), newest first, and the pulse catches up over the next cycles.
func TestSummariesStayWithinTheBudgetAndCatchUp(t *testing.T) {
	w := newWorld(t)
	ohio, _ := w.failingCampaign(w.ws, "Email 1")
	texas, _ := w.otherWorkspace()
	tex, _ := w.failingCampaign(texas, "Email 2")
	const budget = 200
	s := w.syncer("runner", model.SyncOptions{FailureSummaries: budget})
	if rep := w.cycle(s); rep.Summaries.Calls != 2 || rep.Summaries.Pending != 0 {
		t.Fatalf("first cycle: %+v; want the 2 failures summarised", rep.Summaries)
	}

	const n = 5000
	start := time.Now().Add(-n * 10 * time.Second)
	for i := range n {
		c := ohio
		if i%2 == 1 {
			c = tex
		}
		// The same failure in both workspaces, each time about another lead.
		if _, err := w.n8n.AddExecution(n8ntest.ExecutionSpec{WorkflowID: c.N8nWorkflowID, Status: n8n.StatusError, FailAt: "Send",
			Message: fmt.Sprintf("Too many requests for lead %d", 1000+i), HTTPCode: "429",
			StartedAt: start.Add(time.Duration(i) * 10 * time.Second)}); err != nil {
			t.Fatal(err)
		}
	}
	pending := n
	cycles := 0
	for pending > 0 {
		cycles++
		if cycles > n/budget+2 {
			t.Fatalf("after %d cycles %d failures are still pending", cycles, pending)
		}
		before := w.n8n.Requests()
		rep := w.cycle(s)
		calls := int(w.n8n.Requests()-before) - rep.Requests // the n8n calls beyond the cycle's listing
		if calls > budget || calls != rep.Summaries.Calls {
			t.Fatalf("cycle %d made %d summary calls (report: %d), budget %d", cycles, calls, rep.Summaries.Calls, budget)
		}
		want := max(pending-budget, 0)
		if rep.Summaries.Budget != budget || rep.Summaries.Pending != want || rep.Summaries.Summarised != pending-want {
			t.Fatalf("cycle %d: %+v; want budget %d, %d summarised, %d pending", cycles, rep.Summaries, budget, pending-want, want)
		}
		p := w.pulse(w.super)
		if p.Backlog.Pending != want || p.Backlog.Budget != budget {
			t.Fatalf("cycle %d: the pulse says %+v; want %d pending, budget %d", cycles, p.Backlog, want, budget)
		}
		if want > 0 {
			if p.Backlog.OldestSince.IsZero() || !p.Backlog.OldestSince.Before(start.Add(time.Duration(want)*10*time.Second)) {
				t.Fatalf("cycle %d: oldest pending since %v, want one of the %d oldest", cycles, p.Backlog.OldestSince, want)
			}
			// Newest first: every summary is of a later failure than any still pending.
			var newestPending, oldestSummarised time.Time
			w.store.Pool().QueryRow(w.ctx, `SELECT max(e.started_at) FROM executions e WHERE e.status = 'error'
				AND NOT EXISTS (SELECT 1 FROM failure_summaries f WHERE f.campaign_id = e.campaign_id AND f.n8n_execution_id = e.n8n_execution_id)`).Scan(&newestPending)
			w.store.Pool().QueryRow(w.ctx, `SELECT min(started_at) FROM failure_summaries WHERE error_class = 'HTTP 429'`).Scan(&oldestSummarised)
			if !newestPending.Before(oldestSummarised) {
				t.Fatalf("cycle %d: a failure of %v is pending while one of %v is summarised: not newest first", cycles, newestPending, oldestSummarised)
			}
		}
		pending = want
	}
	if cycles != n/budget {
		t.Errorf("caught up in %d cycles, want %d", cycles, n/budget)
	}
	// Caught up, the budget goes unspent: nothing is fetched twice.
	before := w.n8n.Requests()
	if rep := w.cycle(s); rep.Summaries.Calls != 0 || int(w.n8n.Requests()-before) != rep.Requests {
		t.Errorf("a cycle with nothing pending made %d summary calls", rep.Summaries.Calls)
	}
	p := w.pulse(w.super)
	if len(p.Groups) == 0 {
		t.Fatal("no failure groups")
	}
	g := p.Groups[0]
	if g.Executions != n || g.Workspaces != 2 || g.Class != "HTTP 429" || g.Message != "The service is receiving too many requests from you" || g.NodeType != "n8n-nodes-base.code" {
		t.Errorf("top group %+v; want the 5000 failures, HTTP 429 in 2 workspaces", g)
	}
	if p.Fleet.Day.Error != n+2 {
		t.Errorf("fleet errors in 24h: %d, want %d", p.Fleet.Day.Error, n+2)
	}
}
