package genesis

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
)

// realSchemas are the answers of a real n8n 1.123.81 to GET
// /credentials/schema/{type}, kept beside the fake n8n that serves them.
func realSchema(t *testing.T, typ string) *CredentialSchema {
	t.Helper()
	b, err := os.ReadFile("../../n8n/n8ntest/credential-schemas.json")
	if err != nil {
		t.Fatal(err)
	}
	var all map[string]json.RawMessage
	if err := json.Unmarshal(b, &all); err != nil {
		t.Fatal(err)
	}
	s, err := ParseCredentialSchema(typ, all[typ])
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func problems(ps []FieldProblem) string {
	var out []string
	for _, p := range ps {
		out = append(out, p.String())
	}
	return strings.Join(out, "; ")
}

func TestValidateAgainstRealSchemas(t *testing.T) {
	sec := func(s string) Secret { return NewSecret(s, "") }
	cases := []struct {
		typ  string
		data map[string]any
		want string // "" for valid
	}{
		{"openAiApi", map[string]any{"apiKey": sec("sk-1"), "header": false}, ""},
		// An if on an absent property holds (JSON Schema's meaning, and
		// what n8n answered for smtp below): header must be given.
		{"openAiApi", map[string]any{"apiKey": sec("sk-1")}, "field headerName: required when header is true or left out (give header to choose); field headerValue: required when header is true or left out (give header to choose)"},
		{"openAiApi", map[string]any{"header": false}, "field apiKey: required"},
		{"openAiApi", map[string]any{"apiKey": sec("k"), "header": true}, "field headerName: required when header is true; field headerValue: required when header is true"},
		{"openAiApi", map[string]any{"apiKey": sec("k"), "header": false, "headerName": "X"}, "field headerName: not allowed unless header is true"},
		{"openAiApi", map[string]any{"apiKey": int64(3), "header": false}, "field apiKey: want a string, not an integer"},
		{"openAiApi", map[string]any{"apiKey": sec("k"), "header": false, "apiKye": "x"}, "field apiKye: not a field of credential type openAiApi (it has apiKey, header, headerName, headerValue, organizationId, url)"},
		// What n8n answered when the smtp data lacked disableStartTls: an
		// if on an absent "secure" holds.
		{"smtp", map[string]any{"user": "u", "password": sec("p"), "host": "mail", "port": int64(587)}, "field disableStartTls: required when secure is false or left out (give secure to choose)"},
		{"smtp", map[string]any{"host": "mail", "port": int64(465), "secure": true}, ""},
		{"smtp", map[string]any{"host": "mail", "secure": true, "disableStartTls": false}, "field disableStartTls: not allowed unless secure is false"},
		{"smtp", map[string]any{"host": "mail", "port": 587.5, "secure": false, "disableStartTls": true}, ""},
		{"postgres", map[string]any{"host": "db", "allowUnauthorizedCerts": true, "sshTunnel": false, "ssl": "bogus"}, "field ssl: not one of the allowed values: allow, disable, require; field ssl: not allowed unless allowUnauthorizedCerts is false"},
		{"postgres", map[string]any{"host": "db", "database": "d", "user": "u", "password": sec("p"), "port": int64(5432), "ssl": "require", "sshTunnel": false, "allowUnauthorizedCerts": false}, ""},
		{"httpHeaderAuth", map[string]any{"name": "X-Key", "value": sec("v"), "useCustomAuth": true}, "field useCustomAuth: is help text in n8n's form, not data: leave it out"},
	}
	for _, c := range cases {
		got := problems(realSchema(t, c.typ).Validate(c.data))
		if got != c.want {
			t.Errorf("%s %v:\n got %q\nwant %q", c.typ, c.data, got, c.want)
		}
	}
}

// A refusal lists allowed values, never the given one (it may be a secret).
func TestValidateNeverQuotesTheValue(t *testing.T) {
	s := realSchema(t, "postgres")
	got := problems(s.Validate(map[string]any{"ssl": NewSecret("hunter2-secret", "")}))
	if strings.Contains(got, "hunter2") || !strings.Contains(got, "allow, disable, require") {
		t.Fatalf("%q", got)
	}
}

func TestFormFields(t *testing.T) {
	fs := realSchema(t, "httpHeaderAuth").Fields()
	if len(fs) != 2 || fs[0].Name != "name" || fs[0].Secret || fs[1].Name != "value" || !fs[1].Secret {
		t.Fatalf("httpHeaderAuth fields (notice left out, value masked): %+v", fs)
	}
	var pg []string
	for _, f := range realSchema(t, "postgres").Fields() {
		if f.Name == "ssl" {
			pg = f.Enum
		}
		if f.Name == "password" && !f.Secret {
			t.Fatal("postgres password not masked")
		}
	}
	if strings.Join(pg, ",") != "allow,disable,require" {
		t.Fatalf("ssl enum %v", pg)
	}
	if fs := realSchema(t, "openAiApi").Fields(); fs[0].Name != "apiKey" || !fs[0].Required {
		t.Fatalf("openAiApi: %+v", fs[0])
	}
}

func TestParseCredentialSchemaRefusals(t *testing.T) {
	for _, raw := range []string{`not json`, `{"type":"object"}`, `{"properties":` + strings.Repeat(" ", MaxSchemaBytes) + `{}}`} {
		if _, err := ParseCredentialSchema("x", []byte(raw)); err == nil {
			t.Errorf("accepted %.40q", raw)
		}
	}
}
