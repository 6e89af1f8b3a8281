package n8ntest_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"slices"
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

// As 2.41.1 does: the first webhook call right after a PUT of an active
// workflow runs the version before; SetUpdateLag(0) turns that off.
func TestMajor2UpdateLag(t *testing.T) {
	for _, lag := range []int{1, 0} {
		srv := n8ntest.New(n8ntest.WithMajor(2))
		defer srv.Close()
		srv.SetRegistrationLag(0)
		srv.SetUpdateLag(lag)
		c, ctx := srv.Client(), context.Background()
		w, err := c.CreateWorkflow(ctx, hook("v1", "lag"))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.Activate(ctx, w.ID); err != nil {
			t.Fatal(err)
		}
		next := hook("v2", "lag")
		next.Nodes[0].Name = "Webhook v2"
		if _, err := c.UpdateWorkflow(ctx, w.ID, next); err != nil {
			t.Fatal(err)
		}
		var ran []string
		for range 2 {
			resp, err := http.Post(srv.URL+"/webhook/lag", "application/json", nil)
			if err != nil || resp.StatusCode != 200 {
				t.Fatalf("webhook: %v %v", err, resp)
			}
			resp.Body.Close()
		}
		for _, e := range srv.Executions() {
			raw, err := c.GetExecution(ctx, e.ID, true)
			if err != nil {
				t.Fatal(err)
			}
			var doc struct {
				WorkflowData struct{ Nodes []n8n.Node } `json:"workflowData"`
			}
			_ = json.Unmarshal(raw, &doc)
			ran = append(ran, doc.WorkflowData.Nodes[0].Name)
		}
		slices.Sort(ran)
		want := []string{"Webhook v2", "Webhook v2"}
		if lag == 1 {
			want = []string{"Webhook", "Webhook v2"}
		}
		if !slices.Equal(ran, want) {
			t.Errorf("lag %d: the two calls after the PUT ran %v, want %v", lag, ran, want)
		}
	}
}
