package n8ntest_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"

	"github.com/godmode-console/godmode/n8n"
	"github.com/godmode-console/godmode/n8n/n8ntest"
)

func hook(name, path string) n8n.Workflow {
	return n8n.Workflow{Name: name, Connections: json.RawMessage(`{}`), Settings: map[string]json.RawMessage{},
		Nodes: []n8n.Node{{Name: "Webhook", Type: n8n.WebhookNodeType, TypeVersion: 2, WebhookID: name + "-id",
			Parameters: json.RawMessage(`{"path":"` + path + `","httpMethod":"POST"}`)}}}
}

// As 2.41.1 does: while the first holder of a path is still registering,
// a second activation on the same path is let in; once registered, the
// path is refused with a 409.
func TestMajor2PathCheckRacesRegistration(t *testing.T) {
	srv := n8ntest.New(n8ntest.WithMajor(2))
	defer srv.Close()
	c, ctx := srv.Client(), context.Background()
	var ids []string
	for _, n := range []string{"a", "b", "c"} {
		w, err := c.CreateWorkflow(ctx, hook(n, "same"))
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, w.ID)
	}
	if _, err := c.Activate(ctx, ids[0]); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Activate(ctx, ids[1]); err != nil {
		t.Errorf("second activation before the first registered: %v, want it let in", err)
	}
	w, _ := c.GetWorkflow(ctx, ids[0])
	if err := c.WaitRegistered(ctx, w.WebhookNodes()[0], 0); err != nil {
		t.Fatal(err)
	}
	_, err := c.Activate(ctx, ids[2])
	var e *n8n.Error
	if !errors.Is(err, n8n.ErrWebhookPathTaken) || !errors.As(err, &e) || e.Status != 409 {
		t.Errorf("third activation once registered: %v, want 409 path taken", err)
	}
}
