package genesis

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/godmode-console/godmode/model/blueprint/detect"
	"github.com/godmode-console/godmode/n8n"
)

// baseEnv is the environment the values files' env: references read.
func baseEnv(ws string) map[string]string {
	W := strings.ToUpper(ws)
	m := map[string]string{}
	for _, k := range []string{"APIFY_TOKEN", "CSE_KEY", "RELEVANCE_TOKEN", "PG_PASSWORD", "OPENAI_KEY"} {
		m[W+"_"+k] = "SECRET-" + ws + "-" + strings.ToLower(k)
	}
	return m
}

func basePlan(t *testing.T, ws string, c *n8n.Client, ids IDSource) *Plan {
	t.Helper()
	v := importVersion(t, "testdata/base-optout", "base-cold-email", 1)
	env := baseEnv(ws)
	vals, err := ReadValues("testdata/"+ws+".toml", LoadOptions{Getenv: func(k string) (string, bool) { s, ok := env[k]; return s, ok }})
	if err != nil {
		t.Fatal(err)
	}
	pl, err := MakePlan(context.Background(), Input{Version: v, Workspace: Workspace{Slug: ws}, Values: vals, Activate: true},
		Ports{Webhooks: fakeHooks{c}, Schemas: c, IDs: ids})
	if err != nil {
		t.Fatal(err)
	}
	return pl
}

var uuidShape = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)

// The base templates (and the opt-out webhook they call) planned for two
// workspaces, then created in the fake n8n: nothing left to fill in any
// workflow, every credential slot bound to a real credential, and each
// workspace's webhook on its own path with its own id.
func TestPlanBaseForTwoWorkspaces(t *testing.T) {
	ctx := context.Background()
	fake, c := newFake(t)
	type applied struct {
		plan      *Plan
		workflows []n8n.Workflow
		creds     map[string]string // slot → id created
	}
	runs := map[string]applied{}
	for _, ws := range []string{"texas", "ohio"} {
		pl := basePlan(t, ws, c, NewUUID)
		a := applied{plan: pl, creds: map[string]string{}}
		for _, cp := range pl.Credentials {
			if cp.New == nil {
				continue
			}
			info, err := c.CreateCredential(ctx, n8n.Credential{Name: cp.New.Name, Type: cp.New.Type, Data: cp.New.Payload()})
			if err != nil {
				t.Fatalf("%s: the fake n8n refused credential %s: %v", ws, cp.Slot, err)
			}
			a.creds[cp.Slot] = info.ID
		}
		for _, w := range pl.Workflows {
			body, err := w.Body(a.creds)
			if err != nil {
				t.Fatal(err)
			}
			var wf n8n.Workflow
			if err := json.Unmarshal(body, &wf); err != nil {
				t.Fatalf("%s %s: the rendered workflow does not parse: %v", ws, w.File, err)
			}
			got, err := c.CreateWorkflow(ctx, wf)
			if err != nil {
				t.Fatalf("%s %s: the fake n8n refused the workflow: %v", ws, w.File, err)
			}
			if w.Activate {
				if got, err = c.Activate(ctx, got.ID); err != nil {
					t.Fatalf("%s %s: activate: %v", ws, w.File, err)
				}
			}
			a.workflows = append(a.workflows, got)
		}
		runs[ws] = a
	}
	if fake.WorkflowCount() != 14 {
		t.Fatalf("%d workflows in n8n, want 7 per workspace", fake.WorkflowCount())
	}

	given := map[string]bool{}
	for _, ws := range []string{"texas", "ohio"} {
		for _, s := range []string{"gmail-", "sheets-", "anthropic-"} {
			given[s+ws] = true
		}
	}
	webhookIDs := map[string]string{}
	paths := map[string]string{}
	for ws, a := range runs {
		created := map[string]bool{}
		for _, id := range a.creds {
			created[id] = true
		}
		if len(a.creds) != 4 {
			t.Errorf("%s: %d credentials created, want postgres, openai and the two CSE ones", ws, len(a.creds))
		}
		var files []detect.File
		for _, wf := range a.workflows {
			raw, _ := json.Marshal(wf)
			files = append(files, detect.File{Name: wf.Name, Workflow: raw})
			if !strings.HasPrefix(wf.Name, ws+" - ") {
				t.Errorf("workflow %q is not prefixed with %s", wf.Name, ws)
			}
			for _, n := range wf.Nodes {
				if len(n.Credentials) > 0 {
					var cm map[string]struct{ ID, Name string }
					if err := json.Unmarshal(n.Credentials, &cm); err != nil {
						t.Fatal(err)
					}
					for typ, cr := range cm {
						if !created[cr.ID] && !given[cr.ID] {
							t.Errorf("%s %s node %q: credential %s id %q is neither created by the run nor given", ws, wf.Name, n.Name, typ, cr.ID)
						}
						if strings.HasSuffix(cr.ID, "-"+otherWS(ws)) {
							t.Errorf("%s uses %s's credential %s", ws, otherWS(ws), cr.ID)
						}
					}
				}
				if n.WebhookID != "" {
					if !uuidShape.MatchString(n.WebhookID) {
						t.Errorf("webhookId %q is not uuid-shaped", n.WebhookID)
					}
					if prev, dup := webhookIDs[n.WebhookID]; dup {
						t.Errorf("webhookId %s of %s node %q is also %s's", n.WebhookID, wf.Name, n.Name, prev)
					}
					webhookIDs[n.WebhookID] = wf.Name + "/" + n.Name
				}
				if _, path, ok := WebhookOf(n.Type, n.Parameters); ok {
					if path != ws+"/Unsubscribe" {
						t.Errorf("%s webhook path %q, want %s/Unsubscribe", ws, path, ws)
					}
					paths[path] = ws
				}
			}
		}
		r := detect.Analyze(files)
		if len(r.Variables) > 0 {
			t.Errorf("%s: the detector still finds variables in what n8n holds: %+v", ws, r.Variables)
		}
		if len(r.Skipped) > 0 {
			t.Errorf("%s: %+v", ws, r.Skipped)
		}
		for _, s := range r.Credentials {
			if strings.HasPrefix(s.Ref, "YOUR_") {
				t.Errorf("%s: slot left: %+v", ws, s)
			}
		}
	}
	if len(paths) != 2 {
		t.Fatalf("webhook paths %v: want one per workspace", paths)
	}
	// Blueprint nodes that shared a webhookId (Email 2 and Email 3's
	// "Wait 5 mins") got one each.
	if len(webhookIDs) < 2*8 {
		t.Fatalf("only %d distinct webhookIds", len(webhookIDs))
	}
}

func otherWS(ws string) string {
	if ws == "texas" {
		return "ohio"
	}
	return "texas"
}

// The plan's order and shape: credentials first (workflows refer to their
// ids), then create, tag, activate and record per workflow; tags name the
// workspace and the blueprint version; the audit list names variables and
// which were secret.
func TestPlanBaseSteps(t *testing.T) {
	_, c := newFake(t)
	pl := basePlan(t, "texas", c, seqIDs("aaaaaaaa"))
	var kinds []string
	for i, s := range pl.Steps {
		if s.Seq != i+1 {
			t.Fatalf("step %d has seq %d", i, s.Seq)
		}
		kinds = append(kinds, s.Kind+" "+s.Ref)
	}
	want := []string{
		"create_credential credential:YOUR_CREDENTIAL_GOOGLE_CSE_HEADER_ID",
		"create_credential credential:YOUR_CREDENTIAL_GOOGLE_CSE_QUERY_ID",
		"create_credential credential:YOUR_CREDENTIAL_OPENAI_ID",
		"create_credential credential:YOUR_CREDENTIAL_POSTGRES_ID",
	}
	for _, f := range []string{"Email 1.json", "Email 2.json", "Email 3.json", "Email Preparation.json", "Opt-Out.json", "Reply Tracker.json", "Research Report.json"} {
		for _, k := range []string{"create_workflow", "tag_workflow", "activate_workflow", "record_campaign"} {
			want = append(want, k+" workflow:"+f)
		}
	}
	if strings.Join(kinds, "\n") != strings.Join(want, "\n") {
		t.Fatalf("steps:\n%s\nwant:\n%s", strings.Join(kinds, "\n"), strings.Join(want, "\n"))
	}
	if strings.Join(pl.Tags, ",") != "ws:texas,bp:base-cold-email@v1" {
		t.Fatalf("tags %v", pl.Tags)
	}
	secret := map[string]bool{}
	for _, v := range pl.Variables {
		secret[v.Name] = v.Secret
	}
	if !secret["YOUR_WEBHOOK_TOKEN"] || !secret["YOUR_GOOGLE_CSE_API_KEY"] || secret["YOUR_COMPANY_NAME"] || len(pl.Variables) != 28 {
		t.Fatalf("variables for the audit: %+v", pl.Variables)
	}
	// The errorWorkflow of Email 1 points at the source instance, and the
	// three tracking Code nodes' unsubscribe links followed the opt-out
	// webhook to texas/Unsubscribe.
	var ws []string
	for _, w := range pl.Warnings {
		ws = append(ws, w.Workflow+"|"+w.Node+"|"+w.Field)
	}
	if strings.Join(ws, "\n") != strings.Join([]string{
		"Email 1.json|Inject Tracking|parameters.jsCode",
		"Email 1.json||settings.errorWorkflow",
		"Email 2.json|Code for Email 2|parameters.jsCode",
		"Email 3.json|Inject Tracking Email|parameters.jsCode",
	}, "\n") {
		t.Fatalf("warnings %+v", pl.Warnings)
	}
	// Deterministic with an injected id source.
	again := basePlan(t, "texas", c, seqIDs("aaaaaaaa"))
	for i := range pl.Workflows {
		a, _ := pl.Workflows[i].Body(map[string]string{"YOUR_CREDENTIAL_GOOGLE_CSE_HEADER_ID": "1", "YOUR_CREDENTIAL_GOOGLE_CSE_QUERY_ID": "2", "YOUR_CREDENTIAL_OPENAI_ID": "3", "YOUR_CREDENTIAL_POSTGRES_ID": "4"})
		b, _ := again.Workflows[i].Body(map[string]string{"YOUR_CREDENTIAL_GOOGLE_CSE_HEADER_ID": "1", "YOUR_CREDENTIAL_GOOGLE_CSE_QUERY_ID": "2", "YOUR_CREDENTIAL_OPENAI_ID": "3", "YOUR_CREDENTIAL_POSTGRES_ID": "4"})
		if string(a) != string(b) || len(a) == 0 {
			t.Fatalf("%s renders differently twice", pl.Workflows[i].File)
		}
	}
	if _, err := pl.Workflows[0].Body(nil); err == nil {
		t.Fatal("Body without the created credentials' ids was accepted")
	}
}

// Secrets from env: and file: reach the bodies sent to n8n and the
// credentials' payloads, and nothing else: not the previews, not the plan
// printed or marshalled.
func TestPlanBaseKeepsSecretsOut(t *testing.T) {
	_, c := newFake(t)
	pl := basePlan(t, "texas", c, NewUUID)
	secrets := []string{"whtok-texas-SECRET"}
	for _, v := range baseEnv("texas") {
		secrets = append(secrets, v)
	}
	j, _ := json.Marshal(pl)
	outs := []string{fmt.Sprintf("%v", pl), fmt.Sprintf("%+v", *pl), fmt.Sprintf("%#v", *pl), string(j)}
	for _, w := range pl.Workflows {
		outs = append(outs, string(w.Preview))
	}
	for _, o := range outs {
		for _, s := range secrets {
			if strings.Contains(o, s) {
				t.Fatalf("secret %q shows in %.200s", s, o)
			}
		}
	}
	var bodies strings.Builder
	for _, w := range pl.Workflows {
		b, _ := w.Body(map[string]string{"YOUR_CREDENTIAL_GOOGLE_CSE_HEADER_ID": "1", "YOUR_CREDENTIAL_GOOGLE_CSE_QUERY_ID": "2", "YOUR_CREDENTIAL_OPENAI_ID": "3", "YOUR_CREDENTIAL_POSTGRES_ID": "4"})
		bodies.Write(b)
	}
	if !strings.Contains(bodies.String(), "whtok-texas-SECRET") {
		t.Fatal("the webhook token variable did not reach the workflows")
	}
	if !strings.Contains(string(pl.Workflows[0].Preview), "[secret YOUR_WEBHOOK_TOKEN]") {
		t.Fatal("the preview does not show where the secret goes")
	}
}

// blankSegments replaces each {{ }} part of an expression by 0, so the
// JSON text around it can be parsed the way n8n parses it once filled.
func blankSegments(s string) string {
	var b strings.Builder
	for {
		i := strings.Index(s, "{{")
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		j := strings.Index(s[i:], "}}")
		if j < 0 {
			b.WriteString(s)
			return b.String()
		}
		b.WriteString(s[:i] + "0")
		s = s[i+j+2:]
	}
}

// Values with quotes, apostrophes, ampersands and a line break (texas's
// company name and description) went into Code nodes' string literals
// and JSON bodies: every code still lexes to its end as the blueprint's
// did, and every JSON body that parsed in the blueprint still parses.
func TestPlanBaseEmbeddedLanguagesSurvive(t *testing.T) {
	_, c := newFake(t)
	pl := basePlan(t, "texas", c, NewUUID)
	v := importVersion(t, "testdata/base-optout", "base-cold-email", 1)
	checkedCode, checkedJSON := 0, 0
	for i, w := range pl.Workflows {
		body, _ := w.Body(map[string]string{"YOUR_CREDENTIAL_GOOGLE_CSE_HEADER_ID": "1", "YOUR_CREDENTIAL_GOOGLE_CSE_QUERY_ID": "2", "YOUR_CREDENTIAL_OPENAI_ID": "3", "YOUR_CREDENTIAL_POSTGRES_ID": "4"})
		after, _ := decodeJSON(body)
		before, _ := decodeJSON(v.Workflows[i])
		an, _ := after["nodes"].([]any)
		bn, _ := before["nodes"].([]any)
		for k := range bn {
			bm, am := bn[k].(map[string]any), an[k].(map[string]any)
			typ, _ := bm["type"].(string)
			collect := func(m map[string]any) map[string]string {
				out := map[string]string{}
				walkStrings(m["parameters"], "parameters", func(p, s string) string { out[p] = s; return s })
				return out
			}
			bs, as := collect(bm), collect(am)
			for p, old := range bs {
				nu := as[p]
				if old == nu {
					continue
				}
				if codeLanguage(typ, p) == "js" {
					checkedCode++
					if a, b := lineEndStates(old), lineEndStates(nu); a != b {
						t.Errorf("%s node %q %s: the code no longer lexes as before (state at each line end):\n%s\n%s", w.File, bm["name"], p, a, b)
					}
					continue
				}
				text := strings.TrimPrefix(old, "=")
				if !jsonish(text) {
					continue
				}
				var x any
				if json.Unmarshal([]byte(blankSegments(text)), &x) != nil {
					continue // not JSON in the blueprint either
				}
				checkedJSON++
				if err := json.Unmarshal([]byte(blankSegments(strings.TrimPrefix(nu, "="))), &x); err != nil {
					t.Errorf("%s node %q %s: the JSON body no longer parses: %v\n%s", w.File, bm["name"], p, err, nu)
				}
			}
		}
	}
	if checkedCode < 5 || checkedJSON < 3 {
		t.Fatalf("checked only %d code fields and %d JSON bodies", checkedCode, checkedJSON)
	}
}

// lineEndStates is the lexer's state at the end of every line: a value
// that closed a string literal early leaves a line ending inside one.
func lineEndStates(code string) string {
	var b strings.Builder
	for i := 0; i < len(code); i++ {
		if code[i] == '\n' {
			fmt.Fprintf(&b, "%d", jsStateAt(code, i))
		}
	}
	fmt.Fprintf(&b, "%d", jsStateAt(code, len(code)))
	return b.String()
}

// The e-mails' unsubscribe links point at the workspace's own opt-out
// webhook, which namespacing moved to SLUG/Unsubscribe.
func TestPlanBaseLinksFollowTheWebhook(t *testing.T) {
	_, c := newFake(t)
	for _, ws := range []string{"texas", "ohio"} {
		pl := basePlan(t, ws, c, NewUUID)
		var all strings.Builder
		for _, w := range pl.Workflows {
			b, _ := w.Body(map[string]string{"YOUR_CREDENTIAL_GOOGLE_CSE_HEADER_ID": "1", "YOUR_CREDENTIAL_GOOGLE_CSE_QUERY_ID": "2", "YOUR_CREDENTIAL_OPENAI_ID": "3", "YOUR_CREDENTIAL_POSTGRES_ID": "4"})
			all.Write(b)
		}
		if n := strings.Count(all.String(), "https://n8n.example.com/webhook/"+ws+"/Unsubscribe"); n != 3 {
			t.Errorf("%s: %d links to its opt-out webhook, want the 3 tracking nodes'", ws, n)
		}
		if strings.Contains(all.String(), "/webhook/Unsubscribe") {
			t.Errorf("%s: a link still points at the shared path", ws)
		}
	}
}

func TestRewriteHookRefs(t *testing.T) {
	refs := map[string]string{"Unsubscribe": "acme/Unsubscribe", "in": "acme/in"}
	for in, want := range map[string]string{
		"https://h/webhook/Unsubscribe?t=1":     "https://h/webhook/acme/Unsubscribe?t=1",
		"'X/webhook/Unsubscribe'":               "'X/webhook/acme/Unsubscribe'",
		"https://h/webhook-test/Unsubscribe":    "https://h/webhook-test/acme/Unsubscribe",
		"https://h/webhook/UnsubscribeAll":      "https://h/webhook/UnsubscribeAll",
		"https://h/webhook/acme/Unsubscribe":    "https://h/webhook/acme/Unsubscribe",
		"https://h/webhook/in/x /webhook/inbox": "https://h/webhook/acme/in/x /webhook/inbox",
		"no link here":                          "no link here",
	} {
		if got, _ := rewriteHookRefs(in, refs); got != want {
			t.Errorf("%q → %q, want %q", in, got, want)
		}
	}
}

// A blueprint whose workflow names start with the slug token (as capture
// makes them) gets the slug once: "idaho - Email 1", not
// "idaho - idaho · Email 1".
func TestSlugTokenInANameIsThePrefix(t *testing.T) {
	for _, c := range []struct{ name, want string }{
		{"YOUR_WORKSPACE_SLUG · Email 1", "idaho - Email 1"},
		{"YOUR_WORKSPACE_SLUG - Email 1", "idaho - Email 1"},
		{"Email 1 of YOUR_WORKSPACE_SLUG", "idaho - Email 1 of idaho"},
		{"Email 1", "idaho - Email 1"},
	} {
		raw := []byte(`{"name":` + strconv.Quote(c.name) + `,"nodes":[{"id":"n1","name":"Start","type":"n8n-nodes-base.manualTrigger","typeVersion":1,"position":[0,0],"parameters":{}}],"connections":{},"settings":{}}`)
		w, probs, _ := planWorkflow("wf.json", raw, "idaho", map[string]Value{BuiltinSlug: {V: NewSecret("idaho", "the workspace")}}, nil, nil, func(string) string { return "id" })
		if len(probs) > 0 || w.Name != c.want {
			t.Errorf("%q: named %q (%v), want %q", c.name, w.Name, probs, c.want)
		}
	}
}
