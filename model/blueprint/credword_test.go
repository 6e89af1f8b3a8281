package blueprint

import (
	"strings"
	"testing"
)

// A captured credential id becomes the variable the platform's templates
// use for it (base-cold-email: YOUR_CREDENTIAL_GOOGLE_SHEETS_ID for
// googleSheetsOAuth2Api), not a run-together GOOGLESHEETS.
func TestProposedCredentialVariablesAreNamedAsThePlatformNamesThem(t *testing.T) {
	for typ, want := range map[string]string{
		"googleSheetsOAuth2Api":   "YOUR_CREDENTIAL_GOOGLE_SHEETS_ID",
		"gmailOAuth2":             "YOUR_CREDENTIAL_GMAIL_ID",
		"openAiApi":               "YOUR_CREDENTIAL_OPENAI_ID",
		"postgres":                "YOUR_CREDENTIAL_POSTGRES_ID",
		"anthropicApi":            "YOUR_CREDENTIAL_ANTHROPIC_ID",
		"httpHeaderAuth":          "YOUR_CREDENTIAL_HTTP_HEADER_AUTH_ID",
		"googleCalendarOAuth2Api": "YOUR_CREDENTIAL_GOOGLE_CALENDAR_ID",
		"mySql":                   "YOUR_CREDENTIAL_MYSQL_ID",
	} {
		wf := `{"nodes":[{"name":"N","type":"x","credentials":{"` + typ + `":{"id":"Ab12Cd34","name":"c"}}}]}`
		var got []string
		for _, tk := range ProposeTokens("ohio", [][]byte{[]byte(wf)}) {
			if tk.Value == "Ab12Cd34" {
				got = append(got, tk.Name)
				if !strings.Contains(tk.Why, typ) {
					t.Errorf("%s: the reason %q does not name n8n's type", typ, tk.Why)
				}
			}
		}
		if len(got) != 1 || got[0] != want {
			t.Errorf("%s proposed as %v, want %s", typ, got, want)
		}
	}
}
