package n8n

import "time"

// Credential is what CreateCredential sends. Data holds the secret values;
// n8n never returns them, and godmode never logs them.
type Credential struct {
	Name string         `json:"name"`
	Type string         `json:"type"` // e.g. httpHeaderAuth, smtp
	Data map[string]any `json:"data"`
}

// String keeps the secret values out of logs and error messages.
func (c Credential) String() string { return "credential " + c.Name + " (" + c.Type + ")" }

// GoString keeps the secret values out of %#v.
func (c Credential) GoString() string { return c.String() }

// CredentialInfo is a stored credential as n8n describes it (no data).
type CredentialInfo struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	Type      string    `json:"type"`
	CreatedAt time.Time `json:"createdAt"`
	UpdatedAt time.Time `json:"updatedAt"`
}

// Variable is an instance variable ($vars), a licensed feature.
type Variable struct {
	ID    string `json:"id"`
	Key   string `json:"key"`
	Value string `json:"value"`
	Type  string `json:"type,omitempty"`
}
