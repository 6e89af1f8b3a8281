package n8ntest_test

import (
	"bytes"
	"context"
	"os"
	"testing"

	"github.com/tidwall/gjson"

	"github.com/godmode-console/godmode/n8n"
	"github.com/godmode-console/godmode/n8n/n8ntest"
)

// A recorded parent and its failed child, seeded by their own ids, open
// each other through the API: the parent's error names the child's id,
// the child's data.parentExecution the parent's, and each GET gives the
// recording back byte for byte.
func TestRecordedParentAndChildOpenEachOther(t *testing.T) {
	for _, suffix := range []string{"", "-2x"} {
		t.Run("fixtures"+suffix, func(t *testing.T) {
			parent := readFixture(t, "execution-parent-sub-failed"+suffix+".json")
			child := readFixture(t, "execution-sub-failed-code"+suffix+".json")
			s := n8ntest.New()
			defer s.Close()
			for _, raw := range [][]byte{parent, child} {
				if _, err := s.AddRecordedExecution(raw); err != nil {
					t.Fatal(err)
				}
			}
			ctx := context.Background()
			c := s.Client()
			pid := gjson.GetBytes(parent, "id").String()
			got, err := c.GetExecution(ctx, pid, true)
			if err != nil || !bytes.Equal(got, parent) {
				t.Fatalf("GET the parent %s: %v, same bytes %v", pid, err, bytes.Equal(got, parent))
			}
			subID := gjson.GetBytes(got, "data.resultData.error.executionId").String()
			got, err = c.GetExecution(ctx, subID, true)
			if err != nil || !bytes.Equal(got, child) {
				t.Fatalf("GET the sub-execution %s the parent names: %v, same bytes %v", subID, err, bytes.Equal(got, child))
			}
			back := gjson.GetBytes(got, "data.parentExecution.executionId").String()
			if info, err := c.GetExecutionInfo(ctx, back); err != nil || info.ID != pid || info.Status != n8n.StatusError || info.Mode != "webhook" {
				t.Fatalf("GET the parent the child names (%s): %v %+v", back, err, info)
			}
			// The child's workflow is there, with its recorded id, and lists
			// its execution.
			wid := gjson.GetBytes(child, "workflowId").String()
			if w, ok := s.Workflow(wid); !ok || w.Name != gjson.GetBytes(child, "workflowData.name").String() || w.Active {
				t.Errorf("child's workflow %s: %v %+v", wid, ok, w)
			}
			p, err := c.ListExecutions(ctx, n8n.ExecutionFilter{WorkflowID: wid}, "")
			if err != nil || len(p.Data) != 1 || p.Data[0].ID != subID || p.Data[0].Mode != "integrated" {
				t.Errorf("listing the child's workflow: %v %+v", err, p.Data)
			}
			if _, err := s.AddRecordedExecution(child); err == nil {
				t.Error("a second recording with the same id was taken")
			}
			// A new execution gets an id after the recordings'.
			w, _ := s.AddWorkflow(n8n.Workflow{Name: "next", Nodes: []n8n.Node{{Name: "Webhook", Type: n8n.WebhookNodeType, TypeVersion: 2,
				Position: []float64{0, 0}, WebhookID: "8d7a0d2c-0c6f-4a51-a4a3-6e0d1d1e0c11", Parameters: []byte(`{"path":"next","httpMethod":"POST"}`)}}})
			e, err := s.AddExecution(n8ntest.ExecutionSpec{WorkflowID: w.ID})
			if err != nil || !n8n.Newer(e.ID, subID) || !n8n.Newer(e.ID, pid) {
				t.Errorf("next execution %v %+v, want an id after %s and %s", err, e, pid, subID)
			}
		})
	}
	s := n8ntest.New()
	defer s.Close()
	for _, bad := range []string{`not json`, `{"id":"x","workflowId":"w"}`, `{"id":"3"}`} {
		if _, err := s.AddRecordedExecution([]byte(bad)); err == nil {
			t.Errorf("recording %s taken", bad)
		}
	}
}

func readFixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("../../forensics/testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
