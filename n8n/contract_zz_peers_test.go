package n8n_test

import (
	"fmt"
	"os"
	"testing"
)

// TestContractZZPeersRan comes last in the suite (files run in name
// order): it prints which real peers the contract cases ran against and,
// under GODMODE_REQUIRE_REAL_N8N, fails when a configured one never ran
// (every case skipped it, or -run left the contract cases out). go test
// hides a passing package's output, so the same lines also go to the file
// GODMODE_CONTRACT_REPORT names, which .ci/run prints.
func TestContractZZPeersRan(t *testing.T) {
	report := func(line string) {
		fmt.Fprintln(os.Stderr, line)
		if path := os.Getenv("GODMODE_CONTRACT_REPORT"); path != "" {
			f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600)
			if err != nil {
				t.Fatalf("GODMODE_CONTRACT_REPORT: %v", err)
			}
			defer f.Close()
			fmt.Fprintln(f, line)
		}
	}
	report("n8n contract suite: ran against fake-1.x, fake-2.x")
	for _, p := range realPeers {
		switch {
		case p.ran:
			report(fmt.Sprintf("n8n contract suite: ran against %s at %s", p.name(), p.url))
		case p.configured() && requireReal != "":
			t.Errorf("real n8n %d.x at %s is configured but no contract case ran against it", p.major, p.url)
		case p.configured():
			t.Logf("real n8n %d.x at %s is configured but no contract case ran against it", p.major, p.url)
		}
	}
}
