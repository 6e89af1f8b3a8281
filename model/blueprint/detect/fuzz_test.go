package detect

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzAnalyze: any bytes, as one file or beside a real template, never panic
// and give a report whose lists are sorted.
func FuzzAnalyze(f *testing.F) {
	for _, p := range []string{
		"planted-secrets.json",
		"public-workflows/scrapernode--467-send-sales-data-from-webhook-to-mautic.json",
		"public-workflows/scrapernode--4654-daily-insight-email-from-structured-web-data-with-firecrawl.json",
		"public-workflows/n8n-starter-kit--srOnR8PAY3u4RSwb.json",
		"n8n/workflow-email-1-ohio.json",
		"n8n/execution-waiting.json",
	} {
		b, err := os.ReadFile(filepath.Join("testdata", p))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	for _, s := range []string{``, `{}`, `[]`, `{"nodes":null}`, `{"nodes":[{"credentials":"x","parameters":{"query":"SELECT a FROM leads WHERE"}}]}`,
		`{"nodes":[{"name":"n","type":"n8n-nodes-base.webhook","parameters":{"httpMethod":[1,"GET"],"path":{}}}]}`,
		`{"nodes":[{"parameters":{"u":"%zz%41KIA postgres://a:b@ -----BEGIN PRIVATE KEY----- Bearer "}}]}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		r := Analyze([]File{{Name: "fuzz.json", Workflow: b}})
		for i := 1; i < len(r.Secrets); i++ {
			x, y := r.Secrets[i-1], r.Secrets[i]
			if lessStrings([]string{y.File, y.Node, y.Path, y.Rule, y.Masked}, []string{x.File, x.Node, x.Path, x.Rule, x.Masked}) {
				t.Fatalf("secrets not sorted: %+v", r.Secrets)
			}
		}
		for i := 1; i < len(r.Variables); i++ {
			if r.Variables[i].Name < r.Variables[i-1].Name {
				t.Fatalf("variables not sorted")
			}
		}
		if len(r.Skipped) == 0 && len(b) > MaxWorkflowBytes {
			t.Fatal("oversized input analysed")
		}
	})
}
