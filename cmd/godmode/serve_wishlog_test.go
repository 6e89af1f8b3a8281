package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"log/slog"
	"strings"
	"testing"

	charmlog "charm.land/log/v2"
)

// wish's own lines land in serve's log, in its format and at their level;
// a console ended by its client leaving is not an error.
func TestWishLinesJoinServesLog(t *testing.T) {
	var out bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&out, &slog.HandlerOptions{Level: slog.LevelDebug}))
	cl := charmlog.NewWithOptions(wishLog{logger}, charmlog.Options{Formatter: charmlog.JSONFormatter})
	cl.Error("app exit with error", "error", errors.New("program was killed: context canceled"))
	cl.Error("panic in window change handler", "panic", "boom", "stack", "goroutine 1")
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 2 {
		t.Fatalf("%d lines, want 2:\n%s", len(lines), out.String())
	}
	var ended, panicked map[string]any
	if json.Unmarshal([]byte(lines[0]), &ended) != nil || json.Unmarshal([]byte(lines[1]), &panicked) != nil {
		t.Fatalf("not serve's JSON:\n%s", out.String())
	}
	if ended["level"] != "DEBUG" || ended["msg"] != "app exit with error" || ended["from"] != "wish" {
		t.Errorf("a console ended by its client: %v", ended)
	}
	if panicked["level"] != "ERROR" || panicked["panic"] != "boom" {
		t.Errorf("a panic in wish: %v", panicked)
	}
}
