package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/godmode-console/godmode/db"
)

// evilText is what a campaign name or an n8n error can hold: OSC 52, a
// screen clear, a title, the C1 CSI, BEL and CR.
const evilText = "\x1b]52;c;aGk=\x07\x1b[2J\x1b]0;owned\x07\u009b31m\r"

// assertNoControls fails when s holds a character a terminal would obey.
func assertNoControls(t *testing.T, what, s string) {
	t.Helper()
	for i, r := range s {
		if r < 0x20 && r != '\n' && r != '\t' || r >= 0x7f && r <= 0x9f {
			t.Fatalf("%s: control %U at offset %d:\n%q", what, r, i, s)
		}
	}
}

// godmode sync prints campaign names and n8n's error texts: neither may
// reach the terminal raw.
func TestSyncTablePrintsNoControlCharacters(t *testing.T) {
	f := newSyncFixture(t)
	ctx := context.Background()
	pool, err := db.Connect(ctx, os.Getenv(envDatabaseURL))
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	if _, err := pool.Exec(ctx, `UPDATE campaigns SET name = $1 WHERE id = $2`, "Email "+evilText, f.camp.ID); err != nil {
		t.Fatal(err)
	}
	hostile := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		body, _ := json.Marshal(map[string]string{"message": "bad " + evilText})
		w.Write(body)
	}))
	defer hostile.Close()
	if _, err := f.store.AddInstance(ctx, db.NewInstance{Name: "hostile", BaseURL: hostile.URL, APIKey: "hostile-api-key"}); err != nil {
		t.Fatal(err)
	}
	out, errOut, code := godmode(t, "", "sync", "--timeout", "3s")
	assertNoControls(t, "stdout", out)
	assertNoControls(t, "stderr", errOut)
	if code != 1 || !strings.Contains(out, "corrected ohio/Email ␛]52;") || !strings.Contains(out, "failed: ") || !strings.Contains(out, "bad ␛]52;") {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
}

// instances list prints each instance's last error, which is n8n's text.
func TestInstancesListPrintsNoControlCharacters(t *testing.T) {
	f := newSyncFixture(t)
	ctx := context.Background()
	ins, err := f.store.Instances(ctx)
	if err != nil || len(ins) != 1 {
		t.Fatalf("instances: %v %v", ins, err)
	}
	if err := f.store.RecordInstanceHealth(ctx, ins[0].ID, false, 0, "n8n said "+evilText); err != nil {
		t.Fatal(err)
	}
	out, errOut, code := godmode(t, "", "instances", "list")
	assertNoControls(t, "stdout", out)
	if code != 0 || !strings.Contains(out, "n8n said ␛]52;") {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
}

// The sync daemon's JSON log carries n8n's error texts: the JSON handler
// escapes C0 but passes DEL and C1 (U+009B, a CSI) raw, so the log is
// cleaned before it is encoded.
func TestSyncLogCarriesNoControlCharacters(t *testing.T) {
	f := newSyncFixture(t)
	hostile := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := json.Marshal(map[string]string{"message": "bad " + evilText + "\x7f"})
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		w.Write(body)
	}))
	defer hostile.Close()
	if _, err := f.store.AddInstance(context.Background(), db.NewInstance{Name: "hostile", BaseURL: hostile.URL, APIKey: "hostile-api-key"}); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	var stderr syncBuffer
	done := make(chan int)
	go func() {
		done <- run(ctx, []string{"sync", "--watch", "--every", "100ms", "--timeout", "1s"}, strings.NewReader(""), io.Discard, &stderr)
	}()
	for end := time.Now().Add(10 * time.Second); time.Now().Before(end) && !strings.Contains(stderr.String(), "bad "); time.Sleep(50 * time.Millisecond) {
	}
	cancel()
	<-done
	log := stderr.String()
	assertNoControls(t, "log", log)
	if strings.Contains(log, `\u001b`) || strings.Contains(log, `\u0007`) {
		t.Fatalf("escape sequences survive in the log as JSON escapes:\n%s", log)
	}
	if !strings.Contains(log, "bad ␛]52;") {
		t.Fatalf("the log does not show the hostile error, cleaned:\n%s", log)
	}
}
