package detect

import (
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Real n8n responses: the four workflows are analysed; executions and list
// pages are not workflows, and are listed in Skipped with what they are.
func TestN8nResponses(t *testing.T) {
	r := Analyze(loadDir(t, "n8n"))
	var hooks []string
	for _, w := range r.Webhooks {
		hooks = append(hooks, w.File+"|"+w.Node+"|"+w.Method+"|"+w.Path)
	}
	diffStrings(t, "webhooks", hooks, []string{
		"workflow-email-1-ohio.json|Webhook|POST|ohio-email-1",
		"workflow-ohio-follow-up-wait.json|Webhook|POST|ohio-followup",
		"workflow-ohio-reply-tracker.json|Webhook|POST|ohio-replies",
		"workflow-texas-openai-agent.json|Webhook|POST|texas-agent",
	})
	skipped := map[string]string{}
	for _, s := range r.Skipped {
		skipped[s.File] = s.Reason
	}
	for _, f := range []string{"execution-error-code-node.json", "execution-error-http-429-with-binary.json",
		"execution-retry-of-2.json", "execution-success-code.json", "execution-success-loop.json", "execution-waiting.json"} {
		if !strings.Contains(skipped[f], "an n8n execution") {
			t.Errorf("%s: skipped as %q, want an execution", f, skipped[f])
		}
	}
	for _, f := range []string{"executions-list-page.json", "workflows-list-page.json"} {
		if !strings.Contains(skipped[f], "list page") {
			t.Errorf("%s: skipped as %q, want a list page", f, skipped[f])
		}
	}
	if len(r.Skipped) != 8 {
		t.Errorf("skipped %d files, want 8: %+v", len(r.Skipped), r.Skipped)
	}
	for _, s := range r.Secrets {
		t.Errorf("secret in n8n's own responses: %+v", s)
	}
}

// The 42 MB execution dump is refused by size before any parsing.
func TestN8nHugeExecutionIsSkippedBySize(t *testing.T) {
	f, err := os.Open(filepath.Join("testdata", "n8n", "execution-error-42mb.json.gz"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(io.LimitReader(zr, 64<<20))
	if err != nil {
		t.Fatal(err)
	}
	if len(b) <= MaxWorkflowBytes {
		t.Fatalf("fixture is %d bytes, expected over %d", len(b), MaxWorkflowBytes)
	}
	r := Analyze([]File{{Name: "execution-error-42mb.json", Workflow: b}})
	if len(r.Skipped) != 1 || !strings.Contains(r.Skipped[0].Reason, "over the") {
		t.Fatalf("skipped %+v", r.Skipped)
	}
	if len(r.Variables)+len(r.Hardcoded)+len(r.Secrets) != 0 {
		t.Errorf("a skipped file still reported: %+v", r)
	}
}

// Bad input of every shape is skipped with a reason naming the file.
func TestNotAWorkflow(t *testing.T) {
	for in, want := range map[string]string{
		``:                     "invalid JSON",
		`{"nodes": [`:          "invalid JSON",
		`[1,2]`:                "not a JSON object",
		`"nodes"`:              "not a JSON object",
		`{"name":"x"}`:         "no nodes array",
		`{"nodes":{}}`:         "no nodes array",
		`{"nodes":[]} {"a":1}`: "more than one JSON value",
	} {
		r := Analyze([]File{{Name: "bad.json", Workflow: []byte(in)}})
		if len(r.Skipped) != 1 || r.Skipped[0].File != "bad.json" || !strings.Contains(r.Skipped[0].Reason, want) {
			t.Errorf("%q: skipped %+v, want %q", in, r.Skipped, want)
		}
	}
	// Nodes of the wrong shape are passed over, the rest still analysed.
	r := Analyze([]File{{Name: "odd.json", Workflow: []byte(`{"nodes":[1,"x",null,{"name":"W","type":"n8n-nodes-base.webhook","parameters":{"path":"p"}}]}`)}})
	if len(r.Skipped) != 0 || len(r.Webhooks) != 1 || r.Webhooks[0].Method != "GET" {
		t.Errorf("odd nodes: %+v", r)
	}
}
