package detect

import (
	"fmt"
	"sort"
	"strings"
	"testing"
)

// sourcesFacts is what testdata/public-workflows/SOURCES.md states per file:
// webhook paths, other triggers, credential types with counts, $vars/$env
// names, hardcoded values named in "what".
type sourcesFacts struct {
	webhooks []string // path
	triggers []string // kinds other than webhook
	creds    string   // "type×n, …" sorted, as SOURCES writes them
	env      []string
	vars     []string
	hard     []string // kind|value
}

var sources = map[string]sourcesFacts{
	"scrapernode--13007-scrape-linkedin-b2b-leads-with-apify-and-gpt-4-and-approve-emails-in-sheets.json": {
		webhooks: []string{"webhook/approved", "webhook/rejected"}, triggers: []string{"formTrigger"},
		creds: "gmailOAuth2×1, googleSheetsOAuth2Api×2, httpHeaderAuth×2, hubspotAppToken×2, openAiApi×2",
		hard:  []string{"email|muhammadmoosa.abc1@gmail.com", "sheet|1B5gPF93zBySVC9h2JzbCZXbVZvf5tEcLaoc6Xuyt3aQ"},
	},
	"scrapernode--10634-instant-lead-notifications-with-gmailsmtp-for-teams-auto-responses.json": {
		webhooks: []string{"automation/lead-create/email"}, triggers: []string{"manualTrigger"},
		creds: "gmailOAuth2×2, smtp×2",
	},
	"scrapernode--9393-automate-b2b-lead-generation-personalized-cold-emails-with-apollo-apify-gpt.json": {
		triggers: []string{"formTrigger"},
	},
	"scrapernode--6402-automate-personalized-cold-email-sequences-with-gpt-4-mailgun-and-supabase.json": {
		triggers: []string{"schedule", "telegramTrigger"},
	},
	"scrapernode--11574-extract-sales-leads-from-google-jobs-linkedin-indeed-with-gpt-4o-and-apify.json": {
		triggers: []string{"schedule"},
		vars:     []string{"APIFY_GOOGLE_JOBS_ACTOR_ID", "APIFY_INDEED_ACTOR_ID", "APIFY_LINKEDIN_JOBS_ACTOR_ID", "GOOGLE_SHEETS_ID", "NOTIFICATION_EMAIL", "SLACK_CHANNEL"},
	},
	"scrapernode--8590-automate-lead-qualification-follow-up-with-gemini-hubspot-zoom-mailchimp.json": {
		webhooks: []string{"wordpress-form"}, triggers: []string{"formTrigger"},
		creds: "gmailOAuth2×1, googleCalendarOAuth2Api×1, googlePalmApi×1",
		env:   []string{"MAILCHIMP_LIST_ID_FOLLOWUP", "MAILCHIMP_LIST_ID_QUALIFIED"},
		hard:  []string{"email|ackm04@gmail.com"},
	},
	"scrapernode--10729-benchmark-content-safety-guardrails-with-automated-test-suite-reports.json": {
		triggers: []string{"manualTrigger"}, creds: "gmailOAuth2×1, openAiApi×1",
	},
	"scrapernode--6131-set-up-complete-mern-stack-development-environment-on-linux-server.json": {
		triggers: []string{"manualTrigger"}, creds: "sshPrivateKey×8",
	},
	"scrapernode--2833-smart-email-outreach-sequence-ai-powered-customizable.json": {
		triggers: []string{"manualTrigger"},
	},
	"scrapernode--6072-subscription-revenue-optimizer-with-stripe-postgres-gmail-predictive-retention.json": {
		triggers: []string{"schedule"}, hard: []string{"table|customer_analytics"},
	},
	"scrapernode--9349-ai-powered-lead-qualification-routing-with-openai-slack-and-airtable.json": {
		webhooks: []string{"lead-intake"}, creds: "openAiApi×1", hard: []string{"email|leads@youragency.com"},
	},
	"scrapernode--467-send-sales-data-from-webhook-to-mautic.json": {
		webhooks: []string{"PuHq2RQsmc3HXB/hook"}, creds: "mauticOAuth2Api×7",
	},
	"scrapernode--7937-ai-powered-zendesk-support-responses-with-rag-openai-and-supabase-knowledge-base.json": {
		webhooks: []string{"zendesk_new_ticket"}, creds: "openAiApi×1, postgres×1, supabaseApi×1, zendeskApi×1",
	},
	"scrapernode--12366-validate-deduplicate-and-store-customers-via-api-with-supabase-slack-telegram-an.json": {
		webhooks: []string{"customer/validate-and-store"},
		creds:    "gmailOAuth2×1, slackApi×1, supabaseApi×2, telegramApi×1", hard: []string{"table|customers"},
	},
	"scrapernode--4654-daily-insight-email-from-structured-web-data-with-firecrawl.json": {
		// node-level "credentials": "[REDACTED]" on four nodes: a slot with no type each
		triggers: []string{"schedule"}, creds: "×4",
	},
	"nishchith--Email-1.json": {
		triggers: []string{"schedule"}, creds: "gmailOAuth2×1, googleSheetsOAuth2Api×2, postgres×3",
		hard: []string{"sheet|1AGG05kKt9b-OAN3YGsZ-ZVDFv9fWxEjgWHDDBE2g_C8"},
	},
	"nishchith--Opt-Out.json": {
		webhooks: []string{"Unsubscribe"}, creds: "googleSheetsOAuth2Api×1, postgres×1",
		hard: []string{"sheet|1AGG05kKt9b-OAN3YGsZ-ZVDFv9fWxEjgWHDDBE2g_C8"},
	},
	"zie619--0453_Webhook_Code_Create_Webhook.json": {
		webhooks: []string{"a14585bb-b757-410e-a5b2-5f05a087b388"}, triggers: []string{"subworkflow"},
		creds: "slackApi×4", env: []string{"BASE_URL", "WEBHOOK_URL"}, vars: []string{"instance_url"},
	},
	"n8n-starter-kit--srOnR8PAY3u4RSwb.json": {
		triggers: []string{"chatTrigger"}, creds: "ollamaApi×1",
	},
	"enescingoz--LeadPilot-Lite-AI-Cold-Email-Writer.json": {
		webhooks: []string{"leadpilot-lite"},
		env:      []string{"LEADPILOT_CALENDAR_LINK", "LEADPILOT_SENDER_COMPANY", "LEADPILOT_SENDER_NAME", "LEADPILOT_SHEET_ID", "LEADPILOT_VALUE_PROP"},
	},
}

func uniqSorted(xs []string) []string {
	sort.Strings(xs)
	out := xs[:0]
	for i, x := range xs {
		if i == 0 || x != xs[i-1] {
			out = append(out, x)
		}
	}
	return out
}

// Each public file alone, as SOURCES.md describes it.
func TestPublicWorkflowsAsSourcesDescribes(t *testing.T) {
	files := loadDir(t, "public-workflows")
	if len(files) != len(sources) {
		t.Fatalf("%d files in testdata, %d described here", len(files), len(sources))
	}
	for _, f := range files {
		want, ok := sources[f.Name]
		if !ok {
			t.Errorf("%s: not described", f.Name)
			continue
		}
		t.Run(f.Name, func(t *testing.T) {
			r := Analyze([]File{f})
			if len(r.Skipped) != 0 {
				t.Fatalf("skipped: %+v", r.Skipped)
			}
			var hooks, trigs []string
			for _, w := range r.Webhooks {
				hooks = append(hooks, w.Path)
			}
			for _, tr := range r.Triggers {
				if tr.Kind != TriggerWebhook {
					trigs = append(trigs, tr.Kind)
				}
			}
			diffStrings(t, "webhook paths", uniqSorted(hooks), want.webhooks)
			diffStrings(t, "triggers", uniqSorted(trigs), want.triggers)

			count := map[string]int{}
			for _, c := range r.Credentials {
				count[c.Type]++
			}
			var parts []string
			for typ, n := range count {
				parts = append(parts, fmt.Sprintf("%s×%d", typ, n))
			}
			sort.Strings(parts)
			if got := strings.Join(parts, ", "); got != want.creds {
				t.Errorf("credential slots %q, want %q", got, want.creds)
			}

			var env, vars []string
			for _, v := range r.Variables {
				switch v.Kind {
				case KindEnv:
					env = append(env, v.Name)
				case KindVars:
					vars = append(vars, v.Name)
				}
			}
			diffStrings(t, "$env", env, want.env)
			diffStrings(t, "$vars", vars, want.vars)

			have := map[string]bool{}
			for _, c := range r.Hardcoded {
				have[c.Kind+"|"+c.Value] = true
			}
			for _, h := range want.hard {
				if !have[h] {
					t.Errorf("hardcoded %s not found", h)
				}
			}
		})
	}
}

// Opt-Out.json carries a real-looking x-webhook-token header value (SOURCES
// says "none found"; it is there): the one secret of the whole public set.
// The false-positive bait (AKIAIOSFODNN7EXAMPLE, sk_test_XXXX…,
// sk-YOUR_OPENAI_KEY_HERE, mongodb://user:user@example.com) is not.
func TestPublicWorkflowsSecrets(t *testing.T) {
	r := Analyze(loadDir(t, "public-workflows"))
	var golden plantedExpected
	readGolden(t, "planted-secrets-expected.json", &golden)
	var want []Secret
	for _, w := range golden.Secrets {
		if w.File == "nishchith--Opt-Out.json" {
			want = append(want, w)
		}
	}
	if len(want) != 1 {
		t.Fatalf("golden list: %+v", want)
	}
	checkSecrets(t, r.Secrets, want)
	if len(r.Secrets) == 1 && r.Secrets[0].Key() != "HTTP Request:parameters.headerParameters.parameters[0].value" {
		t.Errorf("key %q", r.Secrets[0].Key())
	}
}

// The nishchith export keeps the platform's placeholders: credential ids and
// sendTo YOUR_TEST_EMAIL are variables, the ids the slots' refs.
func TestPublicNishchithPlaceholders(t *testing.T) {
	r := Analyze([]File{loadFile(t, "public-workflows/nishchith--Email-1.json")})
	names := map[string]bool{}
	for _, v := range r.Variables {
		names[v.Name] = true
	}
	for _, n := range []string{"YOUR_CREDENTIAL_GMAIL_ID", "YOUR_CREDENTIAL_POSTGRES_ID", "YOUR_CREDENTIAL_GOOGLE_SHEETS_ID", "YOUR_TEST_EMAIL"} {
		if !names[n] {
			t.Errorf("%s not found", n)
		}
	}
	for _, c := range r.Credentials {
		if !strings.HasPrefix(c.Ref, "YOUR_CREDENTIAL_") {
			t.Errorf("slot %+v does not refer to its placeholder", c)
		}
	}
}
