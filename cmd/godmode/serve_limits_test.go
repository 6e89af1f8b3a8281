package main

import (
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

func httpGet(t *testing.T, url string) (int, string) {
	t.Helper()
	c := &http.Client{Timeout: 5 * time.Second}
	res, err := c.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(res.Body, 1<<20))
	return res.StatusCode, string(b)
}

// The limits and the health port are godmode serve's flags: a second
// console of one person over --max-sessions-per-user is refused with the
// cap named, an unknown key is counted on /metrics, and /healthz counts
// the sessions open.
func TestServeFlagsSetTheLimitsAndServeHealthAndMetrics(t *testing.T) {
	f := newScriptFleet(t)
	web := freeAddr(t)
	sv := startServe(t, "--max-sessions-per-user", "1", "--http-listen", web)
	c := sv.dial(t, f.member)
	first := openConsoleOver(t, c, 100, 30, nil)
	first.waitScreen(10*time.Second, "Email-1")

	code, body := httpGet(t, "http://"+web+"/healthz")
	var h struct {
		Status   string `json:"status"`
		Sessions int    `json:"sessions"`
	}
	if err := json.Unmarshal([]byte(body), &h); code != 200 || err != nil || h.Status != "ok" || h.Sessions != 1 {
		t.Errorf("/healthz with one console open: %d %s", code, body)
	}

	// A command of the same person is a second session: over the cap.
	out, errOut, exit := sshRun(t, c, "", "campaigns")
	if exit != 1 || !strings.Contains(errOut, "you have 1 session open, the most one user may") || strings.Contains(out, "Email-1") {
		t.Errorf("a second session over --max-sessions-per-user 1: exit %d, stdout %q, stderr %q", exit, out, errOut)
	}
	// Another person is not held to the member's cap.
	if out, errOut, exit := sshRun(t, sv.dial(t, f.viewer), "", "campaigns"); exit != 0 || !strings.Contains(out, "Email-1") {
		t.Errorf("the viewer beside the member's console: exit %d %q %q", exit, out, errOut)
	}

	// Each console subscribes to the change feed, and lets go when it ends.
	before := metricValue(t, web, "godmode_change_subscribers")
	second := openConsoleOver(t, sv.dial(t, f.viewer), 100, 30, nil)
	second.waitScreen(10*time.Second, "Email-1")
	waitMetric(t, web, "godmode_change_subscribers", before+1)
	second.typeKeys("q")
	waitMetric(t, web, "godmode_change_subscribers", before)

	stranger, _ := newSSHKey(t)
	if _, err := sv.dialErr(stranger); err == nil {
		t.Fatal("an unknown key was let in")
	}
	_, metrics := httpGet(t, "http://"+web+"/metrics")
	for _, want := range []string{`godmode_ssh_refusals_total{reason="unknown_key"} 1`, `godmode_ssh_refusals_total{reason="cap_user"} 1`, "godmode_ssh_sessions_open 1", "godmode_frame_seconds_count"} {
		if !strings.Contains(metrics, want) {
			t.Errorf("/metrics lacks %q:\n%s", want, metrics)
		}
	}
}

func TestServeRefusesNegativeLimits(t *testing.T) {
	isolate(t)
	for _, args := range [][]string{{"--max-sessions", "-1"}, {"--idle-timeout", "-1s"}} {
		_, errOut, code := godmode(t, "", append([]string{"serve", "--listen", "127.0.0.1:0", "--host-key", t.TempDir() + "/k"}, args...)...)
		if code != 2 || !strings.Contains(errOut, args[0]) {
			t.Errorf("serve %v: exit %d, %q", args, code, errOut)
		}
	}
}

// metricValue is one un-labelled metric's value on /metrics.
func metricValue(t *testing.T, web, name string) int {
	t.Helper()
	_, body := httpGet(t, "http://"+web+"/metrics")
	for _, l := range strings.Split(body, "\n") {
		if v, ok := strings.CutPrefix(l, name+" "); ok {
			n, err := strconv.Atoi(v)
			if err != nil {
				t.Fatalf("%s: %v", l, err)
			}
			return n
		}
	}
	t.Fatalf("/metrics has no %s:\n%s", name, body)
	return 0
}

func waitMetric(t *testing.T, web, name string, want int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		got := metricValue(t, web, name)
		if got == want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s is %d after 5s, want %d", name, got, want)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
