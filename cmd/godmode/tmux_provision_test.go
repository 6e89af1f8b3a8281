package main

import (
	"bytes"
	"context"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/godmode-console/godmode/db"
	"github.com/godmode-console/godmode/db/demofleet"
)

// wizardSecret is what the operator types into the credential's secret
// field: the search for it must come back empty everywhere but n8n.
const wizardSecret = "Wz-7f3k-SECRET-q9"

// recorder keeps every screen the test saw, to search them afterwards.
type recorder struct {
	x    *tmux
	seen []string
	on   bool // recording: from the moment the secret is typed
}

func (r *recorder) waitFor(what string, ok func(string) bool) string {
	r.x.t.Helper()
	return r.x.waitFor(what, func(s string) bool {
		if r.on {
			r.seen = append(r.seen, s)
		}
		return ok(s)
	})
}

// TestDemoInTmuxProvisionsAWorkspace is must-show 4: in `godmode demo`,
// the wizard takes idaho (awaiting setup on the shared instance) to an
// active workspace with its campaigns, a secret typed into the new
// credential's masked field; then the secret is searched for and is
// absent from Postgres (pg_dump of the demo's database, while it runs),
// the console's log (not empty), the demo's stderr and every screen
// captured after it was typed, scrollback included; and it did reach n8n:
// idaho's webhook, guarded by that credential, takes the header.
func TestDemoInTmuxProvisionsAWorkspace(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	pgDump := findPgDump(t)
	bin := buildGodmode(t)
	// The demo's fake n8n behaves like 1.x, then like 2.x (other schemas).
	for _, major := range []string{"1", "2"} {
		t.Run("n8n-"+major+".x", func(t *testing.T) { provisionInDemo(t, bin, pgDump, major) })
	}
}

func provisionInDemo(t *testing.T, bin, pgDump, major string) {
	dir := t.TempDir()
	logFile, errFile := filepath.Join(dir, "console.log"), filepath.Join(dir, "demo.stderr")
	x := startTmux(t, 160, 45, "GODMODE_DEMO_N8N_MAJOR="+major+" "+bin+" demo --log "+logFile+" 2>"+errFile+"; echo godmode exited $?; sleep 600")
	x.run("set-option", "-t", x.session, "history-limit", "10000")
	r := &recorder{x: x}
	x.waitFor("the fleet", contains("Workspaces [14]"))

	ws := demofleet.ProvisionWorkspace
	goToWorkspace(t, x, ws)
	s := x.waitFor("idaho awaiting setup", contains("awaiting setup"))
	if !strings.Contains(s, "p provision") {
		t.Fatalf("the footer on %s does not offer p:\n%s", ws, s)
	}
	x.keys("p")
	s = x.waitFor("the wizard", contains("Workspace and its n8n instance"))
	for _, want := range []string{"idaho · Idaho Landscaping", "status: awaiting setup", "legacy-shared, shared with other workspaces"} {
		if !strings.Contains(s, want) {
			t.Fatalf("the wizard's first step lacks %q:\n%s", want, s)
		}
	}
	x.keys("Enter")
	x.waitFor("the versions", contains("demo-cold-email@v2 (latest)"))
	x.keys("Enter")
	x.waitFor("the variables", focused("YOUR_LEADS_TABLE"))
	x.keys("leads_idaho")
	x.waitFor("the leads table typed", contains("> leads_idaho"))
	// Focus moves a moment after Enter: type once it has.
	x.keys("Enter")
	x.waitFor("the sender focused", focused("YOUR_SENDER_EMAIL"))
	x.keys("hello@idaho.example.com")
	x.waitFor("the sender typed", contains("> hello@idaho.example.com"))
	x.keys("Enter")
	x.waitFor("the credential slot", contains("Credential "+demofleet.SlotWebhookAuth))
	x.keys("Enter")
	x.waitFor("the credential's form", focused("Name in n8n"))
	// The name n8n shows, as proposed; then past the fields left empty
	// (2.x's schema has allowedDomains and allowedHttpRequestDomains first).
	nextField(t, x, "name")
	x.keys("X-Idaho-Key")
	x.waitFor("the header name typed", contains("> X-Idaho-Key"))
	x.keys("Enter")
	x.waitFor("the secret field focused", focused("value"))
	r.on = true
	x.keys(wizardSecret)
	r.waitFor("the secret typed, masked", contains("> "+strings.Repeat("*", len(wizardSecret))))
	x.keys("Enter")
	r.waitFor("the preview", contains("step 5/6 preview"))
	x.keys("Enter")
	r.waitFor("the run done", contains("workspace idaho is active"))
	x.keys("Enter")
	s = r.waitFor("idaho's campaigns", contains("Campaigns of idaho [8]"))
	if l := line(s, "  idaho "); !strings.Contains(l, "active") {
		t.Fatalf("idaho's row %q is not active:\n%s", l, s)
	}

	// While the demo runs: its Postgres, dumped.
	stderr, err := os.ReadFile(errFile)
	if err != nil {
		t.Fatal(err)
	}
	pgURL := after(t, string(stderr), "its Postgres: ")
	dump, err := exec.Command(pgDump, "--no-owner", "-d", pgURL).Output()
	if err != nil {
		t.Fatalf("pg_dump %s: %v", pgURL, err)
	}
	if !bytes.Contains(dump, []byte("idaho - Opt-Out")) {
		t.Fatalf("the dump (%d bytes) holds no campaign of idaho: not the demo's database?", len(dump))
	}
	if bytes.Contains(dump, []byte(wizardSecret)) {
		t.Errorf("the secret is in Postgres (pg_dump)")
	}
	// And it reached n8n: idaho's webhook takes the header the credential holds.
	base := after(t, string(stderr), "fake n8n legacy-shared at ")
	for value, want := range map[string]int{wizardSecret: 200, "not-it": 403} {
		if got := postWebhook(t, base+"/webhook/idaho/idaho-opt-out", value); got != want {
			t.Errorf("POST to idaho's Opt-Out webhook with the %s header: %d, want %d", map[bool]string{true: "typed", false: "wrong"}[value == wizardSecret], got, want)
		}
	}

	x.keys("q")
	x.waitFor("the console to quit cleanly", contains("godmode exited 0"))
	r.seen = append(r.seen, x.run("capture-pane", "-t", x.session, "-p", "-S", "-", "-E", "-"))
	for i, sc := range r.seen {
		if strings.Contains(sc, wizardSecret) {
			t.Errorf("screen capture %d of %d shows the secret:\n%s", i+1, len(r.seen), sc)
		}
	}
	logged, err := os.ReadFile(logFile)
	if err != nil {
		t.Fatal(err)
	}
	if len(logged) == 0 || !bytes.Contains(logged, []byte("console started")) {
		t.Fatalf("the console's log is empty or not its own (%d bytes): the search would prove nothing", len(logged))
	}
	if bytes.Contains(logged, []byte(wizardSecret)) {
		t.Errorf("the secret is in the console's log")
	}
	if stderr, _ = os.ReadFile(errFile); bytes.Contains(stderr, []byte(wizardSecret)) {
		t.Errorf("the secret is on the demo's stderr")
	}
	t.Logf("searched %d screen captures, a %d-byte dump, a %d-byte log", len(r.seen), len(dump), len(logged))
}

// The wizard at 80x24: each step fits (its box closed on the right, the
// footer with its esc on screen), the secret field masked; esc steps back
// and out, nothing applied.
func TestDemoInTmuxProvisionWizardFitsAt80x24(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin := buildGodmode(t)
	x := startTmux(t, 80, 24, bin+" demo; echo godmode exited $?; sleep 600")
	x.waitFor("the fleet", contains("Workspaces [14]"))
	goToWorkspace(t, x, demofleet.ProvisionWorkspace)
	x.keys("p")
	fits := func(what string, s string) {
		t.Helper()
		title := line(s, "provision idaho")
		lines := strings.Split(strings.TrimRight(s, "\n "), "\n")
		footer := lines[len(lines)-1]
		if !strings.HasSuffix(strings.TrimRight(title, " "), "┓") || !strings.Contains(footer, "esc ") {
			t.Fatalf("at 80x24 the wizard's %s does not fit (box cut or footer gone):\n%s", what, s)
		}
	}
	fits("first step", x.waitFor("the wizard", contains("Workspace and its n8n instance")))
	x.keys("Enter")
	fits("versions", x.waitFor("the versions", contains("demo-cold-email@v2")))
	x.keys("Enter")
	fits("variables", x.waitFor("the variables", focused("YOUR_LEADS_TABLE")))
	x.keys("leads_idaho")
	x.waitFor("typed", contains("> leads_idaho"))
	x.keys("Enter")
	x.waitFor("the sender focused", focused("YOUR_SENDER_EMAIL"))
	x.keys("hi@idaho.example.com")
	x.waitFor("typed", contains("> hi@idaho.example.com"))
	x.keys("Enter")
	x.waitFor("the credential slot", contains("Credential "))
	x.keys("Enter")
	x.waitFor("the credential's form", focused("Name in n8n"))
	nextField(t, x, "name")
	x.keys("X-Key")
	x.waitFor("typed", contains("> X-Key"))
	x.keys("Enter")
	x.waitFor("the secret field focused", focused("value"))
	x.keys("abc123")
	fits("credential form", x.waitFor("the secret masked", contains("> ******")))
	x.keys("Enter")
	fits("preview", x.waitFor("the preview", contains("step 5/6 preview")))
	// esc steps back, then out: nothing applied.
	x.keys("Escape")
	x.waitFor("back on the credentials", contains("step 4/6 credentials"))
	for i := 0; i < 6 && !strings.Contains(x.screen(), "Workspaces [14]"); i++ {
		x.keys("Escape")
		time.Sleep(300 * time.Millisecond)
	}
	s := x.waitFor("the fleet again", contains("Workspaces [14]"))
	if !strings.Contains(s, "nothing was applied") {
		t.Fatalf("leaving the wizard does not say nothing was applied:\n%s", s)
	}
	x.keys("q")
	x.waitFor("the console to quit cleanly", contains("godmode exited 0"))
}

// focused says the form's field titled title has the focus (huh draws
// a bar left of it, inside the wizard's box).
func focused(title string) func(string) bool {
	return func(s string) bool {
		for _, l := range strings.Split(s, "\n") {
			if strings.HasPrefix(strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(l), "┃┃")), title) && strings.HasPrefix(strings.TrimSpace(l), "┃┃ "+title) {
				return true
			}
		}
		return false
	}
}

// nextField presses Enter until the field titled title has the focus.
func nextField(t *testing.T, x *tmux, title string) {
	t.Helper()
	for i := 0; ; i++ {
		if i > 6 {
			t.Fatalf("field %s never focused:\n%s", title, x.screen())
		}
		was := x.screen()
		x.keys("Enter")
		s := x.waitFor("the focus to move", func(s string) bool { return s != was })
		if focused(title)(s) {
			return
		}
		time.Sleep(200 * time.Millisecond)
		if focused(title)(x.screen()) {
			return
		}
	}
}

// goToWorkspace moves the workspaces' cursor down to slug, one j per
// move seen. A move is the campaigns pane naming another workspace, not
// any change of its title line: the count filling in after a load also
// changes it, and taking that for a move sent a second j and went past
// slug (CI, stop 18).
func goToWorkspace(t *testing.T, x *tmux, slug string) {
	t.Helper()
	for i := 0; selectedWorkspace(x.screen()) != slug; i++ {
		if i > 20 {
			t.Fatalf("cannot put the cursor on %s:\n%s", slug, x.screen())
		}
		was := selectedWorkspace(x.screen())
		x.keys("j")
		x.waitFor("the next workspace", func(s string) bool {
			now := selectedWorkspace(s)
			return now != "" && now != was
		})
	}
}

var campaignsOf = regexp.MustCompile(`Campaigns of (\S+)`)

// selectedWorkspace is the workspace the campaigns pane shows, the one
// under the fleet's cursor ("" when the pane is not on screen).
func selectedWorkspace(screen string) string {
	if m := campaignsOf.FindStringSubmatch(screen); m != nil {
		return m[1]
	}
	return ""
}

// after is the rest of the line of text that follows prefix.
func after(t *testing.T, text, prefix string) string {
	t.Helper()
	m := regexp.MustCompile(regexp.QuoteMeta(prefix) + `(\S+)`).FindStringSubmatch(text)
	if m == nil {
		t.Fatalf("the demo's stderr does not say %q:\n%s", prefix, text)
	}
	return m[1]
}

func postWebhook(t *testing.T, url, header string) int {
	t.Helper()
	// n8n 2.x registers an activated workflow's webhooks a moment after
	// answering (404 "not registered" until then): ask again for a while.
	for i := 0; ; i++ {
		code := postOnce(t, url, header)
		if code != http.StatusNotFound || i == 40 {
			return code
		}
		time.Sleep(250 * time.Millisecond)
	}
}

func postOnce(t *testing.T, url, header string) int {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, strings.NewReader(`{"email_address":"lead@example.com"}`))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Idaho-Key", header)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// findPgDump is pg_dump from the folder the throwaway Postgres runs from
// (a dump must come from the same major as the server).
func findPgDump(t *testing.T) string {
	t.Helper()
	dir, err := db.FindPostgresBinaries()
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, "pg_dump")
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("no pg_dump next to the Postgres binaries in %s: %v", dir, err)
	}
	return p
}
