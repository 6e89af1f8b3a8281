package main

import (
	"bufio"
	"bytes"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// heavyInits are the packages whose start-up cost `godmode version` paid
// for before they were made lazy: chroma's registries parse hundreds of
// embedded XML files when the process starts.
var heavyInits = []string{
	"github.com/alecthomas/chroma/v2/lexers",
	"github.com/alecthomas/chroma/v2/styles",
}

// initBudget is what every package's init together may allocate: about
// 1.9 MB today, 6.6 MB with chroma's registries. Allocations, unlike
// times, do not depend on how busy the machine is.
const initBudget = 3 << 20

// TestVersionStartsLight runs `godmode version` with the runtime's init
// trace and checks that none of the heavy packages initialises and that
// start-up allocates within its budget, so a new dependency with a heavy
// init shows here rather than in every command's start-up.
func TestVersionStartsLight(t *testing.T) {
	bin := buildGodmode(t)
	cmd := exec.Command(bin, "version")
	cmd.Env = append(os.Environ(), "GODEBUG=inittrace=1")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("godmode version: %v\n%s", err, stderr.String())
	}
	if !strings.HasPrefix(stdout.String(), "godmode ") {
		t.Fatalf("godmode version printed %q", stdout.String())
	}
	inits := parseInitTrace(t, stderr.String())
	if len(inits) < 50 {
		t.Fatalf("the init trace lists %d packages: not a trace?\n%s", len(inits), stderr.String())
	}
	var total int64
	for pkg, bytes := range inits {
		total += bytes
		for _, h := range heavyInits {
			if pkg == h {
				t.Errorf("godmode version initialises %s (%d bytes): load it on first use instead", pkg, bytes)
			}
		}
	}
	if total > initBudget {
		t.Errorf("start-up allocates %d bytes over %d packages, budget %d; the biggest: %s", total, len(inits), initBudget, biggest(inits, 5))
	}
}

// parseInitTrace reads GODEBUG=inittrace=1 lines:
// "init PKG @0.5 ms, 0.2 ms clock, 1234 bytes, 12 allocs".
func parseInitTrace(t *testing.T, trace string) map[string]int64 {
	t.Helper()
	out := map[string]int64{}
	sc := bufio.NewScanner(strings.NewReader(trace))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 10 || f[0] != "init" || f[8] != "bytes," {
			continue
		}
		n, err := strconv.ParseInt(f[7], 10, 64)
		if err != nil {
			t.Fatalf("init trace line %q: %v", sc.Text(), err)
		}
		out[f[1]] += n
	}
	return out
}

func biggest(inits map[string]int64, n int) string {
	type kv struct {
		pkg   string
		bytes int64
	}
	var all []kv
	for p, b := range inits {
		all = append(all, kv{p, b})
	}
	slices.SortFunc(all, func(a, b kv) int { return int(b.bytes - a.bytes) })
	var parts []string
	for _, e := range all[:min(n, len(all))] {
		parts = append(parts, e.pkg+" "+strconv.FormatInt(e.bytes, 10))
	}
	return strings.Join(parts, ", ")
}
