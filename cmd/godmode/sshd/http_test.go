package sshd

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"
)

func get(t *testing.T, url string) (int, string, string) {
	t.Helper()
	c := &http.Client{Timeout: waitLimit}
	resp, err := c.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, resp.Header.Get("Content-Type"), string(b)
}

// TestHealthzAndMetrics: after a session, an unknown key, a password, a
// refusal over the cap and a console's frames, /metrics counts each and
// /healthz tells the sessions open; once draining, /healthz answers 503
// and a new session is refused.
func TestHealthzAndMetrics(t *testing.T) {
	logger, _ := testLogger()
	g := New(Config{MaxSessionsPerUser: 1, Logger: logger})
	keys := newKeyring()
	alice, stranger := newSigner(t), newSigner(t)
	keys.add(alice, "alice@example.com")
	addr := serve(t, g, keys, nil, g.TeaMiddleware(counterConsole(0)))
	web := httptest.NewServer(g.Handler())
	defer web.Close()

	if c, err := dialKey(addr, "godmode", stranger); err == nil {
		c.Close()
		t.Fatal("an unknown key got in")
	}
	if c, err := dial(addr, "godmode", gossh.Password("secret")); err == nil {
		c.Close()
		t.Fatal("a password got in")
	}
	c, err := dialKey(addr, "godmode", alice)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	console := open(t, c, "")
	console.waitOutput(t, "keys=zero")
	if _, err := console.in.Write([]byte("x")); err != nil {
		t.Fatal(err)
	}
	console.waitOutput(t, "one")
	over := open(t, c, "")
	over.waitEnd(t)

	code, ctype, body := get(t, web.URL+"/healthz")
	if code != http.StatusOK || ctype != "application/json" {
		t.Errorf("/healthz: %d %s, want 200 application/json", code, ctype)
	}
	var h health
	if err := json.Unmarshal([]byte(body), &h); err != nil {
		t.Fatalf("/healthz body %q: %v", body, err)
	}
	if h.Status != "ok" || h.Sessions != 1 || h.UptimeSeconds < 0 {
		t.Errorf("/healthz = %+v, want ok with 1 session", h)
	}

	code, ctype, body = get(t, web.URL+"/metrics")
	if code != http.StatusOK || !strings.HasPrefix(ctype, "text/plain; version=0.0.4") {
		t.Errorf("/metrics: %d %s", code, ctype)
	}
	for _, line := range []string{
		"# TYPE godmode_ssh_sessions_open gauge",
		"godmode_ssh_sessions_open 1",
		"godmode_ssh_sessions_total 1",
		"# TYPE godmode_ssh_refusals_total counter",
		`godmode_ssh_refusals_total{reason="unknown_key"} 1`,
		`godmode_ssh_refusals_total{reason="password"} 1`,
		`godmode_ssh_refusals_total{reason="cap_user"} 1`,
		`godmode_ssh_refusals_total{reason="cap_total"} 0`,
		`godmode_ssh_refusals_total{reason="rate_limited"} 0`,
		`godmode_ssh_refusals_total{reason="idle_closed"} 0`,
		`godmode_ssh_refusals_total{reason="panic"} 0`,
		`godmode_ssh_refusals_total{reason="shutting_down"} 0`,
		"# TYPE godmode_frame_seconds histogram",
		`godmode_frame_seconds_bucket{le="+Inf"} `,
	} {
		if !containsLine(body, line) {
			t.Errorf("/metrics has no line %q:\n%s", line, body)
		}
	}
	// At least the first frame and the one after the key were timed.
	var frames int
	for _, l := range strings.Split(body, "\n") {
		if n, ok := strings.CutPrefix(l, "godmode_frame_seconds_count "); ok {
			if err := json.Unmarshal([]byte(n), &frames); err != nil {
				t.Fatal(err)
			}
		}
	}
	if frames < 2 {
		t.Errorf("godmode_frame_seconds_count = %d, want at least 2", frames)
	}

	g.Drain()
	code, _, body = get(t, web.URL+"/healthz")
	if code != http.StatusServiceUnavailable || !strings.Contains(body, `"status":"shutting down"`) {
		t.Errorf("/healthz while draining: %d %s, want 503 shutting down", code, body)
	}
	_ = console.in.Close()
	console.sess.Close()
	eventually(t, "the console released", func() bool { return g.Sessions() == 0 })
	late := open(t, c, "")
	if late.waitEnd(t) != 1 || late.errOut.String() != "godmode: the server is shutting down; try again in a minute\r\n" {
		t.Errorf("a session while draining printed %q", late.errOut.String())
	}
}

// containsLine is whether text has line as a whole line, or as a line's
// beginning when line ends in a space (a value the test does not fix).
func containsLine(text, line string) bool {
	for _, l := range strings.Split(text, "\n") {
		if l == line || strings.HasSuffix(line, " ") && strings.HasPrefix(l, line) {
			return true
		}
	}
	return false
}

func TestFrameHistogramBuckets(t *testing.T) {
	m := newMetrics()
	m.observeFrame(500 * time.Microsecond)
	m.observeFrame(10 * time.Millisecond)
	m.observeFrame(3 * time.Second)
	var b strings.Builder
	m.write(&b, 0)
	for _, line := range []string{
		`godmode_frame_seconds_bucket{le="0.001"} 1`,
		`godmode_frame_seconds_bucket{le="0.008"} 1`,
		`godmode_frame_seconds_bucket{le="0.016"} 2`,
		`godmode_frame_seconds_bucket{le="1"} 2`,
		`godmode_frame_seconds_bucket{le="+Inf"} 3`,
		`godmode_frame_seconds_count 3`,
		`godmode_frame_seconds_sum 3.0105`,
		`godmode_frame_seconds_max 3`,
	} {
		if !containsLine(b.String(), line) {
			t.Errorf("no line %q in:\n%s", line, b.String())
		}
	}
}
