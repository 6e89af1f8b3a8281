package safetext

import (
	"fmt"
	"log/slog"
)

// ReplaceAttr is a slog.HandlerOptions.ReplaceAttr that cleans every string
// a log line carries (the message, string attributes, errors and
// Stringers) with Text: log lines end up on terminals too (journalctl,
// kubectl logs, tail -f), and the JSON handler passes DEL and C1 through.
func ReplaceAttr(_ []string, a slog.Attr) slog.Attr {
	v := a.Value.Resolve()
	switch v.Kind() {
	case slog.KindString:
		if s := v.String(); firstUnsafe(s, true) >= 0 {
			a.Value = slog.StringValue(Text(s))
		}
	case slog.KindAny:
		switch x := v.Any().(type) {
		case error:
			a.Value = slog.StringValue(Text(x.Error()))
		case fmt.Stringer:
			a.Value = slog.StringValue(Text(x.String()))
		case []byte:
			a.Value = slog.StringValue(Text(string(x)))
		}
	}
	return a
}

// Options returns o (nil for defaults) with ReplaceAttr cleaning strings
// after any ReplaceAttr o already had.
func Options(o *slog.HandlerOptions) *slog.HandlerOptions {
	var out slog.HandlerOptions
	if o != nil {
		out = *o
	}
	prev := out.ReplaceAttr
	out.ReplaceAttr = func(groups []string, a slog.Attr) slog.Attr {
		if prev != nil {
			a = prev(groups, a)
		}
		return ReplaceAttr(groups, a)
	}
	return &out
}
