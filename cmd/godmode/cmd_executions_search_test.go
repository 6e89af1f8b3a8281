package main

import (
	"context"
	"strings"
	"testing"

	"github.com/godmode-console/godmode/model"
)

// `executions W/C --data TEXT` is the console's /data: search for
// scripts: where the text is, execution by execution; a member asking of
// another workspace gets nothing and the refusal is on the record.
func TestExecutionsDataSearch(t *testing.T) {
	f := newScriptFleet(t)
	out := mustRun(t, "executions", "ohio/Email-1", "--data", "boom")
	for _, want := range []string{"EXECUTION", "NODE", "PATH", f.failed.ID, "Send", "error.message", "boom", "searched the latest "} {
		if !strings.Contains(out, want) {
			t.Errorf("executions --data boom lacks %q:\n%s", want, out)
		}
	}
	type search struct {
		Workspace, Campaign, Data, Status string
		Searched, Found, Matching         int
		Matches                           []matchJSON
		Skipped                           []string
	}
	res := decode[search](t, mustRun(t, "executions", "ohio/Email-1", "--data", "boom", "--limit", "2", "--json"))
	if res.Campaign != "Email-1" || res.Data != "boom" || res.Searched != 2 || res.Skipped == nil {
		t.Errorf("--json: %+v", res)
	}
	for _, m := range res.Matches {
		if m.Execution != f.failed.ID || m.Node != "Send" || !strings.Contains(m.Text, "boom") {
			t.Errorf("match %+v", m)
		}
	}
	// --status narrows what is read, as the pane's filter does.
	res = decode[search](t, mustRun(t, "executions", "ohio/Email-1", "--data", "boom", "--status", "success", "--json"))
	if res.Status != "success" || res.Searched == 0 || res.Found != 0 {
		t.Errorf("--status success: %+v", res)
	}

	as(t, "member@ohio.io", f.member)
	out, errOut, code := godmode(t, "", "executions", "texas/Texas-Secret-Blast", "--data", "boom")
	if code != 1 || !strings.Contains(errOut, "forbidden") || strings.Contains(out, "boom") {
		t.Errorf("ohio's member searched texas: exit %d, %q %q", code, out, errOut)
	}
	rows, _ := f.store.Audit(context.Background(), model.AuditFilter{Actor: "member@ohio.io", Outcome: model.OutcomeFailed, WorkspaceID: &f.texas.ID})
	if len(rows) != 1 || rows[0].Action != "executions.search" {
		t.Errorf("refusal audited: %+v", rows)
	}
}
