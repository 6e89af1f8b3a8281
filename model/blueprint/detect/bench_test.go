package detect

import "testing"

// The largest template here (100 nodes, the 6402 Mailgun/Supabase sequence).
func BenchmarkAnalyzeLargestTemplate(b *testing.B) {
	f := loadFile(b, "public-workflows/scrapernode--6402-automate-personalized-cold-email-sequences-with-gpt-4-mailgun-and-supabase.json")
	Analyze([]File{f}) // gitleaks' rules are compiled once, outside the loop
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		Analyze([]File{f})
	}
}

// The platform's six templates (the largest by bytes, 460 KB) plus the 20
// public files, as one set.
func BenchmarkAnalyzeAllFixtures(b *testing.B) {
	fs := append(loadDir(b, "base-cold-email"), loadDir(b, "public-workflows")...)
	Analyze(fs)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		Analyze(fs)
	}
}
