package n8n_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/godmode-console/godmode/db/dbtest"
	"github.com/godmode-console/godmode/n8n"
)

// The contract suite runs every Contract* test against the fake n8n and,
// when GODMODE_TEST_N8N_URL and GODMODE_TEST_N8N_API_KEY name a real one
// (see .ci/n8n-peer.sh), against it too. With GODMODE_REQUIRE_REAL_N8N=1
// (CI) a missing or unreachable real n8n fails the suite.
var (
	realURL     = os.Getenv("GODMODE_TEST_N8N_URL")
	realKey     = os.Getenv("GODMODE_TEST_N8N_API_KEY")
	realOK      bool
	runID       = randomSuffix()
	requireReal = os.Getenv("GODMODE_REQUIRE_REAL_N8N") == "1"
)

func TestMain(m *testing.M) {
	switch {
	case realURL == "" || realKey == "":
		if requireReal {
			fmt.Fprintln(os.Stderr, "n8n contract suite: GODMODE_REQUIRE_REAL_N8N=1 but GODMODE_TEST_N8N_URL / GODMODE_TEST_N8N_API_KEY are not set (start one with .ci/n8n-peer.sh start)")
			os.Exit(1)
		}
		fmt.Fprintln(os.Stderr, "n8n contract suite: real n8n not configured (GODMODE_TEST_N8N_URL, GODMODE_TEST_N8N_API_KEY); running against the fake n8n only")
	default:
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		_, err := n8n.New(realURL, realKey).ListWorkflows(ctx, n8n.WorkflowFilter{Limit: 1}, "")
		cancel()
		if err != nil {
			if requireReal {
				fmt.Fprintf(os.Stderr, "n8n contract suite: real n8n at %s is not usable: %v\n", realURL, err)
				os.Exit(1)
			}
			fmt.Fprintf(os.Stderr, "n8n contract suite: real n8n at %s is not usable (%v); running against the fake n8n only\n", realURL, err)
		} else {
			realOK = true
			fmt.Fprintf(os.Stderr, "n8n contract suite: running against the fake n8n and the real n8n at %s\n", realURL)
		}
	}
	// dbtest.Main runs the tests and stops the Postgres the sync case starts.
	dbtest.Main(m)
}

func randomSuffix() string {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
