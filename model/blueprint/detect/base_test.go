package detect

import (
	"fmt"
	"testing"
)

// The platform's six templates, read by hand (grep -o 'YOUR_[A-Z0-9_]*' and
// each node's credentials block): every token and every slot, as one
// blueprint.
var baseTokens = []string{
	"YOUR_APIFY_API_TOKEN", "YOUR_CALENDLY_LINK_1", "YOUR_CALENDLY_LINK_2",
	"YOUR_CAMPAIGN_GROUP_ID", "YOUR_CAMPAIGN_NAME", "YOUR_COMPANY_DESCRIPTION",
	"YOUR_COMPANY_NAME", "YOUR_CREDENTIAL_ANTHROPIC_ID", "YOUR_CREDENTIAL_GMAIL_ID",
	"YOUR_CREDENTIAL_GOOGLE_CSE_HEADER_ID", "YOUR_CREDENTIAL_GOOGLE_CSE_QUERY_ID",
	"YOUR_CREDENTIAL_GOOGLE_SHEETS_ID", "YOUR_CREDENTIAL_OPENAI_ID",
	"YOUR_CREDENTIAL_POSTGRES_ID", "YOUR_DASHBOARD_URL", "YOUR_GOOGLE_CSE_API_KEY",
	"YOUR_GOOGLE_CSE_CX", "YOUR_GOOGLE_SHEET_ID", "YOUR_LEADS_SHEET_NAME",
	"YOUR_LEADS_TABLE", "YOUR_N8N_INSTANCE_URL", "YOUR_NAME",
	"YOUR_RELEVANCE_AI_AUTH_TOKEN", "YOUR_RELEVANCE_AI_BASE_URL",
	"YOUR_RELEVANCE_AI_PROJECT_ID", "YOUR_RELEVANCE_AI_STUDIO_ID", "YOUR_SENDER_EMAIL",
	"YOUR_SERVICE_1_DESCRIPTION", "YOUR_SERVICE_2_DESCRIPTION",
	"YOUR_SERVICE_3_DESCRIPTION", "YOUR_SERVICE_4_DESCRIPTION", "YOUR_TEST_EMAIL",
	"YOUR_WEBHOOK_TOKEN", "YOUR_WORKSPACE_ID",
}

var baseSlots = []string{
	"Email 1.json|Email #1 Not Sent|postgres|YOUR_CREDENTIAL_POSTGRES_ID",
	"Email 1.json|Email #1 not sent|googleSheetsOAuth2Api|YOUR_CREDENTIAL_GOOGLE_SHEETS_ID",
	"Email 1.json|Gmail|gmailOAuth2|YOUR_CREDENTIAL_GMAIL_ID",
	"Email 1.json|Select rows for Email 1|postgres|YOUR_CREDENTIAL_POSTGRES_ID",
	"Email 1.json|Update to Google Sheets|googleSheetsOAuth2Api|YOUR_CREDENTIAL_GOOGLE_SHEETS_ID",
	"Email 1.json|Update to Supabase|postgres|YOUR_CREDENTIAL_POSTGRES_ID",
	"Email 2.json|Gmail Email 2|gmailOAuth2|YOUR_CREDENTIAL_GMAIL_ID",
	"Email 2.json|Mark Email 2 Sent|postgres|YOUR_CREDENTIAL_POSTGRES_ID",
	"Email 2.json|Mark Email 2 sent|googleSheetsOAuth2Api|YOUR_CREDENTIAL_GOOGLE_SHEETS_ID",
	"Email 2.json|Replied = Yes|googleSheetsOAuth2Api|YOUR_CREDENTIAL_GOOGLE_SHEETS_ID",
	"Email 2.json|Replied Status yes|postgres|YOUR_CREDENTIAL_POSTGRES_ID",
	"Email 2.json|Replied?|gmailOAuth2|YOUR_CREDENTIAL_GMAIL_ID",
	"Email 2.json|Select Leads for Email|postgres|YOUR_CREDENTIAL_POSTGRES_ID",
	"Email 3.json|Append or update row in sheet|googleSheetsOAuth2Api|YOUR_CREDENTIAL_GOOGLE_SHEETS_ID",
	"Email 3.json|Gmail|gmailOAuth2|YOUR_CREDENTIAL_GMAIL_ID",
	"Email 3.json|Mark Email 3 Failed|postgres|YOUR_CREDENTIAL_POSTGRES_ID",
	"Email 3.json|Mark Email 3 Sent|postgres|YOUR_CREDENTIAL_POSTGRES_ID",
	"Email 3.json|Replied status Yes|googleSheetsOAuth2Api|YOUR_CREDENTIAL_GOOGLE_SHEETS_ID",
	"Email 3.json|Replied?|gmailOAuth2|YOUR_CREDENTIAL_GMAIL_ID",
	"Email 3.json|Select Leads for Email 3|postgres|YOUR_CREDENTIAL_POSTGRES_ID",
	"Email 3.json|Update Replied Status|postgres|YOUR_CREDENTIAL_POSTGRES_ID",
	"Email Preparation.json|Analyze|openAiApi|YOUR_CREDENTIAL_OPENAI_ID",
	"Email Preparation.json|Draft Emails 1,2,3|anthropicApi|YOUR_CREDENTIAL_ANTHROPIC_ID",
	"Email Preparation.json|Get Email Prep|postgres|YOUR_CREDENTIAL_POSTGRES_ID",
	"Email Preparation.json|Google CSE Search|httpQueryAuth|YOUR_CREDENTIAL_GOOGLE_CSE_QUERY_ID",
	"Email Preparation.json|Google Reviews (1-3 Stars)|httpQueryAuth|YOUR_CREDENTIAL_GOOGLE_CSE_QUERY_ID",
	"Email Preparation.json|Summarize (O3-mini)|openAiApi|YOUR_CREDENTIAL_OPENAI_ID",
	"Email Preparation.json|Update to Google Sheets|googleSheetsOAuth2Api|YOUR_CREDENTIAL_GOOGLE_SHEETS_ID",
	"Email Preparation.json|Update to Supabase|postgres|YOUR_CREDENTIAL_POSTGRES_ID",
	"Reply Tracker.json|Check If Lead|googleSheetsOAuth2Api|YOUR_CREDENTIAL_GOOGLE_SHEETS_ID",
	"Reply Tracker.json|Mark as Replied|googleSheetsOAuth2Api|YOUR_CREDENTIAL_GOOGLE_SHEETS_ID",
	"Reply Tracker.json|New Email Received|gmailOAuth2|YOUR_CREDENTIAL_GMAIL_ID",
	"Reply Tracker.json|Select rows from a table|postgres|YOUR_CREDENTIAL_POSTGRES_ID",
	"Research Report.json|Email Report|gmailOAuth2|YOUR_CREDENTIAL_GMAIL_ID",
	"Research Report.json|Get Research Report|postgres|YOUR_CREDENTIAL_POSTGRES_ID",
	"Research Report.json|Google Reviews (1-3)|httpHeaderAuth|YOUR_CREDENTIAL_GOOGLE_CSE_HEADER_ID",
	"Research Report.json|Google Reviews (1-3)|httpQueryAuth|YOUR_CREDENTIAL_GOOGLE_CSE_QUERY_ID",
	"Research Report.json|Open AI - Pain Points + Solutions|openAiApi|YOUR_CREDENTIAL_OPENAI_ID",
	"Research Report.json|Open AI - Person + Company Profile|openAiApi|YOUR_CREDENTIAL_OPENAI_ID",
	"Research Report.json|Open AI - Similarities|openAiApi|YOUR_CREDENTIAL_OPENAI_ID",
	"Research Report.json|Summarize (O3-mini)|openAiApi|YOUR_CREDENTIAL_OPENAI_ID",
	"Research Report.json|Update to Google Sheets|googleSheetsOAuth2Api|YOUR_CREDENTIAL_GOOGLE_SHEETS_ID",
	"Research Report.json|Update to Supabase|postgres|YOUR_CREDENTIAL_POSTGRES_ID",
}

// The leads table's columns, from the Postgres nodes' column maps, matching
// columns, where and sort lists. "Email #1 Sent" and "LinkedIn Url" are what
// Email 1's "Email #1 Not Sent" node really writes to YOUR_LEADS_TABLE (a
// Sheets column list pasted into a Postgres node in the original).
var baseLeadColumns = []string{
	"Email #1 Sent", "LinkedIn Url", "analyze", "email_1_body", "email_1_sent",
	"email_1_subject", "email_2_body", "email_2_sent", "email_3_body", "email_3_sent",
	"email_3_subject", "email_prep", "full_name", "id", "linkedin_url", "message_id",
	"opted_out", "replied", "report_sent", "research_report", "sender_email", "token",
}

func TestBaseColdEmailVariablesAreEveryYourToken(t *testing.T) {
	r := Analyze(loadDir(t, "base-cold-email"))
	var got []string
	for _, v := range r.Variables {
		if v.Kind != KindYourToken {
			t.Errorf("unexpected %s variable %s (the platform's templates use YOUR_* only)", v.Kind, v.Name)
			continue
		}
		if len(v.Where) == 0 {
			t.Errorf("%s has no place", v.Name)
		}
		got = append(got, v.Name)
	}
	diffStrings(t, "YOUR_* variables", got, baseTokens)
}

func TestBaseColdEmailCredentialSlots(t *testing.T) {
	r := Analyze(loadDir(t, "base-cold-email"))
	var got []string
	for _, c := range r.Credentials {
		got = append(got, fmt.Sprintf("%s|%s|%s|%s", c.File, c.Node, c.Type, c.Ref))
	}
	diffStrings(t, "credential slots", got, baseSlots)
	// A credential id placeholder is also a variable, found at the id field.
	for _, v := range r.Variables {
		if v.Name != "YOUR_CREDENTIAL_ANTHROPIC_ID" {
			continue
		}
		want := Place{File: "Email Preparation.json", Node: "Draft Emails 1,2,3", Path: "credentials.anthropicApi.id"}
		if len(v.Where) != 1 || v.Where[0] != want {
			t.Errorf("YOUR_CREDENTIAL_ANTHROPIC_ID at %+v, want [%+v]", v.Where, want)
		}
	}
}

func TestBaseColdEmailLeadColumnsAndNoSecret(t *testing.T) {
	r := Analyze(loadDir(t, "base-cold-email"))
	diffStrings(t, "lead columns", r.LeadColumns, baseLeadColumns)
	for _, s := range r.Secrets {
		t.Errorf("secret reported in the platform's templates: %+v", s)
	}
	if len(r.Skipped) != 0 {
		t.Errorf("skipped: %+v", r.Skipped)
	}
	var kinds []string
	for _, tr := range r.Triggers {
		kinds = append(kinds, tr.File+"|"+tr.Kind)
	}
	diffStrings(t, "triggers", kinds, []string{
		"Email 1.json|schedule", "Email 2.json|schedule", "Email 3.json|schedule",
		"Email Preparation.json|schedule", "Reply Tracker.json|gmail", "Research Report.json|schedule",
	})
}
