package main

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
)

// inspectHidden is what `godmode inspect --json FILE` says about what n8n
// hides.
type inspectHidden struct {
	Verdict      string `json:"verdict"`
	SoftFailures []struct {
		Node    string `json:"node"`
		Run     int    `json:"run"`
		Items   int    `json:"items"`
		Message string `json:"message"`
	} `json:"soft_failures"`
	Parent *struct {
		Kind        string `json:"kind"`
		ExecutionID string `json:"execution_id"`
		WorkflowID  string `json:"workflow_id"`
	} `json:"parent_execution"`
	Timeline []struct {
		Node         string `json:"node"`
		Disabled     bool   `json:"disabled"`
		Reused       bool   `json:"reused"`
		SoftError    bool   `json:"soft_error"`
		SubExecution string `json:"sub_execution"`
	} `json:"timeline"`
	Failure *struct {
		Node         string `json:"node"`
		SubExecution *struct {
			ExecutionID string `json:"execution_id"`
			WorkflowID  string `json:"workflow_id"`
			FailedNode  string `json:"failed_node"`
		} `json:"sub_execution"`
	} `json:"failure"`
}

// TestInspectShowsWhatN8nHides: each real execution of issue 15, printed
// from the file alone by --summary and --json, says what n8n hides in it.
func TestInspectShowsWhatN8nHides(t *testing.T) {
	isolate(t)
	for _, tc := range []struct {
		file  string
		text  []string // lines (or parts of lines) the text must have
		check func(t *testing.T, s inspectHidden)
	}{
		{"execution-soft-failure-merge.json",
			[]string{"verdict   succeeded, 1 error swallowed", "SWALLOWED 1 error", "  Fetch Profile (n8n-nodes-base.httpRequest) run 1, 1 item",
				"    connect ECONNREFUSED 127.0.0.1:1"},
			func(t *testing.T, s inspectHidden) {
				if s.Verdict != "succeeded, 1 error swallowed" || len(s.SoftFailures) != 1 || s.SoftFailures[0].Node != "Fetch Profile" ||
					s.SoftFailures[0].Items != 1 || s.SoftFailures[0].Message != "connect ECONNREFUSED 127.0.0.1:1" || s.Failure != nil {
					t.Errorf("%+v", s)
				}
			}},
		{"execution-parent-sub-failed.json",
			[]string{"verdict   failed", "FAILED at Call Validator", "  failed in sub-execution 7 of workflow 4tZcX2Xxhoe86EvP, at node Validate Lead"},
			func(t *testing.T, s inspectHidden) {
				if s.Failure == nil || s.Failure.SubExecution == nil || s.Failure.SubExecution.ExecutionID != "7" ||
					s.Failure.SubExecution.WorkflowID != "4tZcX2Xxhoe86EvP" || s.Failure.SubExecution.FailedNode != "Validate Lead" {
					t.Errorf("failure %+v", s.Failure)
				}
			}},
		{"execution-parent-sub-failed-2x.json",
			[]string{"  failed in sub-execution 5 of workflow 9FyqQ7IsC8F5B3Zn"},
			func(t *testing.T, s inspectHidden) {
				if s.Failure == nil || s.Failure.SubExecution == nil || s.Failure.SubExecution.ExecutionID != "5" || s.Failure.SubExecution.FailedNode != "" {
					t.Errorf("failure %+v", s.Failure)
				}
			}},
		{"execution-sub-failed-code.json",
			[]string{"called by execution 6 of workflow GbYcV3qCh5zsW6gd (this is its sub-execution)", "FAILED at Validate Lead"},
			func(t *testing.T, s inspectHidden) {
				if s.Parent == nil || s.Parent.Kind != "parent" || s.Parent.ExecutionID != "6" || s.Parent.WorkflowID != "GbYcV3qCh5zsW6gd" {
					t.Errorf("parent %+v", s.Parent)
				}
			}},
		{"execution-parent-sub-ok.json",
			[]string{"verdict   succeeded", "sub 10"},
			func(t *testing.T, s inspectHidden) {
				if s.Timeline[1].Node != "Call Validator" || s.Timeline[1].SubExecution != "10" {
					t.Errorf("timeline %+v", s.Timeline)
				}
			}},
		{"execution-disabled-node.json",
			[]string{"verdict   succeeded", "disabled"},
			func(t *testing.T, s inspectHidden) {
				for _, r := range s.Timeline {
					if r.Disabled != (r.Node == "Normalize") {
						t.Errorf("%s disabled %v", r.Node, r.Disabled)
					}
				}
			}},
		{"execution-retry-of-2.json",
			[]string{"reused", "+9ms"},
			func(t *testing.T, s inspectHidden) {
				for _, r := range s.Timeline {
					if r.Reused != (r.Node != "Email Sender") {
						t.Errorf("%s reused %v", r.Node, r.Reused)
					}
				}
			}},
	} {
		t.Run(tc.file, func(t *testing.T) {
			out, errOut, code := godmode(t, "", "inspect", "--summary", fixture(tc.file))
			if code != 0 {
				t.Fatalf("--summary: exit %d: %s", code, errOut)
			}
			for _, w := range tc.text {
				if !strings.Contains(out, w) {
					t.Errorf("--summary lacks %q:\n%s", w, out)
				}
			}
			js, errOut, code := godmode(t, "", "inspect", "--json", fixture(tc.file))
			if code != 0 {
				t.Fatalf("--json: exit %d: %s", code, errOut)
			}
			var s inspectHidden
			if err := json.Unmarshal([]byte(js), &s); err != nil {
				t.Fatalf("not JSON: %v", err)
			}
			tc.check(t, s)
		})
	}
}

// A hostile execution file (escape sequences in the names, the swallowed
// message and the links; a sub-execution id that is an object; a parent
// id that is a path) prints clean, and its links are dropped, not followed.
func TestInspectHostileHiddenFailuresPrintClean(t *testing.T) {
	isolate(t)
	esc := "\x1b]52;c;cm0gLXJmIH4=\x07\x1b[2J\u009b31m"
	doc := map[string]any{"id": "70", "status": "success", "mode": "integrated",
		"workflowData": map[string]any{"nodes": []any{
			map[string]any{"name": "Fetch " + esc, "type": "n8n-nodes-base.httpRequest", "onError": "continueErrorOutput"},
			map[string]any{"name": "Call " + esc, "type": "n8n-nodes-base.executeWorkflow"}}},
		"data": map[string]any{"parentExecution": map[string]any{"executionId": "../../x", "workflowId": "w"},
			"resultData": map[string]any{"runData": map[string]any{
				"Fetch " + esc: []any{map[string]any{"startTime": 1, "executionStatus": "success",
					"data": map[string]any{"main": []any{[]any{}, []any{map[string]any{"json": map[string]any{"error": "denied " + esc}}}}}}},
				"Call " + esc: []any{map[string]any{"startTime": 2, "executionStatus": "success",
					"metadata": map[string]any{"subExecution": map[string]any{"executionId": map[string]any{"a": esc}}}}},
			}}}}
	raw, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	path := t.TempDir() + "/hostile.json"
	if err := os.WriteFile(path, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	out, errOut, code := godmode(t, "", "inspect", "--summary", path)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for i, r := range out {
		if r < 0x20 && r != '\n' && r != '\t' || r >= 0x7f && r <= 0x9f {
			t.Fatalf("byte %d: control %U reaches the terminal:\n%q", i, r, out)
		}
	}
	if !strings.Contains(out, "verdict   succeeded, 1 error swallowed") || !strings.Contains(out, "    denied ␛]52;") ||
		strings.Contains(out, "called by") || strings.Contains(out, "sub ") {
		t.Errorf("summary:\n%s", out)
	}
}
