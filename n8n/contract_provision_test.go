package n8n_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/godmode-console/godmode/n8n"
)

// The facts provisioning (Genesis) builds on, each seen on both majors:
// see n8n/doc.go, "What provisioning relies on".

// executionsOf waits until workflow id has want executions and returns
// them, newest first (executions are written after the webhook answers).
func executionsOf(t *testing.T, tg target, id string, want int) []n8n.Execution {
	t.Helper()
	var got []n8n.Execution
	eventually(t, 30*time.Second, "executions of "+id, func() (bool, error) {
		p, err := tg.client.ListExecutions(context.Background(), n8n.ExecutionFilter{WorkflowID: id}, "")
		got = p.Data
		return len(p.Data) >= want, err
	})
	return got
}

// post calls a production webhook URL and returns the status and body.
func post(t *testing.T, u string, header map[string]string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest("POST", u, bytes.NewReader([]byte(`{"email":"lead@example.com"}`)))
	req.Header.Set("Content-Type", "application/json")
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("POST %s: %v", u, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	return resp.StatusCode, string(b)
}

// A webhook path namespaced SLUG/PATH is accepted on create and
// activation, answers at <base>/webhook/SLUG/PATH and runs that workflow
// only; two workspaces' `…/unsubscribe` live side by side; a second
// workflow claiming the same namespaced path is created but refused on
// activation.
func TestContractNamespacedWebhookPaths(t *testing.T) {
	forEachTarget(t, func(t *testing.T, tg target) {
		ctx := context.Background()
		acme, other := tg.unique("acme"), tg.unique("other")
		in := webhookWorkflow(tg.unique("acme-unsub"), acme+"/unsubscribe", n8n.Node{Name: "Done", Type: "n8n-nodes-base.noOp", TypeVersion: 1})
		wA := tg.create(t, in)
		wB := tg.create(t, webhookWorkflow(tg.unique("other-unsub"), other+"/unsubscribe", n8n.Node{Name: "Done", Type: "n8n-nodes-base.noOp", TypeVersion: 1}))
		hA, hB := wA.WebhookNodes()[0], wB.WebhookNodes()[0]
		if hA.Path != acme+"/unsubscribe" || hA.WebhookID != in.Nodes[0].WebhookID || hA.WebhookID == hB.WebhookID {
			t.Fatalf("created webhook %+v (sent path %s/unsubscribe, webhookId %s); other %+v", hA, acme, in.Nodes[0].WebhookID, hB)
		}
		if got, want := hA.WebhookURL(tg.url), tg.url+"/webhook/"+acme+"/unsubscribe"; got != want {
			t.Errorf("production URL %s, want %s", got, want)
		}
		for _, w := range []n8n.Workflow{wA, wB} {
			a, err := tg.client.Activate(ctx, w.ID)
			if err != nil || !a.Active {
				t.Fatalf("activating %s: %v", w.Name, err)
			}
			if a.WebhookNodes()[0].WebhookURL(tg.url) != w.WebhookNodes()[0].WebhookURL(tg.url) {
				t.Errorf("the activation changed the URL of %s", w.Name)
			}
		}
		trigger(t, tg, wA, map[string]string{"email": "lead@acme.com"})
		if e := executionsOf(t, tg, wA.ID, 1); e[0].Mode != "webhook" || e[0].WorkflowID != wA.ID {
			t.Errorf("execution %+v", e[0])
		}
		if err := tg.client.WaitRegistered(ctx, hB, 0); err != nil {
			t.Fatal(err)
		}
		if p, err := tg.client.ListExecutions(ctx, n8n.ExecutionFilter{WorkflowID: wB.ID}, ""); err != nil || len(p.Data) != 0 {
			t.Errorf("the other workspace's workflow ran: %v, %d executions", err, len(p.Data))
		}

		// A second workflow on acme's path: create takes it, activation refuses.
		wC := tg.create(t, webhookWorkflow(tg.unique("acme-dup"), acme+"/unsubscribe"))
		_, err := tg.client.Activate(ctx, wC.ID)
		var e *n8n.Error
		if !errors.Is(err, n8n.ErrWebhookPathTaken) || !errors.As(err, &e) || e.Status != pick(tg, 400, 409) ||
			e.Message != pick(tg, `The URL path that the "Webhook" node uses is already taken. Please change it to something else.`, "There is a conflict with one of the webhooks.") {
			t.Errorf("activating a second workflow on %s/unsubscribe: %v", acme, err)
		}
		if w, _ := tg.client.GetWorkflow(ctx, wC.ID); w.Active {
			t.Error("the refused workflow is active")
		}
		// Moving an active workflow onto a taken path by PUT is refused, but
		// not undone: both majors save the new nodes; 1.x leaves the
		// workflow inactive, 2.x keeps the old version published (the new
		// nodes are a draft).
		got, err := tg.client.GetWorkflow(ctx, wB.ID)
		if err != nil {
			t.Fatal(err)
		}
		moved := got
		moved.Nodes = slices.Clone(got.Nodes)
		moved.Nodes[0].Parameters = mustJSON(map[string]any{"path": acme + "/unsubscribe", "httpMethod": "POST", "responseMode": "onReceived"})
		_, err = tg.client.UpdateWorkflow(ctx, wB.ID, moved)
		if !errors.Is(err, n8n.ErrWebhookPathTaken) || !errors.As(err, &e) || e.Status != pick(tg, 400, 409) {
			t.Errorf("PUT of an active workflow onto a taken path: %v, want refused", err)
		}
		after, err := tg.client.GetWorkflow(ctx, wB.ID)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%s: after the refused PUT: active %v, versionId %s, activeVersionId %s, path %s, published path %s", tg.name,
			after.Active, after.VersionID, deref(after.ActiveVersionID), after.WebhookNodes()[0].Path, after.Published().WebhookNodes()[0].Path)
		if after.WebhookNodes()[0].Path != acme+"/unsubscribe" || after.Active != (tg.major >= 2) {
			t.Errorf("after the refused PUT: path %s, active %v", after.WebhookNodes()[0].Path, after.Active)
		}
		if tg.major >= 2 {
			if pub := after.Published(); pub.WebhookNodes()[0].Path != other+"/unsubscribe" || pub.VersionID == after.VersionID {
				t.Errorf("2.x after the refused PUT publishes %s (version %s, draft %s)", pub.WebhookNodes()[0].Path, pub.VersionID, after.VersionID)
			}
		}
		for _, w := range []n8n.Workflow{wA, wB} {
			if _, err := tg.client.Deactivate(ctx, w.ID); err != nil {
				t.Error(err)
			}
		}
	})
}

// What creating a credential returns (its description, never the data),
// that a workflow referring to it by id activates and runs with it, and
// that one referring to an id that does not exist is taken on create and
// on activation and fails only when called.
func TestContractCredentialsInWorkflows(t *testing.T) {
	forEachTarget(t, func(t *testing.T, tg target) {
		ctx := context.Background()
		secret := "s3cret-" + randomSuffix()
		name := tg.unique("header-cred")
		status, b := rawBody(t, tg, "POST", "/credentials", string(mustJSON(map[string]any{"name": name, "type": "httpHeaderAuth",
			"data": map[string]any{"name": "X-Godmode-Key", "value": secret}})))
		var created map[string]any
		if status != 200 || json.Unmarshal(b, &created) != nil {
			t.Fatalf("create: %d %s", status, b)
		}
		credID, _ := created["id"].(string)
		t.Cleanup(func() { _ = tg.client.DeleteCredential(context.Background(), credID) })
		keys := make([]string, 0, len(created))
		for k := range created {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		want := pick(tg, []string{"createdAt", "id", "isGlobal", "isManaged", "name", "type", "updatedAt"},
			[]string{"createdAt", "id", "isGlobal", "isManaged", "isResolvable", "name", "resolvableAllowFallback", "resolverId", "type", "updatedAt"})
		if !slices.Equal(keys, want) || created["name"] != name || created["type"] != "httpHeaderAuth" || bytes.Contains(b, []byte(secret)) {
			t.Errorf("create answered %s, want the fields %v and no data", b, want)
		}
		pg, err := tg.client.CreateCredential(ctx, n8n.Credential{Name: tg.unique("pg-cred"), Type: "postgres", Data: map[string]any{
			"host": "db.example.com", "database": "leads", "user": "acme", "password": secret, "port": 5432, "ssl": "disable", "sshTunnel": false}})
		if err != nil || pg.ID == "" || pg.Type != "postgres" {
			t.Fatalf("postgres credential valid against the schema: %v", err)
		}
		t.Cleanup(func() { _ = tg.client.DeleteCredential(context.Background(), pg.ID) })

		// A webhook guarded by the credential; the reference's name is
		// rewritten to the credential's on create.
		guarded := func(label, credID string) n8n.Workflow {
			w := webhookWorkflow(tg.unique(label), tg.unique("guard")+"/hook", n8n.Node{Name: "Done", Type: "n8n-nodes-base.noOp", TypeVersion: 1})
			w.Nodes[0].Parameters = mustJSON(map[string]any{"path": tg.unique("guard") + "/hook", "httpMethod": "POST", "responseMode": "onReceived", "authentication": "headerAuth"})
			w.Nodes[0].Credentials = mustJSON(map[string]any{"httpHeaderAuth": map[string]string{"id": credID, "name": "a name from the blueprint"}})
			return w
		}
		ref := func(w n8n.Workflow) map[string]string {
			var c map[string]map[string]string
			_ = json.Unmarshal(w.Nodes[0].Credentials, &c)
			return c["httpHeaderAuth"]
		}
		good := tg.create(t, guarded("good-cred", credID))
		if r := ref(good); r["id"] != credID || r["name"] != name {
			t.Errorf("stored reference %v, want id %s and the credential's name %q", r, credID, name)
		}
		if _, err := tg.client.Activate(ctx, good.ID); err != nil {
			t.Fatalf("activating with an existing credential: %v", err)
		}
		if err := tg.client.WaitRegistered(ctx, good.WebhookNodes()[0], 0); err != nil {
			t.Fatal(err)
		}
		u := good.WebhookNodes()[0].WebhookURL(tg.url)
		if status, body := post(t, u, nil); status != 403 || body != "Authorization data is wrong!" {
			t.Errorf("without the header: %d %q", status, body)
		}
		if status, body := post(t, u, map[string]string{"X-Godmode-Key": secret}); status != 200 {
			t.Errorf("with the header: %d %q", status, body)
		}
		executionsOf(t, tg, good.ID, 1)

		missing := "noSuchCred" + randomSuffix()[:6]
		bad := tg.create(t, guarded("missing-cred", missing))
		if r := ref(bad); r["id"] != missing || r["name"] != "a name from the blueprint" {
			t.Errorf("stored reference to a missing credential %v, want it as sent", r)
		}
		if _, err := tg.client.Activate(ctx, bad.ID); err != nil {
			t.Fatalf("activating with a credential that does not exist: %v, want accepted", err)
		}
		if err := tg.client.WaitRegistered(ctx, bad.WebhookNodes()[0], 0); err != nil {
			t.Fatal(err)
		}
		if status, body := post(t, bad.WebhookNodes()[0].WebhookURL(tg.url), map[string]string{"X-Godmode-Key": secret}); status != 500 || body != "No authentication data defined on node!" {
			t.Errorf("calling it: %d %q, want 500 No authentication data defined on node!", status, body)
		}

		// Deleting a credential a live workflow uses: n8n lets it, and the
		// workflow fails from then on (so a rollback deletes workflows first).
		status, b = rawBody(t, tg, "DELETE", "/credentials/"+credID, "")
		var deleted map[string]any
		_ = json.Unmarshal(b, &deleted)
		if _, hasID := deleted["id"]; status != 200 || hasID != (tg.major >= 2) || bytes.Contains(b, []byte(secret)) {
			t.Errorf("delete answered %d %s (id in it: %v)", status, b, hasID)
		}
		if w, _ := tg.client.GetWorkflow(ctx, good.ID); !w.Active || ref(w)["id"] != credID {
			t.Errorf("after deleting its credential the workflow is active %v, reference %v", w.Active, ref(w))
		}
		if status, body := post(t, u, map[string]string{"X-Godmode-Key": secret}); status != 500 || body != "No authentication data defined on node!" {
			t.Errorf("calling it after its credential was deleted: %d %q", status, body)
		}
		for _, w := range []n8n.Workflow{good, bad} {
			if _, err := tg.client.Deactivate(ctx, w.ID); err != nil {
				t.Error(err)
			}
		}
	})
}

// The schema's conditions: 1.x's schemas carry allOf/if/then/else, and an
// `if` on a property that is absent holds, so an openAiApi credential
// without `header` needs headerName and headerValue, and a postgres one
// without `sshTunnel` every ssh field (without allowUnauthorizedCerts,
// `ssl`). 2.41.1's schemas have no conditions and take both.
func TestContractCredentialSchemaConditions(t *testing.T) {
	forEachTarget(t, func(t *testing.T, tg target) {
		ctx := context.Background()
		for _, typ := range []string{"openAiApi", "postgres", "smtp"} {
			sc, err := tg.client.CredentialSchema(ctx, typ)
			if err != nil {
				t.Fatal(err)
			}
			if has(string(sc), `"allOf"`) != (tg.major < 2) {
				t.Errorf("%s schema has allOf: %v", typ, has(string(sc), `"allOf"`))
			}
		}
		sc, _ := tg.client.CredentialSchema(ctx, "httpHeaderAuth")
		if has(string(sc), "allowedHttpRequestDomains") != (tg.major >= 2) {
			t.Errorf("httpHeaderAuth schema: %s", sc)
		}
		pgBase := map[string]any{"host": "db.example.com", "database": "leads", "user": "acme", "password": "pw", "port": 5432}
		with := func(m map[string]any, kv ...any) map[string]any {
			out := map[string]any{}
			for k, v := range m {
				out[k] = v
			}
			for i := 0; i < len(kv); i += 2 {
				out[kv[i].(string)] = kv[i+1]
			}
			return out
		}
		cases := []struct {
			typ  string
			data map[string]any
			v1   string // 1.x's refusal, "" when taken
			v2   string
		}{
			{"openAiApi", map[string]any{"apiKey": "sk-test"},
				`request.body.data does not match allOf schema [subschema 0] with 4 error[s]:,request.body.data does not match allOf schema [subschema 0] with 1 error[s]:,request.body.data requires property "headerName",request.body.data does not match allOf schema [subschema 1] with 1 error[s]:,request.body.data requires property "headerValue"`, ""},
			{"openAiApi", map[string]any{"apiKey": "sk-test", "header": false}, "", ""},
			{"openAiApi", map[string]any{"apiKey": "sk-test", "header": false, "headerName": "X"},
				`request.body.data does not match allOf schema [subschema 0] with 2 error[s]:,request.body.data does not match allOf schema [subschema 0] with 1 error[s]:,request.body.data is of prohibited type [object Object]`, ""},
			{"openAiApi", map[string]any{},
				`request.body.data does not match allOf schema [subschema 0] with 4 error[s]:,request.body.data does not match allOf schema [subschema 0] with 1 error[s]:,request.body.data requires property "headerName",request.body.data does not match allOf schema [subschema 1] with 1 error[s]:,request.body.data requires property "headerValue",request.body.data requires property "apiKey"`,
				`request.body.data requires property "apiKey"`},
			{"postgres", with(pgBase, "ssl", "disable"),
				`request.body.data does not match allOf schema [subschema 1] with 14 error[s]:,request.body.data does not match allOf schema [subschema 0] with 1 error[s]:,request.body.data requires property "sshAuthenticateWith",request.body.data does not match allOf schema [subschema 1] with 1 error[s]:,request.body.data requires property "sshHost",request.body.data does not match allOf schema [subschema 2] with 1 error[s]:,request.body.data requires property "sshPort",request.body.data does not match allOf schema [subschema 3] with 1 error[s]:,request.body.data requires property "sshUser",request.body.data does not match allOf schema [subschema 4] with 1 error[s]:,request.body.data requires property "sshPassword",request.body.data does not match allOf schema [subschema 5] with 1 error[s]:,request.body.data requires property "privateKey",request.body.data does not match allOf schema [subschema 6] with 1 error[s]:,request.body.data requires property "passphrase"`, ""},
			{"postgres", with(pgBase, "sshTunnel", false),
				`request.body.data does not match allOf schema [subschema 0] with 2 error[s]:,request.body.data does not match allOf schema [subschema 0] with 1 error[s]:,request.body.data requires property "ssl"`, ""},
			{"postgres", with(pgBase, "sshTunnel", false, "ssl", "disable"), "", ""},
			{"postgres", with(pgBase, "sshTunnel", false, "ssl", "bogus"),
				"request.body.data is not one of enum values: allow,disable,require", "request.body.data is not one of enum values: allow,disable,require"},
			{"smtp", map[string]any{"user": "u", "password": "p", "host": "h", "port": "x", "secure": true},
				"request.body.data is not of a type(s) number", "request.body.data is not of a type(s) number"},
			{"httpHeaderAuth", map[string]any{"name": "X", "value": 5}, "request.body.data is not of a type(s) string", "request.body.data is not of a type(s) string"},
		}
		for _, c := range cases {
			want := pick(tg, c.v1, c.v2)
			// Raw, for n8n's whole message (the client's Message is clipped).
			status, b := rawBody(t, tg, "POST", "/credentials", string(mustJSON(map[string]any{"name": tg.unique("cond"), "type": c.typ, "data": c.data})))
			var m struct{ ID, Message string }
			_ = json.Unmarshal(b, &m)
			if m.ID != "" {
				_ = tg.client.DeleteCredential(ctx, m.ID)
			}
			switch {
			case want == "" && status != 200:
				t.Errorf("%s %v: %d %s, want taken", c.typ, c.data, status, b)
			case want != "" && (status != 400 || m.Message != want):
				t.Errorf("%s %v: %d %s\nwant 400 %s", c.typ, c.data, status, b, want)
			}
			if want != "" {
				_, err := tg.client.CreateCredential(ctx, n8n.Credential{Name: tg.unique("cond"), Type: c.typ, Data: c.data})
				if !errors.Is(err, n8n.ErrBadRequest) {
					t.Errorf("%s %v through the client: %v, want bad request", c.typ, c.data, err)
				}
			}
		}
	})
}

// After a create timed out, provisioning looks for what it may have made:
// workflows by exact name and tags, credentials by name where n8n lists
// them (2.x), or by the id it recorded.
func TestContractFindAfterTimeout(t *testing.T) {
	forEachTarget(t, func(t *testing.T, tg target) {
		ctx := context.Background()
		prefix := tg.unique("find")
		w1 := tg.create(t, noopWorkflow(prefix+" · Email 1"))
		w10 := tg.create(t, noopWorkflow(prefix+" · Email 10"))
		ws, err := tg.client.CreateTag(ctx, tg.tagName())
		if err != nil {
			t.Fatal(err)
		}
		ver, err := tg.client.CreateTag(ctx, tg.tagName())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			_ = tg.client.DeleteTag(context.Background(), ws.ID)
			_ = tg.client.DeleteTag(context.Background(), ver.ID)
		})
		if _, err := tg.client.SetWorkflowTags(ctx, w1.ID, []string{ws.ID, ver.ID}); err != nil {
			t.Fatal(err)
		}
		if _, err := tg.client.SetWorkflowTags(ctx, w10.ID, []string{ws.ID}); err != nil {
			t.Fatal(err)
		}
		names := func(f n8n.WorkflowFilter) []string {
			t.Helper()
			var out []string
			for w, err := range tg.client.Workflows(ctx, f) {
				if err != nil {
					t.Fatalf("%+v: %v", f, err)
				}
				out = append(out, w.Name)
			}
			slices.Sort(out)
			return out
		}
		both := []string{w1.Name, w10.Name}
		// name= is `contains`: "Email 1" finds "Email 10" too.
		if got := names(n8n.WorkflowFilter{Name: w1.Name}); !slices.Equal(got, both) {
			t.Errorf("name=%q: %v, want both", w1.Name, got)
		}
		// Case-insensitive on 1.123.81 (SQLite), case-sensitive on 2.41.1 (Postgres).
		if got := names(n8n.WorkflowFilter{Name: strings.ToUpper(w1.Name)}); len(got) != pick(tg, 2, 0) {
			t.Errorf("name in capitals: %v", got)
		}
		// '_' and '%' are LIKE wildcards, not escaped.
		if got := names(n8n.WorkflowFilter{Name: strings.Replace(prefix, "-", "_", 1) + "%Email 1"}); !slices.Equal(got, both) {
			t.Errorf("name with wildcards: %v, want both", got)
		}
		if got := names(n8n.WorkflowFilter{Tags: []string{ws.Name, ver.Name}}); !slices.Equal(got, []string{w1.Name}) {
			t.Errorf("tags=ws,ver: %v, want the one carrying both", got)
		}
		if got := names(n8n.WorkflowFilter{Tags: []string{ws.Name}}); !slices.Equal(got, both) {
			t.Errorf("tags=ws: %v", got)
		}
		if got := names(n8n.WorkflowFilter{Tags: []string{strings.ToUpper(ws.Name)}}); len(got) != 0 {
			t.Errorf("tag name in capitals: %v, want none (exact)", got)
		}
		// A tag name that does not exist: ignored by 1.x, matches nothing on 2.x.
		if got := names(n8n.WorkflowFilter{Tags: []string{ws.Name, "gm-no-such-tag"}}); len(got) != pick(tg, 2, 0) {
			t.Errorf("tags=ws,unknown: %v", got)
		}
		if got := names(n8n.WorkflowFilter{Name: prefix, Tags: []string{ver.Name}}); !slices.Equal(got, []string{w1.Name}) {
			t.Errorf("name and tags: %v", got)
		}
		found, err := tg.client.FindWorkflows(ctx, w1.Name, []string{ws.Name})
		if err != nil || len(found) != 1 || found[0].ID != w1.ID {
			t.Errorf("FindWorkflows(%q, ws): %v %d found", w1.Name, err, len(found))
		}
		if found, err := tg.client.FindWorkflows(ctx, w10.Name, []string{ver.Name}); err != nil || len(found) != 0 {
			t.Errorf("FindWorkflows(%q, ver): %v %d found, want none", w10.Name, err, len(found))
		}
		// Names are not unique: a second create of the same name (a blind
		// retry) makes a second workflow.
		dup := tg.create(t, noopWorkflow(w10.Name))
		if found, err := tg.client.FindWorkflows(ctx, w10.Name, nil); err != nil || len(found) != 2 || dup.ID == w10.ID {
			t.Errorf("FindWorkflows(%q) after a second create: %v %d found, want 2", w10.Name, err, len(found))
		}

		c1, err := tg.client.CreateCredential(ctx, n8n.Credential{Name: prefix + " smtp", Type: "httpBasicAuth", Data: map[string]any{"user": "u", "password": "p"}})
		if err != nil {
			t.Fatal(err)
		}
		c2, err := tg.client.CreateCredential(ctx, n8n.Credential{Name: prefix + " header", Type: "httpHeaderAuth", Data: map[string]any{"name": "X", "value": "v"}})
		if err != nil {
			t.Fatal(err)
		}
		// Credential names are not unique either.
		c3, err := tg.client.CreateCredential(ctx, n8n.Credential{Name: c2.Name, Type: "httpHeaderAuth", Data: map[string]any{"name": "X", "value": "v"}})
		if err != nil || c3.ID == c2.ID {
			t.Fatalf("a second credential of the same name: %v (id %s)", err, c3.ID)
		}
		t.Cleanup(func() {
			_ = tg.client.DeleteCredential(context.Background(), c1.ID)
			_ = tg.client.DeleteCredential(context.Background(), c2.ID)
			_ = tg.client.DeleteCredential(context.Background(), c3.ID)
		})
		info, err := tg.client.GetCredential(ctx, c1.ID)
		_, errUnknown := tg.client.GetCredential(ctx, "noSuchCred000000")
		p, errList := tg.client.ListCredentials(ctx, 1, "")
		if tg.major < 2 {
			if !errors.Is(err, n8n.ErrNotSupported) || !errors.Is(errList, n8n.ErrNotSupported) || !has(errList.Error(), "GET method not allowed") {
				t.Errorf("1.x: get credential %v, list %v; want both not supported", err, errList)
			}
			return
		}
		if err != nil || info.ID != c1.ID || info.Name != c1.Name || info.Type != "httpBasicAuth" {
			t.Errorf("get credential: %v %+v", err, info)
		}
		var e *n8n.Error
		if !errors.Is(errUnknown, n8n.ErrNotFound) || !errors.As(errUnknown, &e) || e.Message != "Credential not found" {
			t.Errorf("get unknown credential: %v", errUnknown)
		}
		// Newest first, paged.
		if errList != nil || len(p.Data) != 1 || p.Data[0].ID != c3.ID || p.Next() == "" {
			t.Fatalf("first page of one: %v %+v", errList, p)
		}
		// The cursor carries the page size: a limit beside it is ignored.
		p2, err := tg.client.ListCredentials(ctx, 2, p.Next())
		if err != nil || len(p2.Data) != 1 || p2.Data[0].ID != c2.ID {
			t.Errorf("next page: %v %+v", err, p2)
		}
		// 2.41.1 ignores a name filter on the list: the caller compares.
		status, b := rawBody(t, tg, "GET", "/credentials?limit=1&name="+strings.ReplaceAll(c1.Name, " ", "%20"), "")
		if status != 200 || !bytes.Contains(b, []byte(c3.ID)) {
			t.Errorf("list with name=: %d %s, want the filter ignored", status, b)
		}
		var seen []string
		for c, err := range tg.client.Credentials(ctx) {
			if err != nil {
				t.Fatal(err)
			}
			if strings.HasPrefix(c.Name, prefix) {
				seen = append(seen, c.ID)
			}
		}
		if !slices.Equal(seen, []string{c3.ID, c2.ID, c1.ID}) {
			t.Errorf("iterating credentials: %v, want [%s %s %s]", seen, c3.ID, c2.ID, c1.ID)
		}
	})
}

// Re-applying updates a workflow in place: PUT keeps its id and webhook
// URL, and an active workflow stays active and runs the new version at
// once, on 2.x too (the PUT publishes it: no draft, no re-publish).
func TestContractUpdateInPlace(t *testing.T) {
	forEachTarget(t, func(t *testing.T, tg target) {
		ctx := context.Background()
		path := tg.unique("ws") + "/reply"
		w := tg.create(t, webhookWorkflow(tg.unique("in-place"), path, n8n.Node{Name: "Step A", Type: "n8n-nodes-base.noOp", TypeVersion: 1}))
		a, err := tg.client.Activate(ctx, w.ID)
		if err != nil {
			t.Fatal(err)
		}
		trigger(t, tg, w, map[string]string{})
		executionsOf(t, tg, w.ID, 1)

		next := webhookWorkflow(w.Name+" v2", path, n8n.Node{Name: "Step B", Type: "n8n-nodes-base.noOp", TypeVersion: 1})
		next.Nodes[0].WebhookID = w.Nodes[0].WebhookID
		u, err := tg.client.UpdateWorkflow(ctx, w.ID, next)
		if err != nil {
			t.Fatalf("PUT of the active workflow: %v", err)
		}
		t.Logf("%s: versionId %s -> %s, activeVersionId %v -> %v", tg.name, a.VersionID, u.VersionID, deref(a.ActiveVersionID), deref(u.ActiveVersionID))
		if u.ID != w.ID || !u.Active || u.Name != next.Name || u.VersionID == a.VersionID {
			t.Errorf("after PUT: id %s active %v name %q version %s", u.ID, u.Active, u.Name, u.VersionID)
		}
		if u.ActiveVersionID == nil || *u.ActiveVersionID != u.VersionID {
			t.Errorf("after PUT activeVersionId %v, want the new versionId %s", deref(u.ActiveVersionID), u.VersionID)
		}
		pub := u.Published()
		if hs := pub.WebhookNodes(); len(hs) != 1 || hs[0].WebhookURL(tg.url) != w.WebhookNodes()[0].WebhookURL(tg.url) || hs[0].WebhookID != w.Nodes[0].WebhookID {
			t.Errorf("published webhook after PUT: %+v", hs)
		}
		if !slices.ContainsFunc(pub.Nodes, func(n n8n.Node) bool { return n.Name == "Step B" }) {
			t.Errorf("published nodes after PUT lack Step B")
		}
		got, err := tg.client.GetWorkflow(ctx, w.ID)
		if err != nil || got.Published().VersionID != u.VersionID {
			t.Errorf("GET after PUT: %v, published %s, want %s", err, got.Published().VersionID, u.VersionID)
		}
		// The webhook runs the new version without a re-publish: at once on
		// 1.x; on 2.41.1 a call right after the PUT may still run the old
		// one (seen, for under a second), later calls the new.
		ran := func(n int) string {
			e := executionsOf(t, tg, w.ID, n)
			raw, err := tg.client.GetExecution(ctx, e[0].ID, true)
			if err != nil {
				t.Fatal(err)
			}
			var doc struct {
				WorkflowData struct {
					Nodes []n8n.Node `json:"nodes"`
				} `json:"workflowData"`
			}
			_ = json.Unmarshal(raw, &doc)
			if len(doc.WorkflowData.Nodes) != 2 {
				t.Fatalf("execution %s ran %d nodes", e[0].ID, len(doc.WorkflowData.Nodes))
			}
			return doc.WorkflowData.Nodes[1].Name
		}
		calls := 1
		trigger(t, tg, u, map[string]string{})
		first := ran(2)
		if tg.major < 2 && first != "Step B" {
			t.Errorf("1.x: the call right after the PUT ran %s, want Step B", first)
		}
		for last, deadline := first, time.Now().Add(10*time.Second); last != "Step B"; last = ran(calls + 1) {
			if time.Now().After(deadline) {
				t.Fatalf("after %d calls the webhook still runs %s, want Step B", calls, last)
			}
			time.Sleep(250 * time.Millisecond)
			trigger(t, tg, u, map[string]string{})
			calls++
		}
		t.Logf("%s: the first call after the PUT ran %s; Step B after %d call(s)", tg.name, first, calls)
		// An inactive workflow updated stays inactive.
		if _, err := tg.client.Deactivate(ctx, w.ID); err != nil {
			t.Fatal(err)
		}
		next.Name += " v3"
		if u, err := tg.client.UpdateWorkflow(ctx, w.ID, next); err != nil || u.Active || u.ID != w.ID {
			t.Errorf("PUT of the inactive workflow: %v, active %v", err, u.Active)
		}
	})
}

func deref(s *string) string {
	if s == nil {
		return "<nil>"
	}
	return *s
}
