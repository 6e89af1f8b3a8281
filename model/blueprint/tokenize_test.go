package blueprint

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestTokensSubstituteOnTheTree(t *testing.T) {
	wf := `{"name":"Email 1","nodes":[
		{"name":"Postgres","type":"postgres","id":"1","parameters":{"query":"SELECT * FROM leads_ohio WHERE ws = 'ohio' AND x = 'ohioroofing'"},"credentials":{"postgres":{"id":"Ab12Cd34","name":"ohio db"}}},
		{"name":"Gmail","type":"gmail","id":"2","parameters":{"sendTo":"ohio@acme.com","note":"a \"quoted\" value"}}]}`
	tokens := ProposeTokens("ohio", [][]byte{[]byte(wf)})
	tok, err := ParseTokenize(`a "quoted" value=YOUR_NOTE`)
	if err != nil {
		t.Fatal(err)
	}
	sender, _ := ParseTokenize("ohio@acme.com=YOUR_SENDER_EMAIL")
	tokens = append(tokens, sender, tok)
	p, err := Prepare([]Source{{Name: "Email 1.json", Data: []byte(wf)}}, Options{Tokens: tokens})
	if err != nil {
		t.Fatal(err)
	}
	got := string(p.Workflows[0].JSON)
	for _, want := range []string{
		`"query":"SELECT * FROM YOUR_LEADS_TABLE WHERE ws = 'YOUR_WORKSPACE_SLUG' AND x = 'ohioroofing'"`,
		`"credentials":{"postgres":{"id":"YOUR_CREDENTIAL_POSTGRES_ID","name":"YOUR_WORKSPACE_SLUG db"}}`,
		`"sendTo":"YOUR_SENDER_EMAIL"`, `"note":"YOUR_NOTE"`,
	} {
		if !strings.Contains(got, want) {
			t.Fatalf("missing %s in %s", want, got)
		}
	}
	var v any
	if json.Unmarshal(p.Workflows[0].JSON, &v) != nil {
		t.Fatal("not JSON after substitution")
	}
	subs, _ := json.Marshal(p.Substitutions)
	if !strings.Contains(string(subs), `{"file":"Email 1.json","node":"Gmail","path":"parameters.sendTo","value":"ohio@acme.com","name":"YOUR_SENDER_EMAIL"}`) {
		t.Fatalf("substitutions %s", subs)
	}
	if _, err := ParseTokenize("x=lower"); err == nil {
		t.Fatal("a lower-case variable name was taken")
	}
}
