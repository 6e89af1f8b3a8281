package genesis

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const sampleValues = `# texas
[variables]
YOUR_COMPANY_NAME = "Texas Roofing"
YOUR_WEBHOOK_TOKEN = "env:TEXAS_HOOK"
YOUR_NOTE = { value = "env:not-a-reference" }
YOUR_API_KEY = { value = "abc", secret = true }
YOUR_CERT = "file:cert.pem"

[credentials.YOUR_CREDENTIAL_POSTGRES_ID]
id = "pg-texas-1"

[credentials.YOUR_CREDENTIAL_OPENAI_ID]
type = "openAiApi"
name = "texas OpenAI"
data = { apiKey = "env:TEXAS_OPENAI", header = false }
`

func testEnv(m map[string]string) LoadOptions {
	return LoadOptions{
		Getenv: func(k string) (string, bool) { v, ok := m[k]; return v, ok },
		ReadFile: func(p string) ([]byte, error) {
			if p == "cert.pem" {
				return []byte("-----BEGIN CERT-----\n"), nil
			}
			return nil, os.ErrNotExist
		},
	}
}

func TestParseValues(t *testing.T) {
	v, err := ParseValues("texas.toml", []byte(sampleValues), testEnv(map[string]string{"TEXAS_HOOK": "hook-secret", "TEXAS_OPENAI": "sk-texas"}))
	if err != nil {
		t.Fatal(err)
	}
	check := func(name, want string, secret bool, line int) {
		t.Helper()
		got := v.Variables[name]
		if got.V.Reveal() != want || got.Secret != secret || got.Line != line {
			t.Errorf("%s = %q secret=%v line %d, want %q secret=%v line %d", name, got.V.Reveal(), got.Secret, got.Line, want, secret, line)
		}
	}
	check("YOUR_COMPANY_NAME", "Texas Roofing", false, 3)
	check("YOUR_WEBHOOK_TOKEN", "hook-secret", true, 4)
	check("YOUR_NOTE", "env:not-a-reference", false, 5)
	check("YOUR_API_KEY", "abc", true, 6)
	check("YOUR_CERT", "-----BEGIN CERT-----", true, 7)
	if c := v.Credentials["YOUR_CREDENTIAL_POSTGRES_ID"]; c.ID != "pg-texas-1" || c.New != nil || c.Line != 9 {
		t.Errorf("postgres slot: %+v", c)
	}
	c := v.Credentials["YOUR_CREDENTIAL_OPENAI_ID"]
	if c.New == nil || c.New.Type != "openAiApi" || c.New.Name != "texas OpenAI" {
		t.Fatalf("openai slot: %+v", c)
	}
	if k, ok := c.New.Data["apiKey"].(Secret); !ok || k.Reveal() != "sk-texas" {
		t.Errorf("apiKey: %v", c.New.Data["apiKey"])
	}
	if c.New.Data["header"] != false || c.New.Lines["apiKey"] != 15 {
		t.Errorf("header %v, apiKey line %d", c.New.Data["header"], c.New.Lines["apiKey"])
	}
	// Printing the whole thing shows no secret.
	for _, s := range []string{fmt.Sprintf("%+v", v), fmt.Sprintf("%#v", v)} {
		for _, leak := range []string{"hook-secret", "sk-texas", "BEGIN CERT"} {
			if strings.Contains(s, leak) {
				t.Fatalf("%q shows in %s", leak, s)
			}
		}
	}
}

// Each refusal names file, line and field, and never the value.
func TestParseValuesRefusals(t *testing.T) {
	cases := []struct {
		name, toml string
		line       int
		field, msg string
	}{
		{"syntax", "[variables]\nA = \"x\"\nB = \n", 3, "variables.B", "not TOML"},
		{"unknown section", "[variables]\nA = \"x\"\n\n[extras]\nq = 1\n", 4, "extras", "unknown section"},
		{"number variable", "[variables]\nA = 3\n", 2, "variables.A", "want a string"},
		{"env unset", "[variables]\nA = \"x\"\nTOKEN = \"env:NOPE_NOT_SET\"\n", 3, "variables.TOKEN", "NOPE_NOT_SET is not set"},
		{"file missing", "[variables]\nA = \"file:missing.pem\"\n", 2, "variables.A", "file missing.pem"},
		{"two sources", "[variables]\nA = { value = \"x\", env = \"HOME\" }\n", 2, "variables.A", "exactly one"},
		{"id and data", "[credentials.S]\nid = \"1\"\ntype = \"smtp\"\n", 1, "credentials.S", "not both"},
		{"neither", "[credentials.S]\nname = \"x\"\n", 1, "credentials.S", "give id"},
		{"empty id", "[credentials.S]\nid = \" \"\n", 2, "credentials.S.id", "empty"},
		{"bad data field", "[credentials.S]\ntype = \"smtp\"\n\n[credentials.S.data]\nuser = \"u\"\nports = [1, 2]\n", 6, "credentials.S.data.ports", "want a string, number or boolean"},
		{"secret data from env", "[credentials.S]\ntype = \"smtp\"\ndata = { password = \"env:NOPE_NOT_SET\" }\n", 3, "credentials.S.data.password", "NOPE_NOT_SET"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := ParseValues("v.toml", []byte(c.toml), testEnv(map[string]string{"HOME": "/root"}))
			if err == nil {
				t.Fatal("accepted")
			}
			var one *ValuesError
			var many ValuesErrors
			switch {
			case errors.As(err, &one):
			case errors.As(err, &many):
				one = many[0]
			default:
				t.Fatalf("%T %v", err, err)
			}
			if one.File != "v.toml" || one.Line != c.line || one.Field != c.field || !strings.Contains(one.Msg, c.msg) {
				t.Fatalf("got %q (line %d field %q), want line %d field %q containing %q", err, one.Line, one.Field, c.line, c.field, c.msg)
			}
			if !strings.Contains(err.Error(), fmt.Sprintf("line %d", c.line)) {
				t.Fatalf("message does not name the line: %q", err)
			}
		})
	}
}

func TestReadValuesCapsAndRelativeFiles(t *testing.T) {
	dir := t.TempDir()
	big := filepath.Join(dir, "big.toml")
	if err := os.WriteFile(big, []byte("[variables]\nA = \""+strings.Repeat("x", MaxValuesBytes)+"\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadValues(big, LoadOptions{}); err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Fatalf("a file over the cap: %v", err)
	}
	if err := os.WriteFile(filepath.Join(dir, "key.txt"), []byte("s3cret\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "huge.txt"), make([]byte, MaxSecretBytes+1), 0o600); err != nil {
		t.Fatal(err)
	}
	vf := filepath.Join(dir, "v.toml")
	if err := os.WriteFile(vf, []byte("[variables]\nK = \"file:key.txt\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	v, err := ReadValues(vf, LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got := v.Variables["K"]; got.V.Reveal() != "s3cret" || !got.Secret {
		t.Fatalf("file: relative to the values file: %q secret=%v", got.V.Reveal(), got.Secret)
	}
	if err := os.WriteFile(vf, []byte("[variables]\nK = \"file:huge.txt\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadValues(vf, LoadOptions{}); err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Fatalf("a secret file over the cap: %v", err)
	}
}

// Any bytes: a Values or an error naming the file, never a panic, and an
// error never quotes a value given as env:.
func FuzzParseValues(f *testing.F) {
	f.Add([]byte(sampleValues))
	f.Add([]byte("[variables]\n\"a\\\\b\" = 1\n[credentials.\"x.y\"]\nid = 2\n"))
	f.Add([]byte("[credentials.S]\ntype = \"smtp\"\ndata = { \"p\\\"q\" = [1] }\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		_, err := ParseValues("f.toml", data, testEnv(map[string]string{"TEXAS_HOOK": "hook-SECRET-value"}))
		if err != nil && (!strings.Contains(err.Error(), "values file f.toml") || strings.Contains(err.Error(), "hook-SECRET-value")) {
			t.Fatalf("%v", err)
		}
	})
}
