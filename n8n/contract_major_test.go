package n8n_test

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/godmode-console/godmode/n8n"
)

// The probe finds each instance's major by behaviour, and what it can do.
func TestContractCapabilitiesProbe(t *testing.T) {
	forEachTarget(t, func(t *testing.T, tg target) {
		c := tg.caps
		v2 := tg.major >= 2
		if c.Major != tg.major || c.Publish != v2 || c.ListCredentials != v2 || c.WaitingInLists != v2 || c.ProbedAt.IsZero() {
			t.Errorf("%s probed as %+v", tg.name, c)
		}
		again, err := tg.client.ProbeCapabilities(context.Background())
		if err != nil || !again.Same(c) {
			t.Errorf("second probe %+v (%v) differs from %+v", again, err, c)
		}
	})
}

// Deleting: 2.x refuses a published workflow and, for a moment after the
// deactivation, one it is still unpublishing; the client's delete
// unpublishes first and waits that out, so it works on both.
func TestContractDeleteUnpublishesFirst(t *testing.T) {
	forEachTarget(t, func(t *testing.T, tg target) {
		ctx := context.Background()
		w := tg.create(t, webhookWorkflow(tg.unique("delete"), tg.unique("delete-path")))
		if _, err := tg.client.Activate(ctx, w.ID); err != nil {
			t.Fatal(err)
		}
		status, m := rawCall(t, tg, "DELETE", "/workflows/"+w.ID, "")
		if tg.major >= 2 && (status != 409 || m != "Cannot delete a published workflow. Unpublish it before deleting.") {
			t.Errorf("2.x raw delete of a published workflow: %d %q", status, m)
		}
		if tg.major < 2 {
			if status != 200 {
				t.Errorf("1.x raw delete of an active workflow: %d %q", status, m)
			}
			return
		}
		if _, err := tg.client.DeleteWorkflow(ctx, w.ID); err != nil {
			t.Fatalf("delete of a published workflow: %v", err)
		}
		if _, err := tg.client.GetWorkflow(ctx, w.ID); !errors.Is(err, n8n.ErrNotFound) {
			t.Errorf("after delete: %v, want not found", err)
		}
		// Without the retry the "still being unpublished" answer comes out
		// typed (the real 2.x gives it right after a deactivation).
		w2 := tg.create(t, webhookWorkflow(tg.unique("delete2"), tg.unique("delete2-path")))
		if _, err := tg.client.Activate(ctx, w2.ID); err != nil {
			t.Fatal(err)
		}
		noRetry := n8n.New(tg.url, tg.key, n8n.WithUnpublishRetry(n8n.RetryPolicy{MaxAttempts: 1}))
		_, err := noRetry.DeleteWorkflow(ctx, w2.ID)
		// 2.41.1 also answered 500 once here (its publication queue still
		// held the workflow); the retrying client waits that out too.
		if err != nil && !errors.Is(err, n8n.ErrNotYetUnpublished) && !errors.Is(err, n8n.ErrUnavailable) {
			t.Errorf("delete right after deactivating, no retry: %v, want ok, still being unpublished or a 500", err)
		}
		if tg.fake != nil && !errors.Is(err, n8n.ErrNotYetUnpublished) {
			t.Errorf("fake 2.x: delete right after deactivating: %v, want still being unpublished", err)
		}
	})
}

// Publish and unpublish exist where the probe says so, and do what
// activate and deactivate do; elsewhere they are not supported.
func TestContractPublishUnpublish(t *testing.T) {
	forEachTarget(t, func(t *testing.T, tg target) {
		ctx := context.Background()
		w := tg.create(t, webhookWorkflow(tg.unique("publish"), tg.unique("publish-path")))
		p, err := tg.client.Publish(ctx, w.ID)
		if !tg.caps.Publish {
			if !errors.Is(err, n8n.ErrNotSupported) {
				t.Errorf("publish where the probe said it cannot: %v", err)
			}
			return
		}
		if err != nil || !p.Active || p.ActiveVersionID == nil || *p.ActiveVersionID != p.VersionID {
			t.Fatalf("publish: %v %+v", err, p)
		}
		if pub := p.Published(); pub.VersionID != *p.ActiveVersionID || len(pub.WebhookNodes()) != 1 || pub.WebhookNodes()[0].Path != p.WebhookNodes()[0].Path {
			t.Errorf("published version: %s (want %s), webhooks %+v", pub.VersionID, *p.ActiveVersionID, pub.WebhookNodes())
		}
		h := p.WebhookNodes()[0]
		if err := tg.client.WaitRegistered(ctx, h, 0); err != nil {
			t.Fatalf("webhook after publish: %v", err)
		}
		u, err := tg.client.Unpublish(ctx, w.ID)
		if err != nil || u.Active || u.ActiveVersionID != nil {
			t.Fatalf("unpublish: %v %+v", err, u)
		}
		if _, err := tg.client.Unpublish(ctx, "doesNotExist0000"); !errors.Is(err, n8n.ErrNotFound) {
			t.Errorf("unpublishing an unknown workflow: %v", err)
		}
	})
}

// After an activation the production webhook is waited for, not assumed:
// a registered path answers a probe with another method "Did you mean…",
// without running the workflow; an inactive one never registers.
func TestContractWebhookRegistrationWait(t *testing.T) {
	forEachTarget(t, func(t *testing.T, tg target) {
		ctx := context.Background()
		w := tg.create(t, webhookWorkflow(tg.unique("reg"), tg.unique("reg-path")))
		h := w.WebhookNodes()[0]
		if _, err := tg.client.Activate(ctx, w.ID); err != nil {
			t.Fatal(err)
		}
		if err := tg.client.WaitRegistered(ctx, h, 0); err != nil {
			t.Fatalf("waiting for the webhook: %v", err)
		}
		p, err := tg.client.ListExecutions(ctx, n8n.ExecutionFilter{WorkflowID: w.ID}, "")
		if err != nil || len(p.Data) != 0 {
			t.Errorf("the probe ran the workflow: %v, %d executions", err, len(p.Data))
		}
		resp, err := http.Post(h.WebhookURL(tg.url), "application/json", nil)
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("webhook once registered: %v %v", err, resp)
		}
		resp.Body.Close()
		idle := tg.create(t, webhookWorkflow(tg.unique("idle"), tg.unique("idle-path")))
		err = tg.client.WaitRegistered(ctx, idle.WebhookNodes()[0], 1500*time.Millisecond)
		if !errors.Is(err, n8n.ErrNotRegistered) || !has(err.Error(), "is not registered") {
			t.Errorf("inactive workflow's webhook: %v, want not registered in n8n's words", err)
		}
		if _, err := tg.client.Deactivate(ctx, w.ID); err != nil {
			t.Error(err)
		}
	})
}
