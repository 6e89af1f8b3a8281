package forensics

import (
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"sync"
	"testing"
)

// fixtures are the real n8n executions in testdata, by file name.
func fixtureNames(t testing.TB) []string {
	t.Helper()
	names, err := filepath.Glob("testdata/execution-*.json*")
	if err != nil || len(names) < 7 {
		t.Fatalf("expected the 7 execution fixtures in testdata, found %v (%v)", names, err)
	}
	return names
}

var big struct {
	once sync.Once
	raw  []byte
	err  error
}

// bigRaw is the 42 MB execution, decompressed once per test binary.
func bigRaw(t testing.TB) []byte {
	t.Helper()
	big.once.Do(func() {
		f, err := os.Open("testdata/execution-error-42mb.json.gz")
		if err != nil {
			big.err = err
			return
		}
		defer f.Close()
		zr, err := gzip.NewReader(f)
		if err != nil {
			big.err = err
			return
		}
		big.raw, big.err = io.ReadAll(zr)
	})
	if big.err != nil {
		t.Fatal(big.err)
	}
	return big.raw
}

func readFixture(t testing.TB, name string) []byte {
	t.Helper()
	if filepath.Ext(name) == ".gz" {
		return bigRaw(t)
	}
	raw, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

func openFixture(t testing.TB, name string) *Execution {
	t.Helper()
	e, err := Open(readFixture(t, "testdata/"+name))
	if err != nil {
		t.Fatalf("Open(%s): %v", name, err)
	}
	return e
}
