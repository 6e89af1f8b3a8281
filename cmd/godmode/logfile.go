package main

import (
	"fmt"
	"io"
	"log/slog"
	"os"

	"github.com/godmode-console/godmode/forensics/safetext"
)

// openLog is where a console (or the demo) writes its log: the file at
// path, appended to, or nowhere when path is "" (the terminal is the
// console's screen). The lines are slog's text, cleaned of control
// characters (they carry names and n8n errors); secrets never reach them:
// the values that hold one mask themselves in slog.
func openLog(path string) (*slog.Logger, func(), error) {
	if path == "" {
		return slog.New(slog.NewTextHandler(io.Discard, nil)), func() {}, nil
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return nil, nil, fmt.Errorf("--log %s: %w", path, err)
	}
	return slog.New(slog.NewTextHandler(f, safetext.Options(nil))), func() { f.Close() }, nil
}
