package main

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/godmode-console/godmode/model"
	"github.com/godmode-console/godmode/n8n"
	"github.com/godmode-console/godmode/n8n/n8ntest"
)

// unmanagedWorkflow adds a schedule → Send workflow tagged tag that ran:
// an error two hours ago, a success an hour ago.
func unmanagedWorkflow(t *testing.T, fake *n8ntest.Server, name, tag string) n8n.Workflow {
	t.Helper()
	wf, err := fake.AddWorkflow(n8n.Workflow{Name: name,
		Connections: json.RawMessage(`{"Every 5 minutes":{"main":[[{"node":"Send","type":"main","index":0}]]}}`),
		Nodes: []n8n.Node{{Name: "Every 5 minutes", Type: "n8n-nodes-base.scheduleTrigger", TypeVersion: 1.2, Position: []float64{0, 0},
			Parameters: json.RawMessage(`{"rule":{"interval":[{"field":"minutes","minutesInterval":5}]}}`)},
			{Name: "Send", Type: "n8n-nodes-base.code", TypeVersion: 2, Position: []float64{220, 0}, Parameters: json.RawMessage(`{"jsCode":"return $input.all();"}`)}}})
	if err != nil {
		t.Fatal(err)
	}
	if tag != "" {
		tg, err := fake.AddTag(tag)
		if err != nil {
			t.Fatal(err)
		}
		fake.TagWorkflow(wf.ID, tg.ID)
	}
	for _, spec := range []n8ntest.ExecutionSpec{
		{WorkflowID: wf.ID, Status: n8n.StatusError, FailAt: "Send", Message: "SMTP 550", StartedAt: time.Now().Add(-2 * time.Hour)},
		{WorkflowID: wf.ID, Status: n8n.StatusSuccess, StartedAt: time.Now().Add(-time.Hour)},
	} {
		if _, err := fake.AddExecution(spec); err != nil {
			t.Fatal(err)
		}
	}
	return wf
}

func TestAdoptTaggedPrintsTheRealLastRunAndIsAudited(t *testing.T) {
	f := newSyncFixture(t)
	wf := unmanagedWorkflow(t, f.fake, "Legacy blast", "ws:ohio")
	unmanagedWorkflow(t, f.fake, "Someone else's", "")
	if _, errOut, code := godmode(t, "", "sync"); code != 0 {
		t.Fatalf("sync: %s", errOut)
	}
	out, errOut, code := godmode(t, "", "adopt", "--workspace", "ohio", "--tagged", "--json")
	if code != 0 {
		t.Fatalf("adopt --tagged: exit %d %s %s", code, out, errOut)
	}
	var got struct{ Adopted []adoptJSON }
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if len(got.Adopted) != 1 {
		t.Fatalf("adopted: %+v", got.Adopted)
	}
	a := got.Adopted[0]
	if a.WorkflowID != wf.ID || a.Campaign != "Legacy blast" || a.Status != "paused" || a.LastExec != "success" || a.Failures24h != 1 || a.Backfilled != 2 {
		t.Errorf("adopted: %+v", a)
	}
	camps, _, _ := godmode(t, "", "campaigns", "--workspace", "ohio")
	if !strings.Contains(camps, "ohio/Legacy blast") || strings.Contains(lineOf(camps, "Legacy blast"), "never") {
		t.Errorf("campaigns after adopt:\n%s", camps)
	}
	rows, _ := f.store.Audit(context.Background(), model.AuditFilter{})
	if len(rows) == 0 || rows[0].Action != model.ActionNameAdopt || !strings.HasPrefix(rows[0].ActorName, "local:") || rows[0].Outcome != model.OutcomeOK {
		t.Errorf("newest audit row: %+v", rows[0])
	}
	// A workflow id that is not there fails, exit 1, naming it.
	if _, errOut, code := godmode(t, "", "adopt", "--workspace", "ohio", "nope"); code != 1 || !strings.Contains(errOut, "workflow nope") {
		t.Errorf("adopting an unknown id: exit %d %q", code, errOut)
	}
	if _, errOut, code := godmode(t, "", "adopt", "--workspace", "ohio"); code == 0 || !strings.Contains(errOut, "--tagged") {
		t.Errorf("adopt without ids or --tagged: exit %d %q", code, errOut)
	}
}

func TestCampaignRelinkAndArchive(t *testing.T) {
	f := newSyncFixture(t)
	next := unmanagedWorkflow(t, f.fake, "Email 1 v2", "")
	if _, errOut, code := godmode(t, "", "campaign", "relink", "ohio/Email 1", "--workflow", next.ID); code != 1 || !strings.Contains(errOut, "still in n8n") {
		t.Errorf("relink while the workflow is there: exit %d %q", code, errOut)
	}
	if _, err := n8n.New(f.fake.URL, f.fake.APIKey).DeleteWorkflow(context.Background(), f.camp.N8nWorkflowID); err != nil {
		t.Fatal(err)
	}
	out, errOut, code := godmode(t, "", "campaign", "relink", "ohio/Email 1", "--workflow", next.ID)
	if code != 0 || out != "ohio/Email 1 now runs workflow "+next.ID+" (paused)\n" {
		t.Errorf("relink: exit %d %q %q", code, out, errOut)
	}
	if c, _ := f.store.Campaign(context.Background(), f.camp.ID); c.LastExecStatus != "success" || c.Failures24h != 1 {
		t.Errorf("after relink: last %q failures %d", c.LastExecStatus, c.Failures24h)
	}
	out, errOut, code = godmode(t, "", "campaign", "archive", "ohio/Email 1")
	if code != 0 || out != "ohio/Email 1 archived\n" {
		t.Errorf("archive: exit %d %q %q", code, out, errOut)
	}
}

func lineOf(text, sub string) string {
	for _, l := range strings.Split(text, "\n") {
		if strings.Contains(l, sub) {
			return l
		}
	}
	return ""
}
