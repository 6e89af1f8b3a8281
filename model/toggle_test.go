package model_test

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/godmode-console/godmode/model"
	"github.com/godmode-console/godmode/n8n"
)

func TestToggleActivatesAndAudits(t *testing.T) {
	w := newWorld(t)
	c := w.campaign("Email 1", false)
	res := w.console.Toggle(w.ctx, w.member, c.ID, model.CampaignActive)
	if res.Outcome != model.OutcomeOK || res.Err != nil || res.Campaign.Status != model.CampaignActive {
		t.Fatalf("toggle: %+v", res)
	}
	if !w.n8nActive(c) {
		t.Fatal("n8n still has the workflow inactive")
	}
	got := w.reload(c)
	if got.PendingStatus != nil || got.Version != c.Version+1 {
		t.Fatalf("after toggle: pending %v, version %d (was %d)", got.PendingStatus, got.Version, c.Version)
	}
	rows := w.auditRows("toggle")
	if len(rows) != 1 || rows[0].Outcome != model.OutcomeOK || rows[0].ActorName != "member@example.com" ||
		rows[0].KeyFingerprint != "SHA256:member@example.com" || *rows[0].CampaignID != c.ID {
		t.Fatalf("audit: %+v", rows)
	}
	if !strings.Contains(string(rows[0].Before), `"status": "paused"`) || !strings.Contains(string(rows[0].After), `"status": "active"`) {
		t.Errorf("audit before/after: %s → %s", rows[0].Before, rows[0].After)
	}
}

func TestToggleRollsBackWhenN8nFails(t *testing.T) {
	for _, tc := range []struct {
		name  string
		fault func(w *world)
		want  string
	}{
		{"500", func(w *world) { w.n8n.FailNext(10, 500) }, "500"},
		{"timeout", func(w *world) { w.n8n.HangNext(10) }, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := newWorld(t)
			c := w.campaign("Email 1", false)
			// Let the read through, then break the activation.
			if _, err := w.n8n.Client().GetWorkflow(w.ctx, c.N8nWorkflowID); err != nil {
				t.Fatal(err)
			}
			tc.fault(w)
			res := w.console.Toggle(w.ctx, w.member, c.ID, model.CampaignActive)
			w.n8n.ClearFaults()
			if res.Outcome != model.OutcomeFailed || res.Err == nil {
				t.Fatalf("toggle under %s: %+v", tc.name, res)
			}
			if !errors.Is(res.Err, n8n.ErrUnavailable) || !strings.Contains(res.Err.Error(), tc.want) {
				t.Errorf("reason %q does not say n8n was unavailable (%s)", res.Err, tc.want)
			}
			got := w.reload(c)
			if got.Status != model.CampaignPaused || got.PendingStatus != nil || w.n8nActive(c) {
				t.Fatalf("after a failed toggle: status %s pending %v n8n active %v", got.Status, got.PendingStatus, w.n8nActive(c))
			}
			rows := w.auditRows("toggle")
			if len(rows) != 1 || rows[0].Outcome != model.OutcomeFailed || rows[0].Error == "" {
				t.Fatalf("audit: %+v", rows)
			}
		})
	}
}

func TestToggleNoopWhenN8nAlreadyMatches(t *testing.T) {
	w := newWorld(t)
	c := w.campaign("Email 1", false)
	// Someone activated it inside n8n; Postgres still says paused.
	w.n8n.SetActive(c.N8nWorkflowID, true)
	before := w.n8n.Requests()
	res := w.console.Toggle(w.ctx, w.member, c.ID, model.CampaignActive)
	if res.Outcome != model.OutcomeNoop || res.Campaign.Status != model.CampaignActive {
		t.Fatalf("toggle: %+v", res)
	}
	if n := w.n8n.Requests() - before; n != 1 {
		t.Errorf("a noop made %d n8n requests, want 1 (the read)", n)
	}
	if rows := w.auditRows("toggle"); len(rows) != 1 || rows[0].Outcome != model.OutcomeNoop {
		t.Fatalf("audit: %+v", rows)
	}
}

func TestToggleRefusals(t *testing.T) {
	w := newWorld(t)
	c := w.campaign("Email 1", true)
	res := w.console.Toggle(w.ctx, w.viewer, c.ID, model.CampaignPaused)
	if !errors.Is(res.Err, model.ErrForbidden) || res.Outcome != model.OutcomeFailed {
		t.Fatalf("viewer toggle: %+v", res)
	}
	if !w.n8nActive(c) || w.reload(c).Status != model.CampaignActive {
		t.Fatal("a viewer paused a campaign")
	}
	stranger := w.actor("stranger@example.com", false, "")
	if res := w.console.Toggle(w.ctx, stranger, c.ID, model.CampaignPaused); !errors.Is(res.Err, model.ErrForbidden) {
		t.Fatalf("non-member toggle: %+v", res)
	}
	ro := model.NewConsole(w.store, dial(), model.ConsoleOptions{ReadOnly: true})
	if res := ro.Toggle(w.ctx, w.super, c.ID, model.CampaignPaused); !errors.Is(res.Err, model.ErrForbidden) || !strings.Contains(res.Err.Error(), "read-only") {
		t.Fatalf("read-only toggle: %+v", res)
	}
	rows := w.auditRows("toggle")
	if len(rows) != 3 {
		t.Fatalf("refusals audited: %d rows, want 3", len(rows))
	}
	for _, r := range rows {
		if r.Outcome != model.OutcomeFailed || !strings.Contains(r.Error, "forbidden") {
			t.Errorf("refusal row: %+v", r)
		}
	}
}

func TestToggleOfDeletedWorkflowMarksError(t *testing.T) {
	w := newWorld(t)
	c := w.campaign("Email 1", false)
	w.n8n.Delete(c.N8nWorkflowID)
	res := w.console.Toggle(w.ctx, w.member, c.ID, model.CampaignActive)
	if res.Outcome != model.OutcomeFailed || res.Campaign.Status != model.CampaignError ||
		!strings.Contains(res.Campaign.LastError, "no longer exists in n8n") {
		t.Fatalf("toggle of a deleted workflow: %+v", res)
	}
}

func TestTenConcurrentTogglesOfOneCampaign(t *testing.T) {
	w := newWorld(t)
	c := w.campaign("Email 1", false)
	var wg sync.WaitGroup
	results := make([]model.ToggleResult, 10)
	for i := range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			want := model.CampaignActive
			if i%2 == 1 {
				want = model.CampaignPaused
			}
			results[i] = w.console.Toggle(w.ctx, w.member, c.ID, want)
		}()
	}
	wg.Wait()
	for i, r := range results {
		if r.Err != nil || (r.Outcome != model.OutcomeOK && r.Outcome != model.OutcomeNoop) {
			t.Errorf("toggle %d: %+v", i, r)
		}
	}
	got := w.reload(c)
	if (got.Status == model.CampaignActive) != w.n8nActive(c) || got.PendingStatus != nil {
		t.Fatalf("Postgres says %s (pending %v), n8n says active=%v", got.Status, got.PendingStatus, w.n8nActive(c))
	}
	if rows := w.auditRows("toggle"); len(rows) != 10 {
		t.Fatalf("%d audit rows for 10 toggles", len(rows))
	}
	// Every ok toggle bumped the version once: serialised, none lost.
	var oks int64
	for _, r := range results {
		if r.Outcome == model.OutcomeOK {
			oks++
		}
	}
	if got.Version != c.Version+oks {
		t.Errorf("version %d after %d effective toggles from %d", got.Version, oks, c.Version)
	}
}

func TestFreezeThenUnfreezeRestoresExactlyTheActiveCampaigns(t *testing.T) {
	w := newWorld(t)
	var camps []model.Campaign
	for i, active := range []bool{true, false, true, true, false} {
		camps = append(camps, w.campaign(fmt.Sprintf("Campaign %d", i+1), active))
	}
	if err := w.console.Freeze(w.ctx, w.member, w.ws.ID, "unpaid"); !errors.Is(err, model.ErrForbidden) {
		t.Fatalf("a member froze a workspace: %v", err)
	}
	if err := w.console.Freeze(w.ctx, w.super, w.ws.ID, "  "); !errors.Is(err, model.ErrInvalid) {
		t.Fatalf("freeze without a reason: %v", err)
	}
	if err := w.console.Freeze(w.ctx, w.super, w.ws.ID, "invoice 2026-11 unpaid"); err != nil {
		t.Fatal(err)
	}
	ws, _ := w.store.Workspace(w.ctx, w.ws.ID)
	if ws.Status != model.WorkspaceSuspended || ws.FreezeReason != "invoice 2026-11 unpaid" {
		t.Fatalf("workspace after freeze: %+v", ws)
	}
	for _, c := range camps {
		if w.n8nActive(c) || w.reload(c).Status != model.CampaignPaused {
			t.Fatalf("%s still runs after the freeze", c.Name)
		}
	}
	// While frozen nobody restarts a campaign.
	if res := w.console.Toggle(w.ctx, w.super, camps[1].ID, model.CampaignActive); !errors.Is(res.Err, model.ErrFrozen) {
		t.Fatalf("activation in a frozen workspace: %+v", res)
	}
	if err := w.console.Unfreeze(w.ctx, w.super, w.ws.ID, "paid"); err != nil {
		t.Fatal(err)
	}
	for i, c := range camps {
		wasActive := i == 0 || i == 2 || i == 3
		if w.n8nActive(c) != wasActive || (w.reload(c).Status == model.CampaignActive) != wasActive {
			t.Errorf("%s after unfreeze: n8n active %v, status %s; was active before: %v", c.Name, w.n8nActive(c), w.reload(c).Status, wasActive)
		}
	}
	left, _ := w.store.ResumeList(w.ctx, w.ws.ID)
	if len(left) != 0 {
		t.Errorf("resume flags left after unfreeze: %v", names(left))
	}
	var freezeSteps, unfreezeSteps, summaries int
	for _, r := range w.auditRows("") {
		switch {
		case r.Action == "freeze" && r.CampaignID != nil && r.Outcome == model.OutcomeOK:
			freezeSteps++
		case r.Action == "unfreeze" && r.CampaignID != nil && r.Outcome == model.OutcomeOK:
			unfreezeSteps++
		case (r.Action == "freeze" || r.Action == "unfreeze") && r.CampaignID == nil && r.Outcome == model.OutcomeOK:
			summaries++
			if !strings.Contains(string(r.After), "Campaign 1") || !strings.Contains(string(r.After), "reason") {
				t.Errorf("summary row does not list the campaigns and reason: %s", r.After)
			}
		}
	}
	if freezeSteps != 3 || unfreezeSteps != 3 || summaries != 2 {
		t.Errorf("audit: %d freeze steps, %d unfreeze steps, %d summaries; want 3, 3, 2", freezeSteps, unfreezeSteps, summaries)
	}
}

func TestFreezeThatCannotReachN8nSaysWhatRemains(t *testing.T) {
	w := newWorld(t)
	a := w.campaign("A", true)
	w.n8n.FailNext(1000, 503)
	err := w.console.Freeze(w.ctx, w.super, w.ws.ID, "incident")
	w.n8n.ClearFaults()
	if err == nil || !strings.Contains(err.Error(), "1 failed") || !strings.Contains(err.Error(), "run it again") {
		t.Fatalf("freeze with n8n down: %v", err)
	}
	ws, _ := w.store.Workspace(w.ctx, w.ws.ID)
	if ws.Status != model.WorkspaceSuspended {
		t.Fatal("the workspace is not suspended after a partial freeze")
	}
	if err := w.console.Freeze(w.ctx, w.super, w.ws.ID, "incident"); err != nil {
		t.Fatalf("second freeze: %v", err)
	}
	if w.n8nActive(a) {
		t.Fatal("campaign still active after the retried freeze")
	}
	if err := w.console.Unfreeze(w.ctx, w.super, w.ws.ID, "resolved"); err != nil || !w.n8nActive(a) {
		t.Fatalf("unfreeze: %v, active %v", err, w.n8nActive(a))
	}
}
