package n8n_test

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/tidwall/gjson"

	"github.com/godmode-console/godmode/forensics"
	"github.com/godmode-console/godmode/n8n"
)

// What n8n hides, made by real workflows on every target and read back the
// way godmode reads them: a node that continues on failure in one branch of
// a Merge, a parent whose Execute Workflow node fails because its child
// failed, and a run through a disabled node. Forensics must find each.
//
// GODMODE_SAVE_FORENSICS_FIXTURES=dir saves the real targets' executions,
// as n8n returned them (machine paths in stack traces rewritten), under
// dir: the fixtures in ../forensics/testdata were made so.

// fetchProfileURL is a loopback port nothing listens on (port 1 is
// reserved), so the HTTP Request fails with a refused connection.
const fetchProfileURL = "http://127.0.0.1:1/profile"

// softFailureMergeWorkflow: Webhook → "Fetch Profile" (HTTP Request set to
// continue on failure) and "Tag Lead" (Code) → "Merge".
func softFailureMergeWorkflow(name, path string) n8n.Workflow {
	w := webhookWorkflow(name, path)
	fetch := n8n.Node{Name: "Fetch Profile", Type: "n8n-nodes-base.httpRequest", TypeVersion: 4.2, Position: []float64{200, -100},
		OnError: "continueRegularOutput", Parameters: mustJSON(map[string]any{"url": fetchProfileURL, "options": map[string]any{}})}
	tag := codeNode("Tag Lead", "return $input.all().map(i => ({json: {...i.json.body, tagged: true}}));")
	tag.Position = []float64{200, 100}
	merge := n8n.Node{Name: "Merge", Type: "n8n-nodes-base.merge", TypeVersion: 3, Position: []float64{400, 0}, Parameters: mustJSON(map[string]any{})}
	w.Nodes = append(w.Nodes, fetch, tag, merge)
	w.Connections = mustJSON(map[string]any{
		"Webhook":       map[string]any{"main": [][]map[string]any{{{"node": "Fetch Profile", "type": "main", "index": 0}, {"node": "Tag Lead", "type": "main", "index": 0}}}},
		"Fetch Profile": map[string]any{"main": [][]map[string]any{{{"node": "Merge", "type": "main", "index": 0}}}},
		"Tag Lead":      map[string]any{"main": [][]map[string]any{{{"node": "Merge", "type": "main", "index": 1}}}},
	})
	return w
}

// childWorkflow: Execute Workflow Trigger → "Validate Lead", a Code node
// that throws.
func childWorkflow(name string) n8n.Workflow {
	trig := n8n.Node{Name: "When Called", Type: "n8n-nodes-base.executeWorkflowTrigger", TypeVersion: 1.1, Position: []float64{0, 0},
		Parameters: mustJSON(map[string]any{"inputSource": "passthrough"})}
	code := codeNode("Validate Lead", `throw new Error("lead has no email");`)
	code.Position = []float64{200, 0}
	return n8n.Workflow{Name: name, Nodes: []n8n.Node{trig, code},
		Connections: mustJSON(map[string]any{"When Called": map[string]any{"main": [][]map[string]any{{{"node": "Validate Lead", "type": "main", "index": 0}}}}}),
		Settings:    map[string]json.RawMessage{"executionOrder": json.RawMessage(`"v1"`)}}
}

// okChildWorkflow: Execute Workflow Trigger → "Enrich", a Code node that
// adds a field.
func okChildWorkflow(name string) n8n.Workflow {
	w := childWorkflow(name)
	w.Nodes[1] = codeNode("Enrich", "return $input.all().map(i => ({json: {...i.json.body, enriched: true}}));")
	w.Nodes[1].Position = []float64{200, 0}
	w.Connections = mustJSON(map[string]any{"When Called": map[string]any{"main": [][]map[string]any{{{"node": "Enrich", "type": "main", "index": 0}}}}})
	return w
}

// parentWorkflow: Webhook → "Call Validator", an Execute Workflow node that
// runs the child by id and waits for it.
func parentWorkflow(name, path, childID string) n8n.Workflow {
	return webhookWorkflow(name, path, n8n.Node{Name: "Call Validator", Type: "n8n-nodes-base.executeWorkflow", TypeVersion: 1.2,
		Parameters: mustJSON(map[string]any{"workflowId": map[string]any{"__rl": true, "value": childID, "mode": "id"}, "options": map[string]any{}})})
}

// disabledNodeWorkflow: Webhook → "Normalize" (a Code node, disabled) →
// "Done".
func disabledNodeWorkflow(name, path string) n8n.Workflow {
	norm := codeNode("Normalize", `throw new Error("a disabled node must not run");`)
	norm.Disabled = true
	return webhookWorkflow(name, path, norm, n8n.Node{Name: "Done", Type: "n8n-nodes-base.noOp", TypeVersion: 1})
}

// lastExecution waits for wf's newest execution to be finished with one of
// the statuses and reads it whole.
func lastExecution(t *testing.T, tg target, workflowID string, status n8n.Status) (n8n.Execution, []byte) {
	t.Helper()
	ctx := context.Background()
	var e n8n.Execution
	eventually(t, 60*time.Second, "execution of workflow "+workflowID+" ends "+string(status), func() (bool, error) {
		p, err := tg.client.ListExecutions(ctx, n8n.ExecutionFilter{WorkflowID: workflowID, Status: status}, "")
		if len(p.Data) > 0 {
			e = p.Data[0]
		}
		return len(p.Data) > 0 && e.StoppedAt != nil, err
	})
	raw, err := tg.client.GetExecution(ctx, e.ID, true)
	if err != nil {
		t.Fatal(err)
	}
	return e, raw
}

// fixtureName is the fixture a target's execution is compared with or
// saved as: name.json for 1.x, name-2x.json for 2.x.
func fixtureName(tg target, name string) string {
	if tg.major >= 2 {
		return name + "-2x.json"
	}
	return name + ".json"
}

// fixture saves a real target's execution under
// $GODMODE_SAVE_FORENSICS_FIXTURES, and checks that the fake's has the
// shape of the real one saved in ../forensics/testdata.
func fixture(t *testing.T, tg target, name string, raw []byte) {
	t.Helper()
	if tg.fake != nil {
		want, err := os.ReadFile(filepath.Join("..", "forensics", "testdata", fixtureName(tg, name)))
		if err != nil {
			t.Fatal(err)
		}
		sameShape(t, fixtureName(tg, name), want, raw)
		return
	}
	dir := os.Getenv("GODMODE_SAVE_FORENSICS_FIXTURES")
	if dir == "" {
		return
	}
	file := filepath.Join(dir, fixtureName(tg, name))
	if err := os.WriteFile(file, rewriteMachinePaths(raw), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("saved %s", file)
}

// notFaked are the paths of a real execution the fake does not write:
// 2.x's bookkeeping, the hint n8n puts on a Code node returning new
// items, and 2.x's previousNodeOutput/Run at 0 (the fake omits zeros, as
// 1.x does).
var notFaked = regexp.MustCompile(`^(binaryDataSizeBytes|jsonSizeBytes|storedAt|tracingContext|usedPrivateCredentials|workflowVersionId|deduplicationKey|data\.resumeToken)$` +
	`|\.(redaction|triggerNode)(\.|$)|\.hints\.N|\.previousNode(Output|Run)$`)

// sameShape compares the paths of two executions, array indexes as N,
// leaving out what depends on the data rather than on n8n: items' json,
// node parameters (n8n fills in defaults on create) and the workflow
// snapshot.
func sameShape(t *testing.T, name string, real, fake []byte) {
	t.Helper()
	r, f := shapeOf(t, real), shapeOf(t, fake)
	for p := range r {
		if !f[p] && !notFaked.MatchString(p) {
			t.Errorf("%s: the fake's execution lacks %s", name, p)
		}
	}
	for p := range f {
		if !r[p] {
			t.Errorf("%s: the fake's execution has %s, the real one does not", name, p)
		}
	}
}

func shapeOf(t *testing.T, raw []byte) map[string]bool {
	t.Helper()
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatal(err)
	}
	out := map[string]bool{}
	var walk func(path string, v any)
	walk = func(path string, v any) {
		if path != "" {
			out[path] = true
		}
		switch x := v.(type) {
		case map[string]any:
			for k, c := range x {
				if k == "json" || k == "parameters" || path == "" && k == "workflowData" {
					continue
				}
				walk(strings.TrimPrefix(path+"."+k, "."), c)
			}
		case []any:
			for _, c := range x {
				walk(path+".N", c)
			}
		}
	}
	walk("", v)
	return out
}

// machinePath is where .ci/n8n-peer.sh installed n8n (its cache,
// …/n8n-<version>/node_modules/), as stack traces name it: the fixtures
// say /usr/local/lib/node_modules/n8n/node_modules/ instead, like the
// older ones (../testdata/README.md).
var machinePath = regexp.MustCompile(`/[^"\\ ()]*/n8n-[0-9]+\.[0-9]+\.[0-9]+/node_modules/`)

func rewriteMachinePaths(raw []byte) []byte {
	return machinePath.ReplaceAll(raw, []byte("/usr/local/lib/node_modules/n8n/node_modules/"))
}

func openExecution(t *testing.T, raw []byte) *forensics.Execution {
	t.Helper()
	x, err := forensics.Open(raw)
	if err != nil {
		t.Fatal(err)
	}
	return x
}

// runOf is the position in the timeline of node's first run, or -1.
func runOf(x *forensics.Execution, node string) int {
	for i, r := range x.Timeline() {
		if r.Node == node {
			return i
		}
	}
	return -1
}

func TestContractForensicsSoftFailureInAMerge(t *testing.T) {
	forEachTarget(t, func(t *testing.T, tg target) {
		ctx := context.Background()
		w := tg.create(t, softFailureMergeWorkflow(tg.unique("soft-failure-merge"), tg.unique("soft-path")))
		if _, err := tg.client.Activate(ctx, w.ID); err != nil {
			t.Fatal(err)
		}
		trigger(t, tg, w, map[string]string{"email": "lead@example.com"})
		e, raw := lastExecution(t, tg, w.ID, n8n.StatusSuccess)
		fixture(t, tg, "execution-soft-failure-merge", raw)
		// What n8n wrote, before what forensics makes of it.
		fetch := gjson.GetBytes(raw, `data.resultData.runData.Fetch Profile.0`)
		if st, it := fetch.Get("executionStatus").String(), fetch.Get("data.main.0.0.json.error"); st != "success" || fetch.Get("error").Exists() ||
			it.Get("message").String() != "connect ECONNREFUSED 127.0.0.1:1" || it.Get("code").String() != "ECONNREFUSED" {
			t.Errorf("Fetch Profile's run: status %q, error item %s; want a success carrying the refused connection", st, it.Raw)
		}
		if n := gjson.GetBytes(raw, `data.resultData.runData.Merge.0.data.main.0.#`).Int(); n != 2 {
			t.Errorf("the Merge put out %d items, want both branches'", n)
		}
		x := openExecution(t, raw)
		if x.ID != e.ID || x.Status != "success" || x.LastNodeExecuted != "Merge" {
			t.Errorf("execution %s: status %q, last node %q; want success at Merge", x.ID, x.Status, x.LastNodeExecuted)
		}
		if f := x.FirstFailure(); f != nil {
			t.Errorf("a swallowed error is not a failure: %+v", f)
		}
		soft := x.SoftFailures()
		if len(soft) != 1 {
			t.Fatalf("soft failures %+v, want the one of Fetch Profile", soft)
		}
		s := soft[0]
		if s.Node != "Fetch Profile" || s.NodeType != "n8n-nodes-base.httpRequest" || s.RunIndex != 0 || s.Items != 1 ||
			s.Run != runOf(x, "Fetch Profile") || !has(s.Message, "ECONNREFUSED") {
			t.Errorf("soft failure %+v, want Fetch Profile's refused connection, 1 item, run %d", s, runOf(x, "Fetch Profile"))
		}
		if v := x.Verdict(); v != "succeeded, 1 error swallowed" {
			t.Errorf("verdict %q", v)
		}
		m := runOf(x, "Merge")
		if m < 0 || x.Timeline()[m].ItemsIn != 2 || x.Timeline()[m].ItemsOut != 2 {
			t.Errorf("Merge's run %d: want both branches' items in and out", m)
		}
		if _, err := tg.client.Deactivate(ctx, w.ID); err != nil {
			t.Error(err)
		}
	})
}

func TestContractForensicsSubExecutionFailed(t *testing.T) {
	forEachTarget(t, func(t *testing.T, tg target) {
		ctx := context.Background()
		child := tg.create(t, childWorkflow(tg.unique("sub-validator")))
		parent := tg.create(t, parentWorkflow(tg.unique("parent"), tg.unique("parent-path"), child.ID))
		if tg.major >= 2 {
			// 2.x refuses to publish a workflow whose Execute Workflow
			// node calls an unpublished one; 1.x calls any.
			_, err := tg.client.Activate(ctx, parent.ID)
			want := `Cannot publish workflow: Node "Call Validator" references workflow ` + child.ID + ` ("` + child.Name +
				`") which is not published. Please publish all referenced sub-workflows first.`
			var e *n8n.Error
			if !errors.Is(err, n8n.ErrBadRequest) || !errors.As(err, &e) || e.Message != want {
				t.Errorf("publishing the parent of an unpublished child: %v, want 400 %q", err, want)
			}
			if _, err := tg.client.Activate(ctx, child.ID); err != nil {
				t.Fatal(err)
			}
			defer func() { _, _ = tg.client.Deactivate(ctx, child.ID) }()
		}
		if _, err := tg.client.Activate(ctx, parent.ID); err != nil {
			t.Fatal(err)
		}
		trigger(t, tg, parent, map[string]string{"email": ""})
		pe, praw := lastExecution(t, tg, parent.ID, n8n.StatusError)
		ce, craw := lastExecution(t, tg, child.ID, n8n.StatusError)
		fixture(t, tg, "execution-parent-sub-failed", praw)
		fixture(t, tg, "execution-sub-failed-code", craw)

		// The link as n8n writes it: in the error of the failed run (no
		// metadata on it), and as data.parentExecution in the child.
		perr := gjson.GetBytes(praw, `data.resultData.runData.Call Validator.0.error`)
		if perr.Get("executionId").String() != ce.ID || perr.Get("workflowId").String() != child.ID ||
			perr.Get("message").String() != "lead has no email [line 1]" || gjson.GetBytes(praw, `data.resultData.runData.Call Validator.0.metadata`).Exists() {
			t.Errorf("Call Validator's error %s, want the child's ids and message", perr.Raw)
		}
		if tg.major < 2 && perr.Get("node.name").String() != "Validate Lead" {
			t.Errorf("1.x names the child's failed node in the parent's error: %s", perr.Get("node.name").Raw)
		}
		if pl := gjson.GetBytes(craw, "data.parentExecution"); pl.Get("executionId").String() != pe.ID || pl.Get("workflowId").String() != parent.ID {
			t.Errorf("the child's data.parentExecution %s, want execution %s", pl.Raw, pe.ID)
		}
		p := openExecution(t, praw)
		f := p.FirstFailure()
		if p.Status != "error" || f == nil || f.Node != "Call Validator" || f.NodeType != "n8n-nodes-base.executeWorkflow" {
			t.Fatalf("parent %s: status %q, first failure %+v; want an error at Call Validator", pe.ID, p.Status, f)
		}
		want := forensics.ExecutionLink{Kind: forensics.LinkSub, ExecutionID: ce.ID, WorkflowID: child.ID, Node: "Call Validator", FailedNode: "Validate Lead"}
		if f.Sub == nil || f.Sub.Kind != want.Kind || f.Sub.ExecutionID != want.ExecutionID || f.Sub.WorkflowID != want.WorkflowID || f.Sub.Node != want.Node {
			t.Errorf("the parent's failure names sub-execution %+v, want %+v", f.Sub, want)
		}
		if l := p.SubExecutionOf(f.Run); l == nil || l.ExecutionID != ce.ID || l.WorkflowID != child.ID {
			t.Errorf("Call Validator's run calls %+v, want execution %s of workflow %s", l, ce.ID, child.ID)
		}
		if l := p.SubExecutionOf(runOf(p, "Webhook")); l != nil {
			t.Errorf("the Webhook's run calls %+v", l)
		}
		if l := p.Parent(); l != nil {
			t.Errorf("a webhook execution has a parent: %+v", l)
		}
		if v := p.Verdict(); v != "failed" {
			t.Errorf("parent's verdict %q", v)
		}

		c := openExecution(t, craw)
		cf := c.FirstFailure()
		if c.Mode != "integrated" || c.Status != "error" || cf == nil || cf.Node != "Validate Lead" || cf.Error.Message != "lead has no email [line 1]" {
			t.Errorf("child %s: mode %q, status %q, first failure %+v", ce.ID, c.Mode, c.Status, cf)
		}
		if l := c.Parent(); l == nil || l.Kind != forensics.LinkParent || l.ExecutionID != pe.ID || l.WorkflowID != parent.ID {
			t.Errorf("the child's parent is %+v, want execution %s of workflow %s", l, pe.ID, parent.ID)
		}
		if _, err := tg.client.Deactivate(ctx, parent.ID); err != nil {
			t.Error(err)
		}
	})
}

func TestContractForensicsDisabledNode(t *testing.T) {
	forEachTarget(t, func(t *testing.T, tg target) {
		ctx := context.Background()
		w := tg.create(t, disabledNodeWorkflow(tg.unique("disabled-node"), tg.unique("disabled-path")))
		if _, err := tg.client.Activate(ctx, w.ID); err != nil {
			t.Fatal(err)
		}
		trigger(t, tg, w, map[string]string{"email": "lead@example.com"})
		_, raw := lastExecution(t, tg, w.ID, n8n.StatusSuccess)
		fixture(t, tg, "execution-disabled-node", raw)
		norm := gjson.GetBytes(raw, `data.resultData.runData.Normalize.0`)
		if norm.Get("executionStatus").String() != "success" ||
			norm.Get("data.main.0.0.json.body").Raw != gjson.GetBytes(raw, `data.resultData.runData.Webhook.0.data.main.0.0.json.body`).Raw {
			t.Errorf("the disabled node's run %s, want a success passing its input through", norm.Raw)
		}
		x := openExecution(t, raw)
		if x.Status != "success" || x.FirstFailure() != nil || x.Verdict() != "succeeded" || len(x.SoftFailures()) != 0 {
			t.Errorf("status %q, verdict %q, failure %+v, soft %+v; want a plain success", x.Status, x.Verdict(), x.FirstFailure(), x.SoftFailures())
		}
		var names []string
		for i, r := range x.Timeline() {
			names = append(names, r.Node)
			if got, want := x.Flags(i).Disabled, r.Node == "Normalize"; got != want {
				t.Errorf("%s: disabled %v, want %v", r.Node, got, want)
			}
		}
		if strings.Join(names, ",") != "Webhook,Normalize,Done" {
			t.Errorf("timeline %v, want the run to pass through the disabled node", names)
		}
		n := runOf(x, "Normalize")
		if n < 0 || x.Timeline()[n].ItemsOut != 1 || x.Timeline()[n].Error != nil {
			t.Errorf("Normalize's run %d: want its input passed through", n)
		}
		if _, err := tg.client.Deactivate(ctx, w.ID); err != nil {
			t.Error(err)
		}
	})
}

// A sub-workflow that succeeds: the parent's run of the Execute Workflow
// node names it in metadata.subExecution, which it lacks when the child
// fails (see the test above).
func TestContractForensicsSubExecutionSucceeded(t *testing.T) {
	forEachTarget(t, func(t *testing.T, tg target) {
		ctx := context.Background()
		child := tg.create(t, okChildWorkflow(tg.unique("sub-enrich")))
		parent := tg.create(t, parentWorkflow(tg.unique("parent-ok"), tg.unique("parent-ok-path"), child.ID))
		if tg.major >= 2 {
			if _, err := tg.client.Activate(ctx, child.ID); err != nil {
				t.Fatal(err)
			}
			defer func() { _, _ = tg.client.Deactivate(ctx, child.ID) }()
		}
		if _, err := tg.client.Activate(ctx, parent.ID); err != nil {
			t.Fatal(err)
		}
		trigger(t, tg, parent, map[string]string{"email": "lead@example.com"})
		pe, praw := lastExecution(t, tg, parent.ID, n8n.StatusSuccess)
		ce, craw := lastExecution(t, tg, child.ID, n8n.StatusSuccess)
		fixture(t, tg, "execution-parent-sub-ok", praw)
		if md := gjson.GetBytes(praw, `data.resultData.runData.Call Validator.0.metadata.subExecution`); md.Get("executionId").String() != ce.ID || md.Get("workflowId").String() != child.ID {
			t.Errorf("Call Validator's metadata.subExecution %s, want execution %s", md.Raw, ce.ID)
		}
		p := openExecution(t, praw)
		call := runOf(p, "Call Validator")
		if l := p.SubExecutionOf(call); call < 0 || l == nil || l.Kind != forensics.LinkSub || l.ExecutionID != ce.ID || l.WorkflowID != child.ID || l.Node != "Call Validator" {
			t.Errorf("Call Validator's run %d calls %+v, want execution %s of workflow %s", call, l, ce.ID, child.ID)
		}
		if p.FirstFailure() != nil || p.Verdict() != "succeeded" {
			t.Errorf("parent %s: failure %+v, verdict %q", pe.ID, p.FirstFailure(), p.Verdict())
		}
		c := openExecution(t, craw)
		if l := c.Parent(); c.Mode != "integrated" || l == nil || l.Kind != forensics.LinkParent || l.ExecutionID != pe.ID || l.WorkflowID != parent.ID {
			t.Errorf("child %s (mode %q): parent %+v, want execution %s", ce.ID, c.Mode, l, pe.ID)
		}
		if _, err := tg.client.Deactivate(ctx, parent.ID); err != nil {
			t.Error(err)
		}
	})
}
