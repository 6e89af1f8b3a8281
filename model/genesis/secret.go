package genesis

import (
	"fmt"
	"log/slog"
)

// Secret holds a value that must reach n8n and nothing else: it prints,
// formats, marshals and logs as a mask, whatever the verb, so a Secret
// that lands in an error, a log line, the audit trail or a preview by
// mistake shows nothing of itself. Reveal is the one way out, called where
// the value is handed to n8n.
type Secret struct {
	// The value sits behind a pointer: fmt does not call Format on a
	// struct's unexported fields but prints them by reflection, and a
	// pointer met that way prints as an address, never as what it holds.
	v *string
	// from says where the value came from (env:NAME, file:PATH, the
	// values file) without showing it, for messages.
	from string
}

// Masked is what a Secret shows instead of itself.
const Masked = "[secret]"

// NewSecret wraps a value; from says where it came from ("" when typed).
func NewSecret(v, from string) Secret { return Secret{v: &v, from: from} }

// Reveal returns the value, for the call that sends it to n8n.
func (s Secret) Reveal() string {
	if s.v == nil {
		return ""
	}
	return *s.v
}

// Empty says whether no value is held.
func (s Secret) Empty() bool { return s.Reveal() == "" }

// From says where the value came from, e.g. "env:ACME_KEY".
func (s Secret) From() string { return s.from }

func (s Secret) String() string   { return Masked }
func (s Secret) GoString() string { return Masked }

// Format masks every verb, %x and %q included (fmt would otherwise not call
// String for those on a struct).
func (s Secret) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(Masked)) }

// MarshalJSON masks the value in any JSON made of a Secret.
func (s Secret) MarshalJSON() ([]byte, error) { return []byte(`"` + Masked + `"`), nil }

// MarshalText masks the value for encoders that use text (TOML, YAML, map keys).
func (s Secret) MarshalText() ([]byte, error) { return []byte(Masked), nil }

// LogValue masks the value in slog, whatever the handler.
func (s Secret) LogValue() slog.Value { return slog.StringValue(Masked) }
