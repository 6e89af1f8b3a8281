package blueprint

import (
	"strings"
	"testing"
)

// Render fills whole tokens only, in strings only, and leaves tokens it
// has no value for; capturing its output with the same values gives the
// placeholders back.
func TestRenderFillsWholeTokensOnTheTree(t *testing.T) {
	wf := `{"name":"Email 1","nodes":[{"name":"Select","type":"n8n-nodes-base.postgres","id":"1",
		"parameters":{"query":"SELECT * FROM YOUR_LEADS_TABLE WHERE ws = 'YOUR_WORKSPACE_ID' AND t = 'YOUR_LEADS_TABLE_OLD'","limit":5},
		"credentials":{"postgres":{"id":"YOUR_CREDENTIAL_POSTGRES_ID","name":"db"}}}],"connections":{},"settings":{}}`
	out, err := Render([]byte(wf), map[string]string{"YOUR_LEADS_TABLE": "leads_acme", "YOUR_WORKSPACE_ID": `ac"me`})
	if err != nil {
		t.Fatal(err)
	}
	s := string(out)
	for _, want := range []string{`FROM leads_acme WHERE ws = 'ac\"me'`, `'YOUR_LEADS_TABLE_OLD'`, `"id":"YOUR_CREDENTIAL_POSTGRES_ID"`, `"limit":5`} {
		if !strings.Contains(s, want) {
			t.Errorf("rendered %s: no %s", s, want)
		}
	}
	if _, err := Render([]byte(`{"name":`), nil); err == nil {
		t.Error("invalid JSON rendered")
	}
}
