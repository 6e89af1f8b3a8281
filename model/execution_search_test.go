package model_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/godmode-console/godmode/model"
	"github.com/godmode-console/godmode/n8n"
	"github.com/godmode-console/godmode/n8n/n8ntest"
)

// leadExecutions adds n executions of the campaign's workflow, one lead
// each (lead0@…, lead1@…, oldest first), n8n's way.
func (w *world) leadExecutions(camp model.Campaign, n int) []n8n.Execution {
	w.t.Helper()
	start := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
	out := make([]n8n.Execution, n)
	for i := range n {
		e, err := w.n8n.AddExecution(n8ntest.ExecutionSpec{WorkflowID: camp.N8nWorkflowID, Status: n8n.StatusError, FailAt: "Send",
			Message: "SMTP 550: mailbox unavailable", StartedAt: start.Add(time.Duration(i) * time.Minute),
			Items: []map[string]any{{"email": fmt.Sprintf("lead%d@ohio-roofing.com", i), "first_name": "Dana"}}})
		if err != nil {
			w.t.Fatal(err)
		}
		out[i] = e
	}
	return out
}

// The operator asks which execution carried a lead: the one that did is
// found, with the node and the path into its item.
func TestSearchExecutionsFindsTheNodeAndPath(t *testing.T) {
	w := newWorld(t)
	camp, _ := w.failingCampaign(w.ws, "Email 1")
	ex := w.leadExecutions(camp, 8)

	var seen []model.SearchProgress
	res, err := w.console.SearchExecutions(w.ctx, w.member, camp.ID, model.SearchQuery{Needle: "lead5@ohio-roofing.com"}, func(p model.SearchProgress) { seen = append(seen, p) })
	if err != nil {
		t.Fatal(err)
	}
	if res.Searched != 9 || res.Found == 0 || len(res.Matches) != res.Found || res.Matching != 1 {
		t.Fatalf("searched %d, found %d, matches %+v", res.Searched, res.Found, res.Matches)
	}
	for _, m := range res.Matches {
		if m.Execution.ID != ex[5].ID || !strings.Contains(m.Text, "lead5@ohio-roofing.com") || !strings.HasSuffix(m.Path, ".json.body.email") && !strings.HasSuffix(m.Path, ".json.email") {
			t.Errorf("match %+v", m)
		}
	}
	if m := res.Matches[0]; m.Node != "Webhook" || m.Run != 0 || m.Path != "data.main.0.0.json.body.email" {
		t.Errorf("first match %+v, want the Webhook's item", m)
	}
	if len(seen) != 9 || seen[8].Searched != 9 || seen[8].Total != 9 || seen[8].Matching != 1 {
		t.Errorf("progress %+v", seen)
	}

	// Nothing matches: an empty answer, every execution read.
	res, err = w.console.SearchExecutions(w.ctx, w.member, camp.ID, model.SearchQuery{Needle: "nobody@nowhere.example"}, nil)
	if err != nil || res.Found != 0 || res.Searched != 9 || len(res.Skipped) != 0 {
		t.Errorf("a miss: %+v, %v", res, err)
	}
	if _, err := w.console.SearchExecutions(w.ctx, w.member, camp.ID, model.SearchQuery{Needle: "  "}, nil); err == nil {
		t.Error("an empty needle was searched for")
	}
}

// A member of another workspace on the same n8n gets nothing of this
// campaign's data, not one n8n call is made for them, and the attempt is
// on the record.
func TestSearchExecutionsOfAnotherWorkspaceIsRefusedAndAudited(t *testing.T) {
	w := newWorld(t)
	camp, _ := w.failingCampaign(w.ws, "Email 1")
	w.leadExecutions(camp, 3)
	texas, outsider := w.otherWorkspace()
	w.n8n.ResetRequests()
	res, err := w.console.SearchExecutions(w.ctx, outsider, camp.ID, model.SearchQuery{Needle: "lead1@ohio-roofing.com"}, nil)
	if !errors.Is(err, model.ErrForbidden) || len(res.Matches) != 0 || res.Searched != 0 {
		t.Fatalf("texas's owner searched ohio's executions: %+v, %v", res, err)
	}
	if n := w.n8n.Requests(); n != 0 {
		t.Errorf("%d n8n requests for a refused search", n)
	}
	rows := w.auditRows("executions.search")
	if len(rows) != 1 || rows[0].Outcome != model.OutcomeFailed || rows[0].ActorName != "tex@example.com" ||
		rows[0].WorkspaceID == nil || *rows[0].WorkspaceID != w.ws.ID {
		t.Fatalf("audit of the refusal: %+v", rows)
	}
	_ = texas
}

// The search reads the latest executions only, as many as asked (the
// default otherwise, never more than the maximum), counted by the fake
// n8n itself; an older execution that holds the string is not read.
func TestSearchExecutionsReadsOnlyTheLatest(t *testing.T) {
	w := newWorld(t)
	camp, _ := w.failingCampaign(w.ws, "Email 1")
	w.leadExecutions(camp, model.DefaultSearchExecutions+20)

	w.n8n.ResetRequests()
	res, err := w.console.SearchExecutions(w.ctx, w.member, camp.ID, model.SearchQuery{Needle: "lead3@ohio-roofing.com"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.Searched != model.DefaultSearchExecutions || res.Found != 0 {
		t.Errorf("default search: read %d, found %d (lead 3 is older than the latest %d)", res.Searched, res.Found, model.DefaultSearchExecutions)
	}
	if n := w.n8n.Requests(); n != int64(model.DefaultSearchExecutions)+1 {
		t.Errorf("%d n8n requests, want one listing and %d reads", n, model.DefaultSearchExecutions)
	}

	w.n8n.ResetRequests()
	res, _ = w.console.SearchExecutions(w.ctx, w.member, camp.ID, model.SearchQuery{Needle: "lead69@ohio-roofing.com", Limit: 10}, nil)
	if res.Searched != 10 || res.Found == 0 || w.n8n.Requests() != 11 {
		t.Errorf("limit 10: read %d, found %d, %d requests", res.Searched, res.Found, w.n8n.Requests())
	}
	w.n8n.ResetRequests()
	res, _ = w.console.SearchExecutions(w.ctx, w.member, camp.ID, model.SearchQuery{Needle: "x", Limit: model.MaxSearchExecutions * 10}, nil)
	if res.Searched != model.DefaultSearchExecutions+21 || w.n8n.Requests() > int64(model.MaxSearchExecutions)+1 {
		t.Errorf("a limit over the maximum: read %d, %d requests", res.Searched, w.n8n.Requests())
	}
}

// Cancelling a search stops it: the executions still to read are not
// asked of n8n, and what was read so far comes back with the reason. It
// reads four at a time.
func TestSearchExecutionsStopsWhenCancelled(t *testing.T) {
	w := newWorld(t)
	camp, _ := w.failingCampaign(w.ws, "Email 1")
	w.leadExecutions(camp, 40)
	w.n8n.SetLatency(30 * time.Millisecond)

	w.n8n.ResetMaxInFlight()
	ctx, cancel := context.WithCancel(w.ctx)
	var once sync.Once
	res, err := w.console.SearchExecutions(ctx, w.member, camp.ID, model.SearchQuery{Needle: "lead1@"}, func(p model.SearchProgress) {
		if p.Searched >= 4 {
			once.Do(cancel)
		}
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err %v, want context.Canceled", err)
	}
	if res.Searched < 4 || res.Searched >= 41 {
		t.Errorf("read %d executions of 41 before stopping", res.Searched)
	}
	if n := w.n8n.Requests(); n > int64(res.Searched)+1+4 {
		t.Errorf("%d n8n requests after reading %d: the search went on", n, res.Searched)
	}
	// With every answer slow, the search kept four reads in flight, not
	// more: one n8n serves every console.
	if n := w.n8n.MaxInFlight(); n != 4 {
		t.Errorf("at most %d requests at once, want 4", n)
	}
}

// An execution too large to read, or one n8n answers with something
// that is no execution, is not searched, and the result names it and
// why; the others are searched as usual.
func TestSearchExecutionsSaysWhatItCouldNotRead(t *testing.T) {
	w := newWorld(t)
	camp, _ := w.failingCampaign(w.ws, "Email 1")
	ex := w.leadExecutions(camp, 3)
	big := `{"note":"` + strings.Repeat("lead1@ohio-roofing.com ", 200) + `"}`
	if err := w.n8n.SetExecutionData(ex[1].ID, []byte(big)); err != nil {
		t.Fatal(err)
	}
	if err := w.n8n.SetExecutionData(ex[2].ID, []byte(`<html>lead2@ohio-roofing.com`)); err != nil {
		t.Fatal(err)
	}
	console := model.NewConsole(w.store, dial(), model.ConsoleOptions{Context: "test", SearchMaxBytes: 4 << 10})
	res, err := console.SearchExecutions(w.ctx, w.member, camp.ID, model.SearchQuery{Needle: "ohio-roofing.com"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"execution " + ex[2].ID + ": n8n's answer is not a readable execution", "execution " + ex[1].ID + ": its data is over the 4 KB a search reads"}
	if len(res.Skipped) != 2 || res.Skipped[0] != want[0] || res.Skipped[1] != want[1] {
		t.Errorf("skipped %q, want %q", res.Skipped, want)
	}
	if res.Searched != 4 || len(res.Matches) == 0 || res.Matches[0].Execution.ID != ex[0].ID {
		t.Errorf("searched %d, matches %+v: lead 0's execution is still found", res.Searched, res.Matches)
	}
	// n8n keeps what a run put out: the lead is in the Webhook's item; the
	// failed Send put out nothing.
	if len(res.Matches) != res.Found || res.Found != 1 || res.Matches[0].Node != "Webhook" {
		t.Errorf("found %d, listed %+v: want lead 0's webhook item", res.Found, res.Matches)
	}
}

// A search of one status reads only the executions n8n lists with it:
// the cancelled execution that carried the text is not read when the
// failed ones are asked for.
func TestSearchExecutionsOfOneStatus(t *testing.T) {
	w := newWorld(t)
	camp, failed := w.failingCampaign(w.ws, "Email 1")
	other, err := w.n8n.AddExecution(n8ntest.ExecutionSpec{WorkflowID: camp.N8nWorkflowID, Status: n8n.StatusCanceled,
		Items: []map[string]any{{"email": "SMTP 550 reader"}}})
	if err != nil {
		t.Fatal(err)
	}
	res, err := w.console.SearchExecutions(w.ctx, w.member, camp.ID, model.SearchQuery{Needle: "smtp 550", Status: "error"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.Searched != 1 || res.Matching != 1 || res.Matches[0].Execution.ID != failed.ID {
		t.Errorf("errors only: searched %d, matches %+v", res.Searched, res.Matches)
	}
	res, _ = w.console.SearchExecutions(w.ctx, w.member, camp.ID, model.SearchQuery{Needle: "smtp 550"}, nil)
	if res.Searched != 2 || res.Matching != 2 {
		t.Errorf("every status: searched %d, %d matching (want both, %s among them)", res.Searched, res.Matching, other.ID)
	}
}

// A common string is counted in full but listed within bounds: 20
// matches of each execution, 200 in all.
func TestSearchExecutionsListsABoundedNumberOfMatches(t *testing.T) {
	w := newWorld(t)
	camp, _ := w.failingCampaign(w.ws, "Email 1")
	items := make([]map[string]any, 30)
	for i := range items {
		items[i] = map[string]any{"first_name": "Dana"}
	}
	for range 11 {
		if _, err := w.n8n.AddExecution(n8ntest.ExecutionSpec{WorkflowID: camp.N8nWorkflowID, Status: n8n.StatusError, FailAt: "Send",
			Message: "SMTP 550", Items: items}); err != nil {
			t.Fatal(err)
		}
	}
	res, err := w.console.SearchExecutions(w.ctx, w.member, camp.ID, model.SearchQuery{Needle: "dana"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.Found != 330 || res.Matching != 11 || len(res.Matches) != 200 {
		t.Fatalf("found %d in %d executions, %d listed; want 330 in 11, 200 listed", res.Found, res.Matching, len(res.Matches))
	}
	each := map[string]int{}
	for _, m := range res.Matches {
		each[m.Execution.ID]++
	}
	if len(each) != 10 {
		t.Errorf("the 200 listed come from %d executions, want the newest 10 (20 each)", len(each))
	}
	for id, n := range each {
		if n != 20 {
			t.Errorf("execution %s: %d listed, want 20", id, n)
		}
	}
}
