package genesis

import (
	"encoding/json"
	"strings"
	"testing"
)

// The preview shows, per node, each field rendering changed, from the
// blueprint's placeholder to the value, with secrets masked.
func TestPlanChangesShowValuesNotSecrets(t *testing.T) {
	_, c := newFake(t)
	pl := basePlan(t, "texas", c, seqIDs("eeeeeeee"))
	v := importVersion(t, "testdata/base-optout", "base-cold-email", 1)
	chs, err := pl.Changes(v)
	if err != nil {
		t.Fatal(err)
	}
	if len(chs) != 7 || chs[0].From != "Email 1" || chs[0].To != "texas - Email 1" || chs[0].Diff == nil {
		t.Fatalf("%+v", chs[0])
	}
	seen := map[string]string{}
	for _, n := range chs[0].Diff.Nodes {
		for _, p := range n.Paths {
			seen[n.Node+"|"+p.Path] = p.From + " -> " + p.To
		}
	}
	for k, want := range map[string]string{
		"Gmail|parameters.sendTo": `"YOUR_TEST_EMAIL" -> "test@texas.example.com"`,
		"Track Email Sent|parameters.headerParameters.parameters[0].value": `"YOUR_WEBHOOK_TOKEN" -> "[secret YOUR_WEBHOOK_TOKEN]"`,
		"Gmail|webhookId":                            `"7991dbd6-9db7-4a38-ab95-b4c9756b93ee" -> "eeeeeeee-0000-4000-8000-000000000001"`,
		"Gmail|credentials.gmailOAuth2.id":           `"YOUR_CREDENTIAL_GMAIL_ID" -> "gmail-texas"`,
		"Update to Supabase|credentials.postgres.id": `"YOUR_CREDENTIAL_POSTGRES_ID" -> "(created by this run: YOUR_CREDENTIAL_POSTGRES_ID)"`,
	} {
		if seen[k] != want {
			t.Errorf("%s: got %q, want %q", k, seen[k], want)
		}
	}
	all, _ := json.Marshal(chs)
	if strings.Contains(string(all), "whtok-texas") || strings.Contains(string(all), "SECRET-texas") {
		t.Fatal("a secret shows in the changes")
	}
}
