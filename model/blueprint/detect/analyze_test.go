package detect

import (
	"reflect"
	"testing"
)

// The same files in any order give the same report, so a version's stored
// report compares equal across imports.
func TestAnalyzeIsDeterministic(t *testing.T) {
	fs := append(loadDir(t, "base-cold-email"), loadDir(t, "public-workflows")...)
	rev := make([]File, len(fs))
	for i, f := range fs {
		rev[len(fs)-1-i] = f
	}
	a, b := Analyze(fs), Analyze(rev)
	if !reflect.DeepEqual(a, b) {
		t.Fatal("reports differ with the file order")
	}
	if !reflect.DeepEqual(a, Analyze(fs)) {
		t.Fatal("reports differ between two runs")
	}
}

func TestVariableForms(t *testing.T) {
	wf := `{"nodes":[{"name":"N","type":"n8n-nodes-base.code","parameters":{
		"a":"=Hello {{ $env.SENDER_NAME }} and {{ $env[\"SHEET_ID\"] }}",
		"b":"={{ $vars.API_BASE }}/x {{ $vars['REGION'] }}",
		"c":"Dear {{first_name}}, from {{ COMPANY_NAME }}",
		"d":"YOUR_LEADS_TABLE_ and sk-YOUR_KEY_HERE and \\nYOUR_NAME"},
		"credentials":{"postgres":{"id":"YOUR_CREDENTIAL_POSTGRES_ID","name":"db"}}}]}`
	r := Analyze([]File{{Name: "v.json", Workflow: []byte(wf)}})
	var got []string
	for _, v := range r.Variables {
		got = append(got, v.Kind+":"+v.Name)
	}
	diffStrings(t, "variables", got, []string{
		"env:SENDER_NAME", "env:SHEET_ID", "vars:API_BASE", "vars:REGION",
		"placeholder:COMPANY_NAME", "your_token:YOUR_LEADS_TABLE", "your_token:YOUR_KEY_HERE",
		"your_token:YOUR_NAME", "your_token:YOUR_CREDENTIAL_POSTGRES_ID",
	})
}

func TestCredentialShapes(t *testing.T) {
	wf := `{"nodes":[
		{"name":"New","type":"x","credentials":{"slackApi":{"id":"{{ $credentials.slackApi.id }}","name":"Slack"}}},
		{"name":"Old","type":"x","credentials":{"mauticOAuth2Api":"OAuth2 Mautic"}},
		{"name":"Scrubbed","type":"x","credentials":"[REDACTED]"},
		{"name":"NameOnly","type":"x","credentials":{"smtp":{"name":"SMTP account"}}},
		{"name":"Broken","type":"x","credentials":[1,2]}]}`
	r := Analyze([]File{{Name: "c.json", Workflow: []byte(wf)}})
	want := []CredSlot{
		{File: "c.json", Node: "NameOnly", Type: "smtp", Ref: "SMTP account"},
		{File: "c.json", Node: "New", Type: "slackApi", Ref: "{{ $credentials.slackApi.id }}"},
		{File: "c.json", Node: "Old", Type: "mauticOAuth2Api", Ref: "OAuth2 Mautic"},
		{File: "c.json", Node: "Scrubbed", Type: "", Ref: "[REDACTED]"},
	}
	if !reflect.DeepEqual(r.Credentials, want) {
		t.Errorf("slots %+v\nwant %+v", r.Credentials, want)
	}
}

func TestTriggerKinds(t *testing.T) {
	wf := `{"nodes":[
		{"name":"S","type":"n8n-nodes-base.scheduleTrigger"},{"name":"C","type":"n8n-nodes-base.cron"},
		{"name":"G","type":"n8n-nodes-base.gmailTrigger"},{"name":"W","type":"n8n-nodes-base.webhook","parameters":{"httpMethod":"POST","path":"Unsubscribe"}},
		{"name":"E","type":"n8n-nodes-base.executeWorkflowTrigger"},{"name":"F","type":"n8n-nodes-base.formTrigger"},
		{"name":"Chat","type":"@n8n/n8n-nodes-langchain.chatTrigger"},{"name":"R","type":"n8n-nodes-base.respondToWebhook"},
		{"name":"H","type":"n8n-nodes-base.httpRequest"}]}`
	r := Analyze([]File{{Name: "t.json", Workflow: []byte(wf)}})
	var got []string
	for _, tr := range r.Triggers {
		got = append(got, tr.Node+":"+tr.Kind)
	}
	diffStrings(t, "triggers", got, []string{"S:schedule", "C:schedule", "G:gmail", "W:webhook", "E:subworkflow", "F:formTrigger", "Chat:chatTrigger"})
	if len(r.Webhooks) != 1 || r.Webhooks[0] != (Webhook{File: "t.json", Node: "W", Method: "POST", Path: "Unsubscribe"}) {
		t.Errorf("webhooks %+v", r.Webhooks)
	}
}

// SQL in a Postgres query and in Code node source: tables are hardcoded
// candidates; the leads table's columns are lead columns, other tables' are not.
func TestSQLTablesAndLeadColumns(t *testing.T) {
	wf := `{"nodes":[
		{"name":"Q","type":"n8n-nodes-base.postgres","parameters":{"operation":"executeQuery",
		 "query":"SELECT first_name, l.email_address AS email, count(*) FROM leads_ohio l WHERE replied = false AND opted_out IS NOT TRUE; UPDATE leads_ohio SET email_1_sent = true, updated_at = now() WHERE linkedin_url = $1; SELECT mrr FROM billing"}},
		{"name":"Code","type":"n8n-nodes-base.code","parameters":{"jsCode":"import x from 'y';\nconst q = ` + "`INSERT INTO leads_ohio (first_name, campaign_name) VALUES ($1, $2)`" + `;"}}]}`
	r := Analyze([]File{{Name: "s.json", Workflow: []byte(wf)}})
	diffStrings(t, "lead columns", r.LeadColumns, []string{
		"campaign_name", "email_1_sent", "email_address", "first_name", "linkedin_url", "opted_out", "replied", "updated_at",
	})
	var tables []string
	for _, c := range r.Hardcoded {
		if c.Kind == HardTable {
			tables = append(tables, c.Value)
		}
	}
	diffStrings(t, "tables", tables, []string{"billing", "leads_ohio"})
}

func TestHardcodedCandidates(t *testing.T) {
	wf := `{"nodes":[
		{"name":"Send","type":"n8n-nodes-base.gmail","parameters":{"sendTo":"ohio@acme-leads.io","cc":"user@example.com",
		 "url":"https://ohio.app.n8n.cloud/webhook/ohio-email-1?x=1","sheet":"https://docs.google.com/spreadsheets/d/1AGG05kKt9b-OAN3YGsZ-ZVDFv9fWxEjgWHDDBE2g_C8/edit",
		 "dash":"YOUR_DASHBOARD_URL/api","site":"see https://n8n.io/workflows."}},
		{"name":"Note","type":"n8n-nodes-base.stickyNote","parameters":{"content":"Owner: a.b@gmail.com, docs https://docs.acme.io"}}]}`
	r := Analyze([]File{{Name: "h.json", Workflow: []byte(wf)}})
	var got []string
	for _, c := range r.Hardcoded {
		got = append(got, c.Kind+"|"+c.Value)
	}
	diffStrings(t, "hardcoded", got, []string{
		"email|ohio@acme-leads.io", "email|a.b@gmail.com",
		"url|https://ohio.app.n8n.cloud/webhook/ohio-email-1?x=1", "host|ohio.app.n8n.cloud", "n8n_url|https://ohio.app.n8n.cloud",
		"url|https://docs.google.com/spreadsheets/d/1AGG05kKt9b-OAN3YGsZ-ZVDFv9fWxEjgWHDDBE2g_C8/edit", "host|docs.google.com",
		"sheet|1AGG05kKt9b-OAN3YGsZ-ZVDFv9fWxEjgWHDDBE2g_C8",
		"url|https://n8n.io/workflows", "host|n8n.io",
	})
}

// Analyze is called from several sessions at once (the importer in one
// console, a capture in another): the shared gitleaks detector holds no
// per-call state. Run with -race.
func TestAnalyzeConcurrently(t *testing.T) {
	fs := []File{loadFile(t, "planted-secrets.json"), loadFile(t, "public-workflows/nishchith--Opt-Out.json")}
	want := Analyze(fs)
	done := make(chan Report)
	for i := 0; i < 4; i++ {
		go func() { done <- Analyze(fs) }()
	}
	for i := 0; i < 4; i++ {
		if got := <-done; !reflect.DeepEqual(got, want) {
			t.Error("concurrent report differs")
		}
	}
}
