package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
)

// built is the real binary (not a test binary), built once per test binary
// into a temporary directory that TestMain removes when the tests are done.
var built struct {
	once sync.Once
	dir  string
	bin  string
	err  error
	out  []byte
}

// buildGodmode returns the path of the godmode binary built from this
// package, building it on the first call. Tests and benchmarks that run it
// as a process share it; none of them may change or remove it.
func buildGodmode(tb testing.TB) string {
	tb.Helper()
	built.once.Do(func() {
		built.dir, built.err = os.MkdirTemp("", "godmode-bin-")
		if built.err != nil {
			return
		}
		built.bin = filepath.Join(built.dir, "godmode")
		built.out, built.err = exec.Command("go", "build", "-o", built.bin, ".").CombinedOutput()
	})
	if built.err != nil {
		tb.Fatalf("go build: %v\n%s", built.err, built.out)
	}
	return built.bin
}

// removeBuiltGodmode removes what buildGodmode built; TestMain calls it
// after the tests.
func removeBuiltGodmode() {
	if built.dir != "" {
		os.RemoveAll(built.dir)
	}
}
