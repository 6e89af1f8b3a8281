package detect

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
)

// testdata/planted-secrets.json holds one made-up secret of each kind the
// issue names, in the places n8n puts them, plus the same fields holding
// placeholders. Each secret is named by node and field, masked.
func TestPlantedSecretsNamedByNodeAndField(t *testing.T) {
	f := loadFile(t, "planted-secrets.json")
	r := Analyze([]File{f})
	var golden plantedExpected
	readGolden(t, "planted-secrets-expected.json", &golden)
	var want []Secret
	for _, w := range golden.Secrets {
		if w.File == f.Name {
			want = append(want, w)
		}
	}
	checkSecrets(t, r.Secrets, want)

	// No secret value reaches the report, in any list (hardcoded URLs and
	// addresses included).
	out, _ := json.Marshal(r)
	for _, s := range golden.Leaks {
		if strings.Contains(string(out), s) {
			t.Errorf("report carries %q", s)
		}
	}
	for _, s := range r.Secrets {
		if !strings.Contains(s.Masked, "…(") || len([]rune(s.Masked)) > 4+len("…(999 chars)") {
			t.Errorf("mask %q", s.Masked)
		}
	}
}

// A presigned S3 URL passed URL-encoded inside another URL hides its key id
// behind %3D: found only once decoded.
func TestSecretAWSKeyInsideEncodedPresignedURL(t *testing.T) {
	wf := `{"nodes":[{"name":"Fetch","type":"n8n-nodes-base.httpRequest","parameters":{"url":"https://proxy.acme.io/get?u=https%3A%2F%2Fb.s3.amazonaws.com%2Fa.pdf%3FX-Amz-Credential%3DAKIAMRHNL6T5I6Z45YXR%252F20261201%252Fus-east-1%252Fs3%252Faws4_request"}}]}`
	r := Analyze([]File{{Name: "w.json", Workflow: []byte(wf)}})
	if len(r.Secrets) != 1 || r.Secrets[0].Rule != "aws-access-key-id" || r.Secrets[0].Path != "parameters.url" {
		t.Fatalf("secrets %+v", r.Secrets)
	}
	if r.Secrets[0].Masked != "AKIA…(20 chars)" {
		t.Errorf("masked %q", r.Secrets[0].Masked)
	}
}

// Placeholders in every secret-shaped field are never secrets.
func TestPlaceholdersAreNeverSecrets(t *testing.T) {
	values := []string{
		"YOUR_WEBHOOK_TOKEN", "=Bearer {{ $env.OPENAI_API_KEY }}", "={{ $vars.API_KEY }}",
		"{{WEBHOOK_TOKEN}}", "sk-YOUR_OPENAI_KEY_HERE", "Bearer YOUR_API_TOKEN_HERE",
		"postgres://app:YOUR_DB_PASSWORD@db.acme.io/leads", "postgres://app:${PGPASSWORD}@db.acme.io/x",
		"sk_test_XXXXXXXXXXXXXXXX", "AKIAIOSFODNN7EXAMPLE", "mongodb://user:user@example.com",
		"={{ $credentials.slackApi.id }}", "genericCredentialType",
	}
	for _, v := range values {
		b, _ := json.Marshal(map[string]any{"nodes": []any{map[string]any{
			"name": "N", "type": "n8n-nodes-base.httpRequest",
			"parameters": map[string]any{"headerParameters": map[string]any{"parameters": []any{
				map[string]any{"name": "x-api-token", "value": v}}}, "authentication": v, "password": v},
		}}})
		r := Analyze([]File{{Name: "p.json", Workflow: b}})
		for _, s := range r.Secrets {
			t.Errorf("%q reported as a secret: %+v", v, s)
		}
	}
}

// godmode's field rule on its own: a high-entropy literal in a field named
// like a credential, whatever gitleaks says.
func TestSensitiveFieldRule(t *testing.T) {
	cases := []struct {
		key, value string
		want       bool
	}{
		{"x-webhook-token", "6de5a8d03ad6348f4110782372a82f1bb7c6ef43a8ce8810bf0459e73", true},
		{"Authorization", "Bearer q8Z3mK1pR7tW9xV2nB4c", true},
		{"password", "Tr0ub4dor&3xyz!", true},
		{"x-webhook-token", "YOUR_WEBHOOK_TOKEN", false},
		{"authentication", "predefinedCredentialType", false},
		{"name", "6de5a8d03ad6348f4110782372a82f1bb7c6ef43a8ce8810bf0459e73", false},
		{"token", "short1", false},
		{"apiKey", "aaaaaaaaaaaaaaaa1", false},
		{"token", "={{ $json.token }}", false},
	}
	for _, c := range cases {
		_, got := sensitiveValue(c.key, c.value)
		if got != c.want {
			t.Errorf("sensitiveValue(%q, %q) = %v, want %v", c.key, c.value, got, c.want)
		}
	}
}

func TestMaskShowsHeadAndLengthOnly(t *testing.T) {
	for v, want := range map[string]string{
		"sk-proj-abcdefghijklmnop": "sk-p…(24 chars)",
		"hunter22":                 "hu…(8 chars)",
		"abc":                      "…(3 chars)",
		"\x1b[2Jabcdefghijklmnop":  "?[2J…(20 chars)",
	} {
		if got := Mask(v); got != want {
			t.Errorf("Mask(%q) = %q, want %q", v, got, want)
		}
	}
}

// A bot URL passed as a URL-encoded parameter hides the token's ":" as %3A:
// godmode's rules see it in the decoded form.
func TestSecretInsideURLEncodedParameter(t *testing.T) {
	wf := `{"nodes":[{"name":"Relay","type":"n8n-nodes-base.httpRequest","parameters":{"url":"https://relay.acme.io/?to=https%3A%2F%2Fapi.telegram.org%2Fbot994466728%3AAABdNfQ2xK7pLm9Zr3Wt8Vy1Hc5Jn0Gs4Ue%2FsendMessage"}}]}`
	r := Analyze([]File{{Name: "w.json", Workflow: []byte(wf)}})
	if len(r.Secrets) != 1 || r.Secrets[0].Rule != "telegram-bot-token" || r.Secrets[0].Node != "Relay" || r.Secrets[0].Path != "parameters.url" {
		t.Fatalf("secrets %+v", r.Secrets)
	}
	if out, _ := json.Marshal(r); strings.Contains(string(out), "AABdNfQ2") {
		t.Errorf("the token survives in the report: %s", out)
	}
}

// gitleaks' default configuration loads (its rules, not a hand-copied
// subset) and its findings come through: a GitHub token only gitleaks knows.
func TestGitleaksDefaultRulesLoad(t *testing.T) {
	d := detector()
	if d == nil {
		t.Fatal("gitleaks' default config did not load")
	}
	if n := len(d.Config.Rules); n < 200 {
		t.Errorf("gitleaks has %d rules, want its 200-odd defaults", n)
	}
	wf := `{"nodes":[{"name":"GH","type":"n8n-nodes-base.github","parameters":{"token":"ghp_Un2ZVjqShDnR8vLw3Kp0Tq7Xy5Mb1Nc6Fh4J"}}]}`
	r := Analyze([]File{{Name: "g.json", Workflow: []byte(wf)}})
	if len(r.Secrets) != 1 || r.Secrets[0].Rule != "gitleaks:github-pat" {
		t.Errorf("secrets %+v", r.Secrets)
	}
}

// checkSecrets wants found to be exactly want: file, node, field path and
// mask; an empty Rule in want is gitleaks' generic rule or godmode's
// sensitive-field rule, either naming the field.
func checkSecrets(t *testing.T, found, want []Secret) {
	t.Helper()
	matches := func(s, w Secret) bool {
		return s.File == w.File && s.Node == w.Node && s.Path == w.Path && s.Masked == w.Masked && (w.Rule == "" || s.Rule == w.Rule)
	}
	for _, w := range want {
		if !slices.ContainsFunc(found, func(s Secret) bool { return matches(s, w) }) {
			t.Errorf("secret not found: %+v", w)
		}
	}
	for _, s := range found {
		if !slices.ContainsFunc(want, func(w Secret) bool { return matches(s, w) }) {
			t.Errorf("unexpected secret: %+v", s)
		}
	}
}
