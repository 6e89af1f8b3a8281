package genesis

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
)

// What the planner needs from outside, as small interfaces the model
// layer fills from its n8n clients and stores (the planner itself calls
// nothing else).

// TakenWebhook is a webhook path a workflow of the target instance holds.
// Inactive workflows count: activating one registers its path, and n8n
// refuses the second activation of a path, not the create.
type TakenWebhook struct {
	WorkflowID   string
	WorkflowName string
	Node         string
	Methods      []string
	Path         string
}

// WebhookLister lists the webhook paths of every workflow on the target
// instance.
type WebhookLister interface {
	TakenWebhooks(ctx context.Context) ([]TakenWebhook, error)
}

// SchemaSource answers n8n's GET /credentials/schema/{type};
// *n8n.Client's CredentialSchema has this shape.
type SchemaSource interface {
	CredentialSchema(ctx context.Context, credentialType string) (json.RawMessage, error)
}

// IDSource makes the fresh webhookIds; tests inject a deterministic one.
type IDSource func() string

// NewUUID is a random version-4 UUID, the shape n8n gives webhookIds.
func NewUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}
