package n8n_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/godmode-console/godmode/db/dbtest"
	"github.com/godmode-console/godmode/n8n"
)

// The contract suite runs every Contract* test against the fake n8n in
// both modes (1.x and 2.x) and against each real n8n whose environment is
// set (see .ci/n8n-peer.sh):
//
//	GODMODE_TEST_N8N_URL,  GODMODE_TEST_N8N_API_KEY   a real n8n 1.x
//	GODMODE_TEST_N8N2_URL, GODMODE_TEST_N8N2_API_KEY  a real n8n 2.x
//
// GODMODE_REQUIRE_REAL_N8N=1 (CI) fails the suite when no real n8n is
// configured, when a configured one is not usable, or when one did not
// run; a list of majors (GODMODE_REQUIRE_REAL_N8N=1,2) also requires
// those majors to be configured.
type realPeer struct {
	major    int
	url, key string
	ok       bool
	ran      bool
}

var (
	realPeers = []*realPeer{
		{major: 1, url: os.Getenv("GODMODE_TEST_N8N_URL"), key: os.Getenv("GODMODE_TEST_N8N_API_KEY")},
		{major: 2, url: os.Getenv("GODMODE_TEST_N8N2_URL"), key: os.Getenv("GODMODE_TEST_N8N2_API_KEY")},
	}
	runID       = randomSuffix()
	requireReal = os.Getenv("GODMODE_REQUIRE_REAL_N8N")
)

func (p *realPeer) configured() bool { return p.url != "" && p.key != "" }

func (p *realPeer) name() string { return fmt.Sprintf("real-%d.x", p.major) }

func TestMain(m *testing.M) {
	required := map[int]bool{}
	for _, f := range strings.Split(requireReal, ",") {
		switch strings.TrimSpace(f) {
		case "2":
			required[2] = true
		case "1":
			if strings.Contains(requireReal, ",") {
				required[1] = true
			}
		}
	}
	fail := func(format string, a ...any) {
		fmt.Fprintf(os.Stderr, "n8n contract suite: "+format+"\n", a...)
		os.Exit(1)
	}
	var ran []string
	for _, p := range realPeers {
		if !p.configured() {
			if required[p.major] {
				fail("GODMODE_REQUIRE_REAL_N8N=%s but no real n8n %d.x is configured (start one with .ci/n8n-peer.sh start %d)", requireReal, p.major, p.major)
			}
			continue
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		_, err := n8n.New(p.url, p.key).ListWorkflows(ctx, n8n.WorkflowFilter{Limit: 1}, "")
		cancel()
		if err != nil {
			if requireReal != "" {
				fail("real n8n %d.x at %s is not usable: %v", p.major, p.url, err)
			}
			fmt.Fprintf(os.Stderr, "n8n contract suite: real n8n %d.x at %s is not usable (%v); skipping it\n", p.major, p.url, err)
			continue
		}
		p.ok = true
		ran = append(ran, fmt.Sprintf("%s at %s", p.name(), p.url))
	}
	if len(ran) == 0 {
		if requireReal != "" {
			fail("GODMODE_REQUIRE_REAL_N8N=%s but no real n8n is configured (GODMODE_TEST_N8N_URL/_API_KEY, GODMODE_TEST_N8N2_URL/_API_KEY; see .ci/n8n-peer.sh)", requireReal)
		}
		fmt.Fprintln(os.Stderr, "n8n contract suite: no real n8n configured (GODMODE_TEST_N8N_URL/_API_KEY for 1.x, GODMODE_TEST_N8N2_URL/_API_KEY for 2.x); running against the fake n8n (1.x and 2.x modes) only")
	} else {
		fmt.Fprintf(os.Stderr, "n8n contract suite: running against fake-1.x, fake-2.x, %s\n", strings.Join(ran, ", "))
	}
	// dbtest.Main runs the tests and stops the Postgres the sync case starts.
	dbtest.Main(m)
}

func randomSuffix() string {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
