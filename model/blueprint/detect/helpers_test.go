package detect

import (
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"testing"
)

// loadDir reads every *.json of a testdata folder as one set of files.
func loadDir(t testing.TB, dir string) []File {
	t.Helper()
	ms, err := filepath.Glob(filepath.Join("testdata", dir, "*.json"))
	if err != nil || len(ms) == 0 {
		t.Fatalf("no fixtures in testdata/%s: %v", dir, err)
	}
	sort.Strings(ms)
	var fs []File
	for _, m := range ms {
		b, err := os.ReadFile(m)
		if err != nil {
			t.Fatal(err)
		}
		fs = append(fs, File{Name: filepath.Base(m), Workflow: b})
	}
	return fs
}

func loadFile(t testing.TB, path string) File {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", path))
	if err != nil {
		t.Fatal(err)
	}
	return File{Name: filepath.Base(path), Workflow: b}
}

func diffStrings(t *testing.T, what string, got, want []string) {
	t.Helper()
	g, w := map[string]bool{}, map[string]bool{}
	for _, s := range got {
		g[s] = true
	}
	for _, s := range want {
		w[s] = true
	}
	for _, s := range want {
		if !g[s] {
			t.Errorf("%s: missing %q", what, s)
		}
	}
	for _, s := range got {
		if !w[s] {
			t.Errorf("%s: unexpected %q", what, s)
		}
	}
	if len(got) != len(want) {
		t.Errorf("%s: got %d entries, want %d", what, len(got), len(want))
	}
}

// baseExpected is ../testdata/base-expected.json: what the base templates
// hold, read by hand; the vault's and the CLI's tests read the same file.
type baseExpected struct {
	YourTokens      []string   `json:"your_tokens"`
	CredentialSlots []CredSlot `json:"credential_slots"`
	LeadColumns     []string   `json:"lead_columns"`
}

// plantedExpected is ../testdata/planted-secrets-expected.json: every
// secret planted in the fixtures, as the import must name it.
type plantedExpected struct {
	Secrets []Secret `json:"secrets"`
	Leaks   []string `json:"leaks"`
}

func readGolden(t testing.TB, name string, v any) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
}
