package model

import (
	"context"
	"fmt"
	"time"

	"github.com/godmode-console/godmode/n8n"
)

// RegistrationWait bounds how long an activation waits for the
// workflow's production webhooks to answer (n8n 2.x registers them a
// moment after the activate call answers).
const RegistrationWait = 15 * time.Second

// waitWebhooks waits until every production webhook of an activated
// workflow answers, before the activation is called done.
func waitWebhooks(ctx context.Context, cl N8n, wf n8n.Workflow) error {
	for _, h := range wf.WebhookNodes() {
		if err := cl.WaitRegistered(ctx, h, RegistrationWait); err != nil {
			return fmt.Errorf("n8n activated workflow %s, but its webhook %q is not answering: %w", wf.ID, h.Name, err)
		}
	}
	return nil
}
