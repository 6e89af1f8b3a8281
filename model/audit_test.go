package model

import (
	"encoding/json"
	"testing"
)

func TestAuditEntryChange(t *testing.T) {
	cases := []struct {
		before, after, err, want string
	}{
		{`{"campaign":"Email 1","status":"paused","version":3}`, `{"campaign":"Email 1","status":"active","version":4,"wanted":"active"}`, "", "status paused→active"},
		{`{"status":"active","version":3}`, `{"status":"active","version":3,"wanted":"active"}`, "", "no change"},
		{``, `{"workspace":"ohio","status":"suspended","reason":"unpaid","campaigns":["A","B"]}`, "", "campaigns A, B, reason unpaid, status suspended"},
		{`{"status":"paused"}`, `{"status":"paused"}`, "n8n answered 500", "n8n answered 500"},
	}
	for _, c := range cases {
		e := AuditEntry{Before: json.RawMessage(c.before), After: json.RawMessage(c.after), Error: c.err}
		if got := e.Change(); got != c.want {
			t.Errorf("Change(%s → %s) = %q, want %q", c.before, c.after, got, c.want)
		}
	}
}
