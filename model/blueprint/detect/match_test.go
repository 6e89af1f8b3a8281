package detect

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

func TestPlaceholdersAgreeWithAnalyze(t *testing.T) {
	s := `={{ $env.API_HOST }}/x?t=YOUR_TOKEN_A&v={{ $vars["region"] }} {{SENDER}} {{ $json.name }} {{first_name}}`
	got := Placeholders(s)
	at := func(sub string) (int, int) { i := strings.Index(s, sub); return i, i + len(sub) }
	m := func(kind, name, sub string) Match {
		a, b := at(sub)
		return Match{Kind: kind, Name: name, Start: a, End: b}
	}
	want := []Match{
		m(KindEnv, "API_HOST", "$env.API_HOST"),
		m(KindYourToken, "YOUR_TOKEN_A", "YOUR_TOKEN_A"),
		m(KindVars, "region", `$vars["region"]`),
		m(KindPlaceholder, "SENDER", "{{SENDER}}"),
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("Placeholders:\n got %+v\nwant %+v", got, want)
	}
	for _, m := range got {
		if m.Kind == KindYourToken && s[m.Start:m.End] != m.Name {
			t.Fatalf("token range %q is not its name %q", s[m.Start:m.End], m.Name)
		}
	}
	// Analyze names the same variables.
	r := Analyze([]File{{Name: "w.json", Workflow: []byte(`{"nodes":[{"name":"N","type":"n8n-nodes-base.set","parameters":{"v":` + quote(s) + `}}],"connections":{}}`)}})
	var names []string
	for _, v := range r.Variables {
		names = append(names, v.Kind+":"+v.Name)
	}
	wantNames := []string{"env:API_HOST", "placeholder:SENDER", "your_token:YOUR_TOKEN_A", "vars:region"}
	if !reflect.DeepEqual(names, wantNames) {
		t.Fatalf("Analyze found %v, want %v", names, wantNames)
	}
}

func TestPlaceholdersTokenInsideLongerToken(t *testing.T) {
	// YOUR_NAME is not a match inside YOUR_NAME_X: the token is the longest run.
	got := Placeholders("YOUR_NAME_X YOUR_NAME")
	if len(got) != 2 || got[0].Name != "YOUR_NAME_X" || got[1].Name != "YOUR_NAME" {
		t.Fatalf("got %+v", got)
	}
}

func quote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
