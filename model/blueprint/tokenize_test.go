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

// A workflow's own name carries the tenant ("ohio · Email 1"): captured, it
// becomes the slug's variable, so a template taken from ohio does not name
// texas' workflows after ohio.
func TestTokensSubstituteTheWorkflowsName(t *testing.T) {
	wf := `{"name":"ohio · Email 1","nodes":[{"name":"ohio step","type":"n8n-nodes-base.noOp","id":"1"}]}`
	p, err := Prepare([]Source{{Name: "Email 1.json", Data: []byte(wf)}}, Options{Tokens: ProposeTokens("ohio", nil)})
	if err != nil {
		t.Fatal(err)
	}
	got := string(p.Workflows[0].JSON)
	if p.Workflows[0].Name != "YOUR_WORKSPACE_SLUG · Email 1" || !strings.Contains(got, `"name":"ohio step"`) {
		t.Fatalf("name %q, workflow %s", p.Workflows[0].Name, got)
	}
	if len(p.Substitutions) != 1 || p.Substitutions[0].Path != "name" || p.Substitutions[0].Node != "" {
		t.Fatalf("substitutions %+v", p.Substitutions)
	}
}

// Occurrences counts each token on its own, on the tree as an import
// normalises it, without changing the sources: the slug is found inside
// the leads table too, and identity fields (node names) are passed over.
func TestOccurrencesEachTokenOnItsOwn(t *testing.T) {
	wf := `{"name":"W","nodes":[{"name":"ohio","type":"postgres","id":"1","parameters":{"query":"SELECT * FROM x WHERE s = 'ohio'","table":"leads_ohio"}}]}`
	src := []Source{{Name: "w.json", Data: []byte(wf)}}
	toks := []Token{{Value: "leads_ohio", Name: "YOUR_LEADS_TABLE"}, {Value: "ohio", Name: "YOUR_WORKSPACE_SLUG", Word: true}, {Value: "texas", Name: "YOUR_X"}}
	got := Occurrences(src, toks)
	if len(got) != 3 || len(got[0]) != 1 || len(got[1]) != 2 || len(got[2]) != 0 {
		t.Fatalf("occurrences %+v", got)
	}
	if w := got[1][0]; w.File != "w.json" || w.Node != "ohio" || w.Path != "parameters.query" || got[1][1].Path != "parameters.table" {
		t.Fatalf("slug at %+v", w)
	}
	if string(src[0].Data) != wf {
		t.Fatal("the source was changed")
	}
	for _, bad := range []string{"LEADS", "YOUR_", "YOUR_a", "YOUR__A", "YOUR_A_", "YOUR_Ä"} {
		if CheckTokenName(bad) == nil {
			t.Errorf("%q taken as a variable name", bad)
		}
	}
	if err := CheckTokenName("YOUR_SENDER_EMAIL_2"); err != nil {
		t.Error(err)
	}
}

// A substitution in the workflow's own name is in no node: people are told
// so, not shown an empty node ("Email 1 / ").
func TestSubstitutionPlace(t *testing.T) {
	if got := (Substitution{File: "Email 1.json", Path: "name"}).Place(); got != "Email 1 (its name)" {
		t.Errorf("name: %q", got)
	}
	if got := (Substitution{File: "Email 1.json", Node: "Gmail", Path: "parameters.sendTo"}).Place(); got != "Email 1 / Gmail" {
		t.Errorf("node: %q", got)
	}
}
