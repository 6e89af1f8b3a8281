package model

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"testing"

	"github.com/godmode-console/godmode/n8n"
	"github.com/godmode-console/godmode/n8n/n8ntest"
)

// Every webhook node of every workflow, over more than one page, inactive
// ones included, with its methods; other nodes are not listed.
func TestInstanceWebhooksListsEveryPath(t *testing.T) {
	fake := n8ntest.New()
	defer fake.Close()
	for i := 0; i < 260; i++ {
		nodes := []n8n.Node{{ID: "s", Name: "Set", Type: "n8n-nodes-base.set", TypeVersion: 3, Position: []float64{0, 0}, Parameters: json.RawMessage(`{}`)}}
		if i%100 == 0 {
			nodes = append(nodes, n8n.Node{ID: "h", Name: "Hook", Type: n8n.WebhookNodeType, TypeVersion: 2, Position: []float64{0, 0},
				Parameters: json.RawMessage(fmt.Sprintf(`{"path":"/ws%d/in/","httpMethod":["POST","GET"]}`, i))})
		}
		if _, err := fake.AddWorkflow(n8n.Workflow{Name: fmt.Sprintf("w%d", i), Nodes: nodes}); err != nil {
			t.Fatal(err)
		}
	}
	got, err := InstanceWebhooks{N8n: fake.Client()}.TakenWebhooks(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 {
		t.Fatalf("%d webhooks: %+v", len(got), got)
	}
	sort.Slice(got, func(i, j int) bool { return got[i].WorkflowName < got[j].WorkflowName })
	for i, h := range got {
		if h.Path != fmt.Sprintf("ws%d/in", i*100) || h.Node != "Hook" || len(h.Methods) != 2 || h.Methods[0] != "GET" || h.WorkflowName != fmt.Sprintf("w%d", i*100) {
			t.Errorf("%+v", h)
		}
	}
	if fake.Requests() < 2 {
		t.Fatal("one page only: the listing did not page")
	}
}
