package blueprint

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/godmode-console/godmode/model/blueprint/detect"
)

// benchAnalyze is the detector the benchmarks run: the whole import
// pipeline but the database write.
var benchAnalyze AnalyzeFunc = detect.Analyze

// A 116-node template: no real one that large is among the fixtures (the
// largest, scrapernode--6402, has 100 nodes), so testdata/large holds one
// made of it plus 16 nodes of base/Email 2.json, renamed and wired as in
// Email 2 (the file's meta.godmodeFixture says how; large_test.go checks
// it). Target: under 50 ms an import.
func BenchmarkImport116NodeTemplate(b *testing.B) {
	src := []Source{source(b, largeTemplate)}
	b.SetBytes(int64(len(src[0].Data)))
	for b.Loop() {
		p, err := Prepare(src, Options{Analyze: benchAnalyze})
		if err != nil || p.Workflows[0].Nodes != 116 {
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

// A directory of 20 workflow files, read from disk and imported as one
// version, as `godmode blueprint import NAME DIR` does but the database
// write. Target: under 500 ms an import.
func BenchmarkImport20WorkflowDirectory(b *testing.B) {
	dir := b.TempDir()
	var n int64
	for _, s := range twentyWorkflows(b) {
		n += int64(len(s.Data))
		if err := os.WriteFile(filepath.Join(dir, s.Name), s.Data, 0o600); err != nil {
			b.Fatal(err)
		}
	}
	b.SetBytes(n)
	// The Opt-Out template carries a real-looking x-webhook-token (the one
	// secret of the public fixtures): allowed here, as after a review.
	opt := Options{Analyze: benchAnalyze, AllowSecrets: []string{"HTTP Request:parameters.headerParameters.parameters[0].value"}}
	for b.Loop() {
		src, err := ReadSources([]string{dir})
		if err != nil || len(src) != 20 {
			b.Fatal(len(src), err)
		}
		if _, err := Prepare(src, opt); err != nil {
			b.Fatal(err)
		}
	}
}
