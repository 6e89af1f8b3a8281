package n8n_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/godmode-console/godmode/model"
	"github.com/godmode-console/godmode/n8n"
)

// Adoption against every target: a workflow tagged ws:acme that ran in n8n
// before godmode knew it (the sync's cursor passed its executions while no
// campaign owned it) is adopted, and the campaigns read shows its real
// last run and 24-hour failures at once; the audit trail names the actor.
func TestContractAdoptBackfillsTheRealLastRun(t *testing.T) {
	forEachTarget(t, func(t *testing.T, tg target) {
		ctx := context.Background()
		store, inst := tg.store(t)
		ws, err := store.CreateWorkspace(ctx, "acme", "Acme", &inst.ID)
		if err != nil {
			t.Fatal(err)
		}
		actor := superAdmin(t, store)
		dial := func(base, key string) model.N8n { return n8n.New(base, key) }
		console := model.NewConsole(store, dial, model.ConsoleOptions{Context: "contract"})

		// Built by hand in n8n, tagged for acme, run twice (failing).
		wf := tg.create(t, webhookWorkflow(tg.unique("adopt"), tg.unique("adopt-path"), codeNode("Send", `throw new Error("godmode contract adopt");`)))
		tag, err := tg.client.CreateTag(ctx, "ws:acme")
		if errors.Is(err, n8n.ErrConflict) {
			tags, lerr := tg.client.Tags(ctx)
			if lerr != nil {
				t.Fatal(lerr)
			}
			for _, x := range tags {
				if x.Name == "ws:acme" {
					tag, err = x, nil
				}
			}
		}
		if err != nil {
			t.Fatalf("tag ws:acme: %v", err)
		}
		if _, err := tg.client.SetWorkflowTags(ctx, wf.ID, []string{tag.ID}); err != nil {
			t.Fatalf("tagging: %v", err)
		}
		if _, err := tg.client.Activate(ctx, wf.ID); err != nil {
			t.Fatalf("activate: %v", err)
		}
		hook := wf.WebhookNodes()[0]
		if err := tg.client.WaitRegistered(ctx, hook, 0); err != nil {
			t.Fatalf("webhook registration: %v", err)
		}
		for range 2 {
			resp, err := http.Post(hook.WebhookURL(tg.url), "application/json", strings.NewReader(`{"email":"lead@example.com"}`))
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != 200 {
				t.Fatalf("webhook answered %d", resp.StatusCode)
			}
		}
		var runs []n8n.Execution
		eventually(t, 30*time.Second, "both executions are recorded, finished", func() (bool, error) {
			p, err := tg.client.ListExecutions(ctx, n8n.ExecutionFilter{WorkflowID: wf.ID}, "")
			runs = p.Data
			done := len(runs) == 2
			for _, e := range runs {
				done = done && e.StoppedAt != nil && e.Status == n8n.StatusError
			}
			return done, err
		})

		// A sync cycle sees the workflow unmanaged and moves the instance's
		// cursor past its runs.
		s := model.NewSyncer(store, dial, model.SyncOptions{Name: "contract"})
		t.Cleanup(s.Close)
		if _, err := s.CycleInstance(ctx, inst.ID); err != nil {
			t.Fatalf("sync: %v", err)
		}

		res, err := console.AdoptTagged(ctx, actor, "acme")
		if err != nil {
			t.Fatalf("adopt: %v", err)
		}
		var mine *model.AdoptResult
		for i, r := range res {
			if r.WorkflowID == wf.ID {
				mine = &res[i]
			}
		}
		if mine == nil || mine.Err != nil {
			t.Fatalf("our workflow in the adoption: %+v", res)
		}
		camps, err := console.Campaigns(ctx, ws.ID)
		if err != nil {
			t.Fatal(err)
		}
		var c model.Campaign
		for _, x := range camps {
			if x.N8nWorkflowID == wf.ID {
				c = x
			}
		}
		newest := runs[0]
		if c.ID == 0 || c.Name != wf.Name || c.Status != model.CampaignActive {
			t.Fatalf("campaign of the adopted workflow: %+v", c)
		}
		if c.LastExecID != newest.ID || c.LastExecStatus != "error" || c.LastExecAt == nil || !c.LastExecAt.Equal(newest.StartedAt) || c.Failures24h != 2 {
			t.Errorf("campaigns read: last %s %q at %v, %d failed in 24h; want %s error at %v, 2",
				c.LastExecID, c.LastExecStatus, c.LastExecAt, c.Failures24h, newest.ID, newest.StartedAt)
		}
		rows, err := store.Audit(ctx, model.AuditFilter{Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		audited := false
		for _, r := range rows {
			if r.Action == model.ActionNameAdopt && r.CampaignID != nil && *r.CampaignID == c.ID {
				audited = r.ActorName == "root@example.com" && r.KeyFingerprint == "SHA256:contract" && r.Outcome == model.OutcomeOK
			}
		}
		if !audited {
			t.Errorf("no ok %s row by root@example.com for campaign %d: %+v", model.ActionNameAdopt, c.ID, rows)
		}
	})
}
