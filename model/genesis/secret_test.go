package genesis

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"
)

const leak = "sk-live-SHOULD-NEVER-SHOW-1234"

// A secret inside the structures that carry it (a credential's fields, a
// variable) must not show through any printing path an operator or a log
// could see.
func TestSecretNeverShows(t *testing.T) {
	s := NewSecret(leak, "env:OPENAI_KEY")
	holder := struct {
		Name string
		Key  Secret
		Data map[string]Secret
		Ptr  *Secret
		// fmt prints unexported fields by reflection, without Format.
		hidden Secret
	}{"openai", s, map[string]Secret{"apiKey": s}, &s, s}
	var outs []string
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d"} {
		outs = append(outs, fmt.Sprintf(verb, s), fmt.Sprintf(verb, holder), fmt.Sprintf(verb, []Secret{s}))
	}
	outs = append(outs, fmt.Sprint(s), fmt.Sprintln(holder), s.String())
	j, err := json.Marshal(holder)
	if err != nil {
		t.Fatal(err)
	}
	outs = append(outs, string(j))
	var logs bytes.Buffer
	for _, h := range []slog.Handler{slog.NewJSONHandler(&logs, nil), slog.NewTextHandler(&logs, nil)} {
		l := slog.New(h)
		l.Info("credential", "key", s, "holder", holder, slog.Any("any", s), slog.Any("ptr", &s))
		l.Info("group", slog.Group("g", "key", s))
	}
	outs = append(outs, logs.String())
	for _, o := range outs {
		if strings.Contains(o, leak) || strings.Contains(o, fmt.Sprintf("%x", leak)) || strings.Contains(o, "SHOULD-NEVER") {
			t.Fatalf("the secret shows in %q", o)
		}
	}
	if !strings.Contains(string(j), Masked) || !strings.Contains(logs.String(), Masked) {
		t.Fatalf("the mask is missing: json %s, logs %s", j, logs.String())
	}
	if s.Reveal() != leak || s.From() != "env:OPENAI_KEY" {
		t.Fatal("Reveal or From lost the value")
	}
}
