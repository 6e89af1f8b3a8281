package n8n

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func readFixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestDecodeWorkflowFixtures(t *testing.T) {
	cases := []struct {
		file, id, name string
		nodes          int
		webhookPath    string
	}{
		{"workflow-email-1-ohio.json", "68oE5byBHYzOegC9", "Email 1 - ohio", 3, "ohio-email-1"},
		{"workflow-ohio-follow-up-wait.json", "", "", 3, "ohio-followup"},
		{"workflow-ohio-reply-tracker.json", "", "", 0, ""},
		{"workflow-texas-openai-agent.json", "", "", 0, ""},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			var w Workflow
			if err := json.Unmarshal(readFixture(t, c.file), &w); err != nil {
				t.Fatalf("decoding: %v", err)
			}
			if w.ID == "" || w.Name == "" || len(w.Nodes) == 0 || len(w.Connections) == 0 || w.CreatedAt.IsZero() {
				t.Fatalf("missing fields: %+v", w)
			}
			if c.id != "" && (w.ID != c.id || w.Name != c.name) {
				t.Errorf("id/name = %q/%q, want %q/%q", w.ID, w.Name, c.id, c.name)
			}
			if c.nodes != 0 && len(w.Nodes) != c.nodes {
				t.Errorf("%d nodes, want %d", len(w.Nodes), c.nodes)
			}
			hooks := w.WebhookNodes()
			if len(hooks) == 0 {
				t.Fatal("no webhook node found")
			}
			if c.webhookPath != "" && hooks[0].Path != c.webhookPath {
				t.Errorf("webhook path %q, want %q", hooks[0].Path, c.webhookPath)
			}
			if hooks[0].WebhookID == "" || hooks[0].Method != "POST" {
				t.Errorf("webhook node %+v", hooks[0])
			}
			// The body sent back on update keeps nodes, parameters and
			// connections byte for byte, and only settings n8n accepts.
			b := bodyOf(w)
			if string(b.Connections) != string(w.Connections) || string(b.Nodes[0].Parameters) != string(w.Nodes[0].Parameters) {
				t.Error("update body changed connections or parameters")
			}
			for k := range b.Settings {
				if !acceptedSettings[k] {
					t.Errorf("update body keeps setting %q that n8n refuses", k)
				}
			}
		})
	}
}

func TestDecodeWorkflowsListPage(t *testing.T) {
	var p Page[Workflow]
	if err := json.Unmarshal(readFixture(t, "workflows-list-page.json"), &p); err != nil {
		t.Fatal(err)
	}
	if len(p.Data) != 2 || p.Next() == "" {
		t.Fatalf("page: %d workflows, cursor %q", len(p.Data), p.Next())
	}
	if !p.Data[0].Active || p.Data[0].ActiveVersionID == nil || p.Data[0].TriggerCount != 1 {
		t.Errorf("first workflow: active %v, activeVersionId %v, triggers %d", p.Data[0].Active, p.Data[0].ActiveVersionID, p.Data[0].TriggerCount)
	}
}

func TestDecodeExecutionFixtures(t *testing.T) {
	cases := []struct {
		file            string
		id, workflowID  string
		status          Status
		mode, retryOf   string
		finished, hasTo bool
	}{
		{"execution-success-code.json", "1", "68oE5byBHYzOegC9", StatusSuccess, "webhook", "", true, false},
		{"execution-error-code-node.json", "2", "68oE5byBHYzOegC9", StatusError, "webhook", "", false, false},
		{"execution-retry-of-2.json", "3", "68oE5byBHYzOegC9", StatusError, "retry", "2", false, false},
		{"execution-error-http-429-with-binary.json", "5", "DwS4kcoviyYoJAXZ", StatusError, "webhook", "", false, false},
		{"execution-success-loop.json", "6", "B8WCe9fPk3Y36ptD", StatusSuccess, "webhook", "", true, false},
		{"execution-waiting.json", "7", "03yc8itVCL8zWEpw", StatusWaiting, "webhook", "", false, true},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			var e Execution
			if err := json.Unmarshal(readFixture(t, c.file), &e); err != nil {
				t.Fatalf("decoding: %v", err)
			}
			if e.ID != c.id || e.WorkflowID != c.workflowID || e.Status != c.status || e.Mode != c.mode || e.RetryOf != c.retryOf || e.Finished != c.finished {
				t.Errorf("got %+v", e)
			}
			if (e.WaitTill != nil) != c.hasTo {
				t.Errorf("waitTill %v", e.WaitTill)
			}
			if e.StartedAt.IsZero() || e.StoppedAt == nil || e.StoppedAt.Before(e.StartedAt) {
				t.Errorf("times: %v → %v", e.StartedAt, e.StoppedAt)
			}
			if !slices.Contains(Statuses, e.Status) {
				t.Errorf("unknown status %q", e.Status)
			}
		})
	}
}

func TestDecodeExecutionsListPage(t *testing.T) {
	var p Page[Execution]
	if err := json.Unmarshal(readFixture(t, "executions-list-page.json"), &p); err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, e := range p.Data {
		ids = append(ids, e.ID)
	}
	if !slices.Equal(ids, []string{"8", "6", "5"}) || p.Next() == "" {
		t.Fatalf("ids %v cursor %q", ids, p.Next())
	}
	for i := 1; i < len(ids); i++ {
		if !Newer(ids[i-1], ids[i]) {
			t.Errorf("list not newest first: %s before %s", ids[i-1], ids[i])
		}
	}
}

// n8n writes ids as strings in lists but as numbers in some answers (the
// retry's retryOf, the deleted execution's id); both decode the same.
func TestExecutionIDsAsNumbersOrStrings(t *testing.T) {
	var a, b Execution
	if err := json.Unmarshal([]byte(`{"id":4,"retryOf":1,"workflowId":"w","status":"error","startedAt":"2026-11-21T23:53:24.101Z"}`), &a); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(`{"id":"4","retryOf":"1","retrySuccessId":null,"workflowId":"w","status":"error","startedAt":"2026-11-21T23:53:24.101Z"}`), &b); err != nil {
		t.Fatal(err)
	}
	if a.ID != "4" || a.RetryOf != "1" || b.ID != "4" || b.RetryOf != "1" {
		t.Errorf("number form %+v, string form %+v", a, b)
	}
	out, err := json.Marshal(a)
	if err != nil {
		t.Fatal(err)
	}
	var back Execution
	if err := json.Unmarshal(out, &back); err != nil || back.ID != "4" || back.RetryOf != "1" || back.RetrySuccessID != "" {
		t.Errorf("round trip %s → %+v (%v)", out, back, err)
	}
}

func TestNewerComparesIDsAsNumbers(t *testing.T) {
	if !Newer("10", "9") || Newer("9", "10") || Newer("5", "5") {
		t.Error("Newer must compare numerically")
	}
}

func TestWebhookURL(t *testing.T) {
	cases := []struct {
		node WebhookNode
		want string
	}{
		{WebhookNode{Path: "ohio-email-1", WebhookID: "abc"}, "https://n8n.example.com/webhook/ohio-email-1"},
		{WebhookNode{Path: "/lead/", WebhookID: "abc"}, "https://n8n.example.com/webhook/lead"},
		{WebhookNode{Path: "", WebhookID: "abc"}, "https://n8n.example.com/webhook/abc"},
		{WebhookNode{Path: "lead/:id", WebhookID: "abc"}, "https://n8n.example.com/webhook/abc/lead/:id"},
	}
	for _, c := range cases {
		if got := c.node.WebhookURL("https://n8n.example.com/"); got != c.want {
			t.Errorf("%+v: %s, want %s", c.node, got, c.want)
		}
	}
}
