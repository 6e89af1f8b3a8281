package genesis

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
)

// BenchmarkPlanBase plans the six base templates and the opt-out webhook
// for one workspace: render, bind, namespace and check, with the values
// already read and the schemas and webhook paths served from memory.
func BenchmarkPlanBase(b *testing.B) {
	v := importVersion(b, "testdata/base-optout", "base-cold-email", 1)
	env := baseEnv("texas")
	vals, err := ReadValues("testdata/texas.toml", LoadOptions{Getenv: func(k string) (string, bool) { s, ok := env[k]; return s, ok }})
	if err != nil {
		b.Fatal(err)
	}
	_, c := newFake(b)
	schemas := memSchemas{}
	for _, typ := range []string{"postgres", "openAiApi", "httpQueryAuth", "httpHeaderAuth"} {
		raw, err := c.CredentialSchema(context.Background(), typ)
		if err != nil {
			b.Fatal(err)
		}
		schemas[typ] = raw
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := MakePlan(context.Background(), Input{Version: v, Workspace: Workspace{Slug: "texas"}, Values: vals, Activate: true},
			Ports{Webhooks: noHooks{}, Schemas: schemas, IDs: NewUUID}); err != nil {
			b.Fatal(err)
		}
	}
}

type memSchemas map[string]json.RawMessage

func (m memSchemas) CredentialSchema(_ context.Context, typ string) (json.RawMessage, error) {
	if s, ok := m[typ]; ok {
		return s, nil
	}
	return nil, errUnknown(typ)
}

type errUnknown string

func (e errUnknown) Error() string { return "unknown credential type " + strings.TrimSpace(string(e)) }
