package forensics

import (
	"encoding/json"
	"testing"
)

// runAt is the timeline position of node's first run.
func runAt(t *testing.T, e *Execution, node string) int {
	t.Helper()
	for i, r := range e.Timeline() {
		if r.Node == node {
			return i
		}
	}
	t.Fatalf("%s has no run", node)
	return -1
}

// A real n8n execution (1.123 and 2.41): an HTTP Request set to continue
// on failure swallows ECONNREFUSED in one branch of a Merge. n8n says
// success; the Merge carries the same error item on, but only the node
// that swallowed it is a soft failure.
func TestSoftFailureInOneBranchOfAMerge(t *testing.T) {
	for _, name := range []string{"execution-soft-failure-merge.json", "execution-soft-failure-merge-2x.json"} {
		t.Run(name, func(t *testing.T) {
			e := openFixture(t, name)
			if e.Status != "success" {
				t.Fatalf("fixture status %s", e.Status)
			}
			soft := e.SoftFailures()
			if len(soft) != 1 {
				t.Fatalf("soft failures %+v, want the one of Fetch Profile", soft)
			}
			sf := soft[0]
			if sf.Node != "Fetch Profile" || sf.NodeType != "n8n-nodes-base.httpRequest" || sf.Run != runAt(t, e, "Fetch Profile") ||
				sf.RunIndex != 0 || sf.Items != 1 || sf.Message != "connect ECONNREFUSED 127.0.0.1:1" {
				t.Errorf("soft failure %+v", sf)
			}
			for i, r := range e.Timeline() {
				if got := e.Flags(i).SoftError; got != (r.Node == "Fetch Profile") {
					t.Errorf("%s: SoftError %v", r.Node, got)
				}
			}
			if f := e.FirstFailure(); f != nil {
				t.Errorf("a swallowed error is reported as the failure: %+v", f)
			}
			p := e.FirstProblem()
			if p == nil || !p.Soft || p.Node != "Fetch Profile" || p.Run != sf.Run || p.Error.Message != sf.Message {
				t.Fatalf("the error hunter lands on %+v, want the swallowed error of Fetch Profile", p)
			}
			// The error object is there to inspect, as for a failure.
			var obj map[string]any
			if err := json.Unmarshal(e.FailureJSON(p), &obj); err != nil || obj["code"] != "ECONNREFUSED" {
				t.Errorf("FailureJSON of the soft failure: %v %v", obj, err)
			}
			if v := e.Verdict(); v != "succeeded, 1 error swallowed" {
				t.Errorf("verdict %q", v)
			}
		})
	}
}

// A real parent whose Execute Workflow node failed because its
// sub-execution failed in a Code node. 1.123 names the child's failed
// node in the error; 2.41 only names the sub-execution and its workflow.
func TestFailureInASubExecutionNamesIt(t *testing.T) {
	for _, tc := range []struct {
		file, sub, workflow, failedNode string
	}{
		{"execution-parent-sub-failed.json", "7", "4tZcX2Xxhoe86EvP", "Validate Lead"},
		{"execution-parent-sub-failed-2x.json", "5", "9FyqQ7IsC8F5B3Zn", ""},
	} {
		t.Run(tc.file, func(t *testing.T) {
			e := openFixture(t, tc.file)
			f := e.FirstFailure()
			if f == nil || f.Node != "Call Validator" || !f.Ran || f.Soft {
				t.Fatalf("failure %+v, want at Call Validator", f)
			}
			want := ExecutionLink{Kind: LinkSub, ExecutionID: tc.sub, WorkflowID: tc.workflow, Node: "Call Validator", FailedNode: tc.failedNode}
			if f.Sub == nil || *f.Sub != want {
				t.Errorf("failure's sub-execution %+v, want %+v", f.Sub, want)
			}
			if l := e.SubExecutionOf(f.Run); l == nil || *l != want {
				t.Errorf("SubExecutionOf the failed run: %+v", l)
			}
			if l := e.SubExecutionOf(runAt(t, e, "Webhook")); l != nil {
				t.Errorf("the webhook called a sub-execution? %+v", l)
			}
			if v := e.Verdict(); v != "failed" {
				t.Errorf("verdict %q", v)
			}
		})
	}
}

// When the child succeeds, n8n writes the link on the calling run's
// metadata instead.
func TestSubExecutionOfASuccessfulCall(t *testing.T) {
	for _, tc := range []struct{ file, sub, workflow string }{
		{"execution-parent-sub-ok.json", "10", "b65UirhKWgMvgzDs"},
		{"execution-parent-sub-ok-2x.json", "8", "PUGv5tiKGrjT17dB"},
	} {
		t.Run(tc.file, func(t *testing.T) {
			e := openFixture(t, tc.file)
			l := e.SubExecutionOf(runAt(t, e, "Call Validator"))
			want := ExecutionLink{Kind: LinkSub, ExecutionID: tc.sub, WorkflowID: tc.workflow, Node: "Call Validator"}
			if l == nil || *l != want {
				t.Errorf("sub-execution %+v, want %+v", l, want)
			}
			if e.FirstFailure() != nil || e.Verdict() != "succeeded" || e.Parent() != nil {
				t.Errorf("failure %+v, verdict %q, parent %+v", e.FirstFailure(), e.Verdict(), e.Parent())
			}
		})
	}
}

// The real child of each pair names the parent that called it, and the
// two point at each other.
func TestSubExecutionKnowsItsParent(t *testing.T) {
	for _, pair := range [][2]string{
		{"execution-parent-sub-failed.json", "execution-sub-failed-code.json"},
		{"execution-parent-sub-failed-2x.json", "execution-sub-failed-code-2x.json"},
	} {
		t.Run(pair[1], func(t *testing.T) {
			parent, child := openFixture(t, pair[0]), openFixture(t, pair[1])
			if child.Mode != "integrated" {
				t.Fatalf("child mode %q", child.Mode)
			}
			p := child.Parent()
			want := ExecutionLink{Kind: LinkParent, ExecutionID: parent.ID, WorkflowID: parent.WorkflowID}
			if p == nil || *p != want {
				t.Errorf("parent %+v, want %+v", p, want)
			}
			sub := parent.FirstFailure().Sub
			if sub == nil || sub.ExecutionID != child.ID || sub.WorkflowID != child.WorkflowID {
				t.Errorf("the parent's link %+v does not lead to the child %s of %s", sub, child.ID, child.WorkflowID)
			}
			if f := child.FirstFailure(); f == nil || f.Node != "Validate Lead" || f.Sub != nil {
				t.Errorf("child's failure %+v", f)
			}
			if parent.Parent() != nil {
				t.Errorf("the parent has a parent: %+v", parent.Parent())
			}
		})
	}
}

// A real execution through a disabled Code node: the node has a run like
// any other; only the workflow snapshot says it is disabled.
func TestDisabledNodeIsMarked(t *testing.T) {
	for _, name := range []string{"execution-disabled-node.json", "execution-disabled-node-2x.json"} {
		t.Run(name, func(t *testing.T) {
			e := openFixture(t, name)
			for i, r := range e.Timeline() {
				fl := e.Flags(i)
				if fl.Disabled != (r.Node == "Normalize") || fl.Pinned || fl.Reused || fl.SoftError {
					t.Errorf("%s: flags %+v", r.Node, fl)
				}
			}
			if e.Verdict() != "succeeded" || len(e.SoftFailures()) != 0 {
				t.Errorf("verdict %q, soft %+v", e.Verdict(), e.SoftFailures())
			}
		})
	}
}

// A real retry keeps the runs it reused from the original with their old
// start times: they are marked reused, its own run is not.
func TestRetryMarksReusedRuns(t *testing.T) {
	e := openFixture(t, "execution-retry-of-2.json")
	for i, r := range e.Timeline() {
		if got := e.Flags(i).Reused; got != (r.Node != "Email Sender") {
			t.Errorf("%s: reused %v", r.Node, got)
		}
	}
	// The same runs in an execution that is not a retry are its own.
	e.RetryOf, e.Mode = "", "webhook"
	for i, r := range e.Timeline() {
		if e.Flags(i).Reused {
			t.Errorf("%s reused outside a retry", r.Node)
		}
	}
}

func TestFlagsAndLinksOutOfRange(t *testing.T) {
	e := openFixture(t, "execution-disabled-node.json")
	for _, i := range []int{-1, len(e.Timeline()), 1 << 30} {
		if e.Flags(i) != (RunFlags{}) || e.SubExecutionOf(i) != nil {
			t.Errorf("index %d: %+v %+v", i, e.Flags(i), e.SubExecutionOf(i))
		}
	}
}
