package model_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/godmode-console/godmode/model"
	"github.com/godmode-console/godmode/n8n"
	"github.com/godmode-console/godmode/n8n/n8ntest"
)

// BenchmarkSearchExecutions50 is one /data: search as the console runs it:
// the latest 50 executions of a campaign (each with 200 leads in its
// webhook's output) read from the fake n8n over loopback HTTP, with 5 ms
// per answer as a near n8n takes, four at a time, the text in one of them.
func BenchmarkSearchExecutions50(b *testing.B) {
	w := newWorld(b)
	camp, _ := w.failingCampaign(w.ws, "Email 1")
	for e := range model.DefaultSearchExecutions {
		items := make([]map[string]any, 200)
		for i := range items {
			items[i] = map[string]any{"email": fmt.Sprintf("lead%d-%d@ohio-roofing.com", e, i), "company": "Ohio Roofing", "first_name": "Dana"}
		}
		if _, err := w.n8n.AddExecution(n8ntest.ExecutionSpec{WorkflowID: camp.N8nWorkflowID, Status: n8n.StatusError, FailAt: "Send",
			Message: "SMTP 550", Items: items}); err != nil {
			b.Fatal(err)
		}
	}
	w.n8n.SetLatency(5 * time.Millisecond)
	q := model.SearchQuery{Needle: "lead17-123@ohio-roofing.com"}
	for b.Loop() {
		res, err := w.console.SearchExecutions(w.ctx, w.member, camp.ID, q, nil)
		if err != nil || res.Matching != 1 || res.Searched != model.DefaultSearchExecutions {
			b.Fatalf("searched %d, %d matching: %v", res.Searched, res.Matching, err)
		}
	}
}
