package model_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/godmode-console/godmode/model"
	"github.com/godmode-console/godmode/model/genesis"
	"github.com/godmode-console/godmode/n8n/n8ntest"
)

// A run records the values it applied that are not secret, the names of
// the secret ones (env: and file: in the values file) and the credentials
// given by id; no secret value reaches the row.
func TestProvisionRecordsValuesWithoutSecrets(t *testing.T) {
	w := newProvWorld(t)
	w.workspace("texas")
	res, err := w.provision(w.ctx, "texas", "texas")
	if err != nil {
		t.Fatal(err)
	}
	var row string
	if err := w.store.Pool().QueryRow(w.ctx, `SELECT row_to_json(r)::text FROM provisioning_runs r WHERE id = $1`, res.Run.ID).Scan(&row); err != nil {
		t.Fatal(err)
	}
	for _, s := range secretsOf("texas") {
		if strings.Contains(row, s) {
			t.Errorf("the run's row holds secret %q", s)
		}
	}
	ws, _ := w.store.WorkspaceBySlug(w.ctx, "texas")
	run, rv, err := w.store.LastSucceededRun(w.ctx, ws.ID)
	if err != nil {
		t.Fatal(err)
	}
	if run.ID != res.Run.ID {
		t.Errorf("last succeeded run %d, want %d", run.ID, res.Run.ID)
	}
	if got := rv.Values["YOUR_COMPANY_NAME"]; got != `Texas "Lone Star" O'Brien & Sons` {
		t.Errorf("YOUR_COMPANY_NAME recorded as %q", got)
	}
	if got := strings.Join(rv.Secret, " "); got != "YOUR_APIFY_API_TOKEN YOUR_GOOGLE_CSE_API_KEY YOUR_RELEVANCE_AI_AUTH_TOKEN YOUR_WEBHOOK_TOKEN" {
		t.Errorf("secret names recorded: %q", got)
	}
	if len(rv.Values) != 24 || rv.CredentialIDs["YOUR_CREDENTIAL_ANTHROPIC_ID"] != "anthropic-texas" || len(rv.CredentialIDs) != 3 {
		t.Errorf("%d values, credential ids %v; want 24 values and the 3 ids given", len(rv.Values), rv.CredentialIDs)
	}
	w.noSecretsInPostgres(secretsOf("texas"))
}

// editWorld is texas provisioned with no secret variable (so an owner's
// change can be rebuilt from the record), YOUR_NAME admin_editable, and a
// person of each role; ohio's owner is in ohio only.
type editWorld struct {
	*provWorld
	people  map[string]model.Actor
	texas   *n8ntest.Server
	calls   []model.ProvisionRequest
	restore func() // puts the real re-apply core back (it stands in for it otherwise)
}

func newEditWorld(t *testing.T) *editWorld {
	t.Helper()
	w := &editWorld{provWorld: newProvWorld(t), people: map[string]model.Actor{}}
	w.texas = w.workspace("texas")
	w.workspace("ohio")
	vals := w.values("texas")
	for name, v := range vals.Variables {
		if v.Secret {
			vals.Variables[name] = genesis.Value{V: genesis.NewSecret("plain-"+strings.ToLower(name[5:]), "test")}
		}
	}
	if _, err := w.console.Provision(w.ctx, w.super, model.ProvisionRequest{Workspace: "texas", Blueprint: "base-cold-email", Version: 1, Values: vals, Activate: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.vault().SetEditable(w.ctx, w.super, "base-cold-email", []string{"YOUR_NAME"}, false); err != nil {
		t.Fatal(err)
	}
	texas, _ := w.store.WorkspaceBySlug(w.ctx, "texas")
	ohio, _ := w.store.WorkspaceBySlug(w.ctx, "ohio")
	for _, p := range []struct {
		who  string
		ws   int64
		role model.Role
	}{{"owner", texas.ID, model.RoleOwner}, {"admin", texas.ID, model.RoleAdmin}, {"member", texas.ID, model.RoleMember},
		{"viewer", texas.ID, model.RoleViewer}, {"ohio-owner", ohio.ID, model.RoleOwner}} {
		u, err := w.store.CreateUser(w.ctx, p.who+"@example.com", p.who, false)
		if err != nil {
			t.Fatal(err)
		}
		if err := w.store.SetMember(w.ctx, p.ws, u.ID, p.role); err != nil {
			t.Fatal(err)
		}
		if w.people[p.who], err = w.store.Actor(w.ctx, u, "SHA256:"+p.who); err != nil {
			t.Fatal(err)
		}
	}
	w.people["super"] = w.super
	w.restore = model.SetReapplyCore(func(_ context.Context, _ *model.Console, _ model.Actor, req model.ProvisionRequest) (model.ProvisionResult, error) {
		w.calls = append(w.calls, req)
		return model.ProvisionResult{Run: model.ProvisioningRun{ID: 999, Status: model.RunSucceeded}}, nil
	})
	t.Cleanup(w.restore)
	return w
}

// The last audit row of an owner's change by who.
func (w *editWorld) lastEditRow(who string) (model.AuditEntry, int) {
	rows := w.auditOf(model.ActionNameEditVariables)
	var mine []model.AuditEntry
	for _, r := range rows {
		if r.ActorName == w.people[who].Name {
			mine = append(mine, r)
		}
	}
	if len(mine) == 0 {
		return model.AuditEntry{}, 0
	}
	return mine[len(mine)-1], len(mine)
}

// Super admins and the workspace's owners and admins change an
// admin_editable variable; members, viewers and another workspace's owner
// are refused. Each attempt is one audit row with the actor.
func TestEditVariablesWhoMay(t *testing.T) {
	w := newEditWorld(t)
	for _, who := range []string{"super", "owner", "admin", "member", "viewer", "ohio-owner"} {
		t.Run(who, func(t *testing.T) {
			calls := len(w.calls)
			res, err := w.console.EditVariables(w.ctx, w.people[who], "texas", map[string]string{"YOUR_NAME": "Alex of texas"})
			allowed := who == "super" || who == "owner" || who == "admin"
			row, n := w.lastEditRow(who)
			if n != 1 {
				t.Fatalf("%d audit rows by %s, want 1", n, who)
			}
			if !allowed {
				if !errors.Is(err, model.ErrForbidden) || len(w.calls) != calls {
					t.Fatalf("a %s changed a variable: %v (core called %d times)", who, err, len(w.calls)-calls)
				}
				if row.Outcome != model.OutcomeFailed || row.Error == "" {
					t.Errorf("refusal row: %+v", row)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if res.Run.ID != 999 || len(w.calls) != calls+1 {
				t.Fatalf("the re-apply core was not called once: %+v", res)
			}
			req := w.calls[len(w.calls)-1]
			if req.Workspace != "texas" || req.Blueprint != "base-cold-email" || req.Version != 1 || !req.Activate {
				t.Errorf("request %s %s@%d activate=%v", req.Workspace, req.Blueprint, req.Version, req.Activate)
			}
			if got := req.Values.Variables["YOUR_NAME"].V.Reveal(); got != "Alex of texas" {
				t.Errorf("YOUR_NAME = %q", got)
			}
			if got := req.Values.Variables["YOUR_COMPANY_NAME"].V.Reveal(); got != `Texas "Lone Star" O'Brien & Sons` {
				t.Errorf("YOUR_COMPANY_NAME = %q, want the last run's", got)
			}
			if req.Values.Credentials["YOUR_CREDENTIAL_GMAIL_ID"].ID != "gmail-texas" {
				t.Errorf("the given credential id is not carried: %+v", req.Values.Credentials)
			}
			ws, _ := w.store.WorkspaceBySlug(w.ctx, "texas")
			if row.Outcome != model.OutcomeOK || row.WorkspaceID == nil || *row.WorkspaceID != ws.ID ||
				!strings.Contains(string(row.After), `"YOUR_NAME"`) || strings.Contains(string(row.After), "Alex of texas") {
				t.Errorf("audit row: %s %s %s", row.Outcome, row.After, row.Error)
			}
		})
	}
	ro := model.NewConsole(w.store, provDial(), model.ConsoleOptions{ReadOnly: true})
	if _, err := ro.EditVariables(w.ctx, w.people["owner"], "texas", map[string]string{"YOUR_NAME": "x"}); !errors.Is(err, model.ErrForbidden) {
		t.Errorf("a read-only session changed a variable: %v", err)
	}
	if row, n := w.lastEditRow("owner"); n != 2 || row.Outcome != model.OutcomeFailed {
		t.Errorf("the read-only refusal is not on the record: %d rows, last %s", n, row.Outcome)
	}
}

// What an owner may not change, or the record cannot rebuild, is refused
// naming the variable, before the core is called; the audit row has the
// names only (a refused value may be a secret typed in the wrong place).
func TestEditVariablesRefusals(t *testing.T) {
	w := newEditWorld(t)
	// ohio is provisioned from the values file, its secrets from env: and
	// file:, which no record keeps.
	if _, err := w.provision(w.ctx, "ohio", "ohio"); err != nil {
		t.Fatal(err)
	}
	if _, err := w.store.CreateWorkspace(w.ctx, "utah", "Utah", nil); err != nil {
		t.Fatal(err)
	}
	owner := w.people["owner"]
	ohio, _ := w.store.WorkspaceBySlug(w.ctx, "ohio")
	_ = w.store.SetMember(w.ctx, ohio.ID, owner.UserID, model.RoleOwner)
	cases := []struct {
		name, slug string
		changes    map[string]string
		want       string
	}{
		{"not editable", "texas", map[string]string{"YOUR_COMPANY_NAME": "typed-value-1"},
			"YOUR_COMPANY_NAME: is not admin_editable in blueprint base-cold-email"},
		{"unknown", "texas", map[string]string{"YOUR_NAEM": "typed-value-2"}, "(did you mean YOUR_NAME?)"},
		{"a secret in the record", "ohio", map[string]string{"YOUR_NAME": "typed-value-3"},
			"YOUR_WEBHOOK_TOKEN: was given as a secret in run"},
		{"nothing", "texas", nil, "nothing to change"},
		{"no such workspace", "nowhere", map[string]string{"YOUR_NAME": "typed-value-4"}, `workspace "nowhere": not found`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			calls := len(w.calls)
			_, err := w.console.EditVariables(w.ctx, owner, c.slug, c.changes)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("got %v, want a refusal saying %q", err, c.want)
			}
			if len(w.calls) != calls {
				t.Error("the core was called")
			}
			row, _ := w.lastEditRow("owner")
			if row.Outcome != model.OutcomeFailed || !strings.Contains(row.Error, c.want) {
				t.Errorf("audit row: %s %q", row.Outcome, row.Error)
			}
			for _, v := range c.changes {
				if strings.Contains(string(row.After), v) || strings.Contains(row.Error, v) {
					t.Errorf("the audit row holds the value typed: %s %s", row.After, row.Error)
				}
			}
		})
	}
	if _, err := w.console.EditVariables(w.ctx, owner, "ohio", map[string]string{"YOUR_NAME": "x"}); err == nil ||
		!strings.Contains(err.Error(), "a super admin re-applies with the values file") {
		t.Errorf("ohio's refusal does not say what can be done: %v", err)
	}
	// A workspace never provisioned has nothing to re-apply.
	if _, err := w.console.EditVariables(w.ctx, w.super, "utah", map[string]string{"YOUR_NAME": "x"}); err == nil ||
		!strings.Contains(err.Error(), "workspace utah is awaiting_setup") {
		t.Errorf("utah: %v", err)
	}
	w.noSecretsInPostgres(secretsOf("ohio"))
}

// An owner's change is applied in place by the re-apply engine: the
// workflows that use the variable carry the new value in n8n under the
// same ids and webhook URLs, the others are not written, and the new run
// records the value for the next change. Both rows are on the record.
func TestEditVariablesReappliesInPlace(t *testing.T) {
	w := newEditWorld(t)
	w.restore()
	ws, _ := w.store.WorkspaceBySlug(w.ctx, "texas")
	before, _ := w.store.Campaigns(w.ctx, ws.ID)
	uses := map[string]bool{} // workflow id → it holds the old value
	for _, cp := range before {
		wf, _ := w.texas.Workflow(cp.N8nWorkflowID)
		raw, _ := json.Marshal(wf)
		uses[cp.N8nWorkflowID] = strings.Contains(string(raw), "Sam of texas")
	}
	writes := w.texas.Writes()
	res, err := w.console.EditVariables(w.ctx, w.people["owner"], "texas", map[string]string{"YOUR_NAME": "Alex of texas"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Run.Status != model.RunSucceeded {
		t.Fatalf("run %d is %s", res.Run.ID, res.Run.Status)
	}
	after, _ := w.store.Campaigns(w.ctx, ws.ID)
	if len(after) != len(before) {
		t.Fatalf("%d campaigns after, %d before", len(after), len(before))
	}
	changed := 0
	for i, cp := range after {
		if cp.N8nWorkflowID != before[i].N8nWorkflowID || cp.WebhookURL != before[i].WebhookURL {
			t.Errorf("%s: workflow %s at %q became %s at %q", cp.Name, before[i].N8nWorkflowID, before[i].WebhookURL, cp.N8nWorkflowID, cp.WebhookURL)
		}
		wf, _ := w.texas.Workflow(cp.N8nWorkflowID)
		raw, _ := json.Marshal(wf)
		has := strings.Contains(string(raw), "Alex of texas")
		if has != uses[cp.N8nWorkflowID] || strings.Contains(string(raw), "Sam of texas") {
			t.Errorf("%s: new value present=%v, old value used before=%v", cp.Name, has, uses[cp.N8nWorkflowID])
		}
		if has {
			changed++
		}
	}
	if changed == 0 {
		t.Fatal("no workflow uses YOUR_NAME: the test proves nothing")
	}
	if got := w.texas.Writes() - writes; got != int64(changed) {
		t.Errorf("%d write requests to n8n for %d workflows using YOUR_NAME; want one PUT each; steps %+v", got, changed, res.Plan.Steps)
	}
	if run, rv, err := w.store.LastSucceededRun(w.ctx, ws.ID); err != nil || run.ID != res.Run.ID || rv.Values["YOUR_NAME"] != "Alex of texas" {
		t.Errorf("last succeeded run %d (want %d) records YOUR_NAME %q (%v)", run.ID, res.Run.ID, rv.Values["YOUR_NAME"], err)
	}
	if row, _ := w.lastEditRow("owner"); row.Outcome != model.OutcomeOK {
		t.Errorf("edit_variables row: %s %q", row.Outcome, row.Error)
	}
	var via bool
	for _, r := range w.auditOf(model.ActionNameProvision) {
		if r.ActorName == w.people["owner"].Name && strings.Contains(string(r.After), `"via": "workspace.edit_variables"`) {
			via = true
		}
	}
	if !via {
		t.Error("the run is not on the record as the owner's, through edit_variables")
	}
}

// Rights are read from Postgres at the change, not when the session
// began: an owner demoted to viewer meanwhile is refused.
func TestEditVariablesReadsRightsNow(t *testing.T) {
	w := newEditWorld(t)
	ws, _ := w.store.WorkspaceBySlug(w.ctx, "texas")
	if err := w.store.SetMember(w.ctx, ws.ID, w.people["owner"].UserID, model.RoleViewer); err != nil {
		t.Fatal(err)
	}
	_, err := w.console.EditVariables(w.ctx, w.people["owner"], "texas", map[string]string{"YOUR_NAME": "x"})
	if !errors.Is(err, model.ErrForbidden) || len(w.calls) != 0 {
		t.Fatalf("a demoted owner changed a variable: %v", err)
	}
}
