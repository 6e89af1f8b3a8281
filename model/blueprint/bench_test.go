package blueprint

import (
	"path/filepath"
	"testing"

	"github.com/godmode-console/godmode/model/blueprint/detect"
)

// benchAnalyze is the detector the benchmarks run: the whole import
// pipeline but the database write.
var benchAnalyze AnalyzeFunc = detect.Analyze

// The largest real template here: 100 nodes, 41 KB (no 116-node template
// is among the fixtures).
func BenchmarkImportLargestTemplate100Nodes(b *testing.B) {
	src := []Source{source(b, "testdata/public/scrapernode--6402-automate-personalized-cold-email-sequences-with-gpt-4-mailgun-and-supabase.json")}
	b.SetBytes(int64(len(src[0].Data)))
	for b.Loop() {
		p, err := Prepare(src, Options{Analyze: benchAnalyze})
		if err != nil || p.Workflows[0].Nodes != 100 {
			b.Fatal(err)
		}
	}
}

// twentyWorkflows is the six base-cold-email templates and fourteen public
// ones: every public file but the refused one (duplicate names), the two
// with planted placeholder secrets, the copy of Email 1, and the two
// smallest (3 and 7 nodes).
func twentyWorkflows(b *testing.B) []Source {
	base, _ := filepath.Glob("testdata/base/*.json")
	pub, _ := filepath.Glob("testdata/public/*.json")
	skip := map[string]bool{
		"scrapernode--2833-smart-email-outreach-sequence-ai-powered-customizable.json":                  true,
		"scrapernode--10729-benchmark-content-safety-guardrails-with-automated-test-suite-reports.json": true,
		"scrapernode--6131-set-up-complete-mern-stack-development-environment-on-linux-server.json":     true,
		"nishchith--Email-1.json":                              true,
		"enescingoz--LeadPilot-Lite-AI-Cold-Email-Writer.json": true,
		"n8n-starter-kit--srOnR8PAY3u4RSwb.json":               true,
	}
	var src []Source
	for _, p := range append(base, pub...) {
		if !skip[filepath.Base(p)] {
			src = append(src, source(b, p))
		}
	}
	if len(src) != 20 {
		b.Fatalf("%d workflows", len(src))
	}
	return src
}

func BenchmarkImport20WorkflowDirectory(b *testing.B) {
	src := twentyWorkflows(b)
	var n int64
	for _, s := range src {
		n += int64(len(s.Data))
	}
	b.SetBytes(n)
	// The Opt-Out template carries a real-looking x-webhook-token (the one
	// secret of the public fixtures): allowed here, as after a review.
	opt := Options{Analyze: benchAnalyze, AllowSecrets: []string{"HTTP Request:parameters.headerParameters.parameters[0].value"}}
	for b.Loop() {
		if _, err := Prepare(src, opt); err != nil {
			b.Fatal(err)
		}
	}
}
