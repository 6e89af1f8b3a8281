package main

import (
	"context"
	"encoding/json"
	"log/slog"
	"strings"

	charmlog "charm.land/log/v2"
)

// wishLog takes the lines wish's Bubble Tea middleware writes through
// charm's logger (one JSON object each) and logs them through serve's own
// logger, at their level. A console that ended because its client went
// away (wish: "app exit with error … context canceled") is how every
// session ends, not an error: it is logged at debug level.
type wishLog struct{ log *slog.Logger }

func (w wishLog) Write(p []byte) (int, error) {
	var e map[string]any
	if json.Unmarshal(p, &e) != nil {
		w.log.Warn("wish", "line", strings.TrimSpace(string(p)))
		return len(p), nil
	}
	msg, _ := e["msg"].(string)
	lvl, _ := e["level"].(string)
	delete(e, "msg")
	delete(e, "level")
	delete(e, "time")
	level := slog.LevelInfo
	switch lvl {
	case charmlog.DebugLevel.String():
		level = slog.LevelDebug
	case charmlog.WarnLevel.String():
		level = slog.LevelWarn
	case charmlog.ErrorLevel.String(), charmlog.FatalLevel.String():
		level = slog.LevelError
	}
	if err, _ := e["error"].(string); strings.HasSuffix(err, "context canceled") {
		level = slog.LevelDebug
	}
	attrs := make([]any, 0, 2*len(e)+2)
	attrs = append(attrs, "from", "wish")
	for k, v := range e {
		attrs = append(attrs, k, v)
	}
	w.log.Log(context.Background(), level, msg, attrs...)
	return len(p), nil
}
