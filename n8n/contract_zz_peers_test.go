package n8n_test

import (
	"fmt"
	"os"
	"testing"
)

// TestContractZZPeersRan comes last in the suite (files run in name
// order): it prints which real peers the contract cases ran against and,
// under GODMODE_REQUIRE_REAL_N8N, fails when a configured one never ran
// (every case skipped it, or -run left the contract cases out).
func TestContractZZPeersRan(t *testing.T) {
	for _, p := range realPeers {
		switch {
		case p.ran:
			fmt.Fprintf(os.Stderr, "n8n contract suite: ran against %s at %s\n", p.name(), p.url)
		case p.configured() && requireReal != "":
			t.Errorf("real n8n %d.x at %s is configured but no contract case ran against it", p.major, p.url)
		case p.configured():
			t.Logf("real n8n %d.x at %s is configured but no contract case ran against it", p.major, p.url)
		}
	}
}
