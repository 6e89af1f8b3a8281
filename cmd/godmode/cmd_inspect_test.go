package main

import (
	"context"
	"crypto/ed25519"
	"encoding/json"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/godmode-console/godmode/db"
	"github.com/godmode-console/godmode/db/dbtest"
	"github.com/godmode-console/godmode/db/demofleet"
	"github.com/godmode-console/godmode/model"
	"github.com/godmode-console/godmode/n8n"
	"github.com/godmode-console/godmode/n8n/n8ntest"
)

// fixtureFacts are what a person reads in each real execution: its id,
// status, how many runs, and the failed node with its error.
var fixtureFacts = []struct {
	file, id, status string
	runs             int
	failedNode, msg  string
	httpCode         string
	line             int
	waitsAt          string
}{
	{"execution-error-42mb.json.gz", "8", "error", 5, "OpenAI Agent", "The service is receiving too many requests from you", "429", 0, ""},
	{"execution-error-code-node.json", "2", "error", 3, "Email Sender", "SMTP 550: mailbox unavailable for bounce@target.com", "", 1, ""},
	{"execution-error-http-429-with-binary.json", "5", "error", 5, "OpenAI Agent", "The service is receiving too many requests from you", "429", 0, ""},
	{"execution-retry-of-2.json", "3", "error", 3, "Email Sender", "SMTP 550: mailbox unavailable for bounce@target.com", "", 1, ""},
	{"execution-success-code.json", "1", "success", 3, "", "", "", 0, ""},
	{"execution-success-loop.json", "6", "success", 19, "", "", "", 0, ""},
	{"execution-waiting.json", "7", "waiting", 2, "", "", "", 0, "Wait 3 Days"},
	{"execution-soft-failure-merge.json", "5", "success", 4, "", "", "", 0, ""},
	{"execution-soft-failure-merge-2x.json", "3", "success", 4, "", "", "", 0, ""},
	{"execution-parent-sub-failed.json", "6", "error", 2, "Call Validator", "lead has no email [line 1]", "", 0, ""},
	{"execution-parent-sub-failed-2x.json", "4", "error", 2, "Call Validator", "lead has no email [line 1]", "", 0, ""},
	{"execution-sub-failed-code.json", "7", "error", 2, "Validate Lead", "lead has no email [line 1]", "", 1, ""},
	{"execution-sub-failed-code-2x.json", "5", "error", 2, "Validate Lead", "lead has no email [line 1]", "", 1, ""},
	{"execution-parent-sub-ok.json", "9", "success", 2, "", "", "", 0, ""},
	{"execution-parent-sub-ok-2x.json", "7", "success", 2, "", "", "", 0, ""},
	{"execution-disabled-node.json", "8", "success", 3, "", "", "", 0, ""},
	{"execution-disabled-node-2x.json", "6", "success", 3, "", "", "", 0, ""},
}

func fixture(name string) string { return filepath.Join("..", "..", "forensics", "testdata", name) }

func TestInspectSummaryOfEveryFixture(t *testing.T) {
	isolate(t)
	for _, f := range fixtureFacts {
		t.Run(f.file, func(t *testing.T) {
			out, errOut, code := godmode(t, "", "inspect", "--summary", fixture(f.file))
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			if !strings.HasPrefix(out, "execution "+f.id+"  "+strings.ToUpper(f.status)) {
				t.Errorf("first line: %q", strings.SplitN(out, "\n", 2)[0])
			}
			rows := 0
			for _, l := range strings.Split(out, "\n") {
				if fs := strings.Fields(l); len(fs) > 3 && fs[0] == strconv.Itoa(rows+1) {
					rows++
				}
			}
			if rows != f.runs {
				t.Errorf("the timeline has %d rows, want %d:\n%s", rows, f.runs, out)
			}
			if f.failedNode != "" && (!strings.Contains(out, "FAILED at "+f.failedNode) || !strings.Contains(out, f.msg)) {
				t.Errorf("the failure (%s: %s) is not printed:\n%s", f.failedNode, f.msg, out)
			}
			if f.failedNode == "" && strings.Contains(out, "FAILED") {
				t.Errorf("a %s execution reads as failed:\n%s", f.status, out)
			}
			if f.waitsAt != "" && !strings.Contains(out, f.waitsAt) {
				t.Errorf("does not say it waits at %s:\n%s", f.waitsAt, out)
			}
		})
	}
}

func TestInspectJSONOfEveryFixture(t *testing.T) {
	isolate(t)
	for _, f := range fixtureFacts {
		t.Run(f.file, func(t *testing.T) {
			out, errOut, code := godmode(t, "", "inspect", fixture(f.file), "--json")
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			var s struct {
				ID       string `json:"id"`
				Status   string `json:"status"`
				Timeline []struct {
					Node   string `json:"node"`
					Status string `json:"status"`
					Error  string `json:"error"`
				} `json:"timeline"`
				Failure *struct {
					Node       string `json:"node"`
					Message    string `json:"message"`
					HTTPCode   string `json:"http_code"`
					LineNumber int    `json:"line_number"`
				} `json:"failure"`
				Waiting *struct {
					Node string `json:"node"`
				} `json:"waiting"`
			}
			if err := json.Unmarshal([]byte(out), &s); err != nil {
				t.Fatalf("not JSON: %v\n%.300s", err, out)
			}
			if s.ID != f.id || s.Status != f.status || len(s.Timeline) != f.runs {
				t.Errorf("id %s status %s runs %d, want %s %s %d", s.ID, s.Status, len(s.Timeline), f.id, f.status, f.runs)
			}
			switch {
			case f.failedNode == "" && s.Failure != nil:
				t.Errorf("a %s execution has a failure: %+v", f.status, s.Failure)
			case f.failedNode != "" && s.Failure == nil:
				t.Fatalf("no failure reported")
			case f.failedNode != "":
				if s.Failure.Node != f.failedNode || !strings.HasPrefix(s.Failure.Message, f.msg) || s.Failure.HTTPCode != f.httpCode || s.Failure.LineNumber != f.line {
					t.Errorf("failure %+v", s.Failure)
				}
				// The failed node's run is in the timeline, in error.
				var found bool
				for _, r := range s.Timeline {
					found = found || (r.Node == f.failedNode && r.Status == "error" && r.Error != "")
				}
				if !found {
					t.Errorf("the timeline has no failed run of %s", f.failedNode)
				}
			}
			if f.waitsAt != "" && (s.Waiting == nil || s.Waiting.Node != f.waitsAt) {
				t.Errorf("waiting: %+v, want at %s", s.Waiting, f.waitsAt)
			}
		})
	}
}

func TestInspectRefusesWhatItCannotRead(t *testing.T) {
	isolate(t)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"inspect"}, "say which execution"},
		{[]string{"inspect", "abc"}, `"abc" is neither a file`},
		{[]string{"inspect", "missing.json", "--summary"}, "missing.json"},
		{[]string{"inspect", fixture("execution-waiting.json"), "--summary", "--json"}, "choose one"},
	} {
		_, errOut, code := godmode(t, "", tc.args...)
		if code == 0 || !strings.Contains(errOut, tc.want) {
			t.Errorf("%v: exit %d, %q lacks %q", tc.args, code, errOut, tc.want)
		}
	}
}

// TestInspectIDAuthorisesBeforeFetching runs `godmode inspect ID` against
// a database and a fake n8n: a member of the campaign's workspace gets the
// summary; a member of another workspace is refused.
func TestInspectIDAuthorisesBeforeFetching(t *testing.T) {
	isolate(t)
	url := dbtest.URL(t)
	key := db.GenerateKey()
	t.Setenv(envDatabaseURL, url)
	t.Setenv(db.EnvMasterKey, key)
	ctx := context.Background()
	pool, err := db.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	kr, err := db.KeyringFromEnv("")
	if err != nil {
		t.Fatal(err)
	}
	store := db.NewStore(pool, kr)
	defer store.Close()
	srv := n8ntest.New()
	defer srv.Close()
	inst, err := store.AddInstance(ctx, db.NewInstance{Name: "ohio", BaseURL: srv.URL, APIKey: srv.APIKey})
	if err != nil {
		t.Fatal(err)
	}
	ohio, _ := store.CreateWorkspace(ctx, "ohio", "Ohio Roofing", &inst.ID)
	texas, _ := store.CreateWorkspace(ctx, "texas", "Texas Legal", &inst.ID)
	seedDemoLikeFailure(t, store, srv, ohio)
	var keys []ed25519.PrivateKey
	for email, ws := range map[string]model.Workspace{"member@ohio.io": ohio, "owner@texas.io": texas} {
		priv, pub := newSSHKey(t)
		registerKey(t, store, email, pub)
		u, _ := store.UserByEmail(ctx, email)
		store.SetMember(ctx, ws.ID, u.ID, model.RoleMember)
		keys = append(keys, priv)
	}
	serveAgent(t, keys...)
	execs := srv.Executions()
	id := execs[len(execs)-1].ID

	t.Setenv(envUser, "member@ohio.io")
	out, errOut, code := godmode(t, "", "inspect", "--summary", id)
	if code != 0 || !strings.Contains(out, "FAILED at Email Sender") || !strings.Contains(out, "SMTP 550") {
		t.Fatalf("member: exit %d\n%s%s", code, out, errOut)
	}
	t.Setenv(envUser, "owner@texas.io")
	out, errOut, code = godmode(t, "", "inspect", "--json", id)
	if code != 1 || !strings.Contains(errOut, "forbidden") || out != "" {
		t.Fatalf("member of another workspace: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	t.Setenv(envUser, "")
	if _, errOut, code := godmode(t, "", "inspect", "--summary", "424242"); code != 1 || !strings.Contains(errOut, "execution 424242 no longer exists in n8n") {
		t.Errorf("unknown id: exit %d %q", code, errOut)
	}
}

// seedDemoLikeFailure makes ohio's "Email 1": webhook → Code that throws,
// with one failed execution.
func seedDemoLikeFailure(t *testing.T, store *db.Store, srv *n8ntest.Server, ws model.Workspace) {
	t.Helper()
	tpl := demofleet.Templates[0]
	wf, err := srv.AddWorkflow(n8n.Workflow{Name: "ohio · Email 1", Nodes: tpl.Nodes("ohio-email-1"), Connections: json.RawMessage(tpl.Connections)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := store.CreateCampaign(context.Background(), db.NewCampaign{WorkspaceID: ws.ID, Name: "Email 1", N8nWorkflowID: wf.ID, Status: model.CampaignPaused}); err != nil {
		t.Fatal(err)
	}
	spec := tpl.Fail
	spec.WorkflowID, spec.Status = wf.ID, n8n.StatusError
	if _, err := srv.AddExecution(spec); err != nil {
		t.Fatal(err)
	}
}
