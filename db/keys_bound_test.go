package db_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/godmode-console/godmode/db"
)

// These tests use only what e26f193 already had (AddInstance,
// InstanceAPIKey, RotateKeys and SQL), so they ran, and failed, there.

func TestCiphertextCopiedToAnotherRowDoesNotOpen(t *testing.T) {
	s, ctx := newStore(t)
	ohio, err := s.AddInstance(ctx, db.NewInstance{Name: "ohio", BaseURL: "https://ohio.example.com", APIKey: "n8n_api_ohio_secret"})
	if err != nil {
		t.Fatal(err)
	}
	evil, err := s.AddInstance(ctx, db.NewInstance{Name: "evil", BaseURL: "https://evil.example.net", APIKey: "whatever"})
	if err != nil {
		t.Fatal(err)
	}
	// Someone with write access to the table moves ohio's key to a row
	// that points at their server.
	if _, err := s.Pool().Exec(ctx, `UPDATE n8n_instances d SET api_key_ciphertext = o.api_key_ciphertext, api_key_key_id = o.api_key_key_id
		FROM n8n_instances o WHERE o.id = $1 AND d.id = $2`, ohio.ID, evil.ID); err != nil {
		t.Fatal(err)
	}
	got, err := s.InstanceAPIKey(ctx, evil.ID)
	if err == nil {
		t.Fatalf("a ciphertext copied from ohio opens in evil's row as %q", got)
	}
	if !strings.Contains(err.Error(), "evil") || !strings.Contains(err.Error(), "set-key evil") {
		t.Errorf("the refusal does not say which instance and what to do: %v", err)
	}
	if got, err := s.InstanceAPIKey(ctx, ohio.ID); err != nil || got != "n8n_api_ohio_secret" {
		t.Errorf("ohio's own key: %q, %v", got, err)
	}
}

func TestBaseURLChangedBehindGodmodesBackMakesTheKeyUnusable(t *testing.T) {
	s, ctx := newStore(t)
	ohio, err := s.AddInstance(ctx, db.NewInstance{Name: "ohio", BaseURL: "https://ohio.example.com", APIKey: "n8n_api_ohio_secret"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Pool().Exec(ctx, `UPDATE n8n_instances SET base_url = 'https://evil.example.net' WHERE id = $1`, ohio.ID); err != nil {
		t.Fatal(err)
	}
	got, err := s.InstanceAPIKey(ctx, ohio.ID)
	want := "the stored API key of instance ohio was sealed for URL https://ohio.example.com, the row now says https://evil.example.net: set the key again with godmode instances set-key ohio"
	if err == nil || err.Error() != want {
		t.Fatalf("key after a URL change: %q, %v\nwant error %q", got, err, want)
	}
	// Changing the recorded URL too does not help: it is in the associated data.
	if _, err := s.Pool().Exec(ctx, `UPDATE n8n_instances SET api_key_sealed_url = base_url WHERE id = $1`, ohio.ID); err != nil {
		t.Fatal(err)
	}
	if got, err := s.InstanceAPIKey(ctx, ohio.ID); err == nil {
		t.Fatalf("key after changing both URLs opens as %q", got)
	}
}

func TestWrongMasterKeyRefusedForNewRows(t *testing.T) {
	s, ctx := newStore(t)
	if _, err := s.AddInstance(ctx, db.NewInstance{Name: "ohio", BaseURL: "https://ohio.example.com", APIKey: "k1"}); err != nil {
		t.Fatal(err)
	}
	wrong := bytes.Repeat([]byte{9}, 32)
	kr, _ := db.NewKeyring(wrong)
	_, err := db.NewStore(s.Pool(), kr).AddInstance(ctx, db.NewInstance{Name: "texas", BaseURL: "https://texas.example.com", APIKey: "k2"})
	want := "this master key (id " + db.KeyID(wrong) + ") is not the one the stored API keys were sealed with (ids " + db.KeyID(testKey) + "): check GODMODE_MASTER_KEY / the key file"
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("adding under a stranger key: %v\nwant %q", err, want)
	}
	var n int
	s.Pool().QueryRow(ctx, `SELECT count(*) FROM n8n_instances`).Scan(&n)
	if n != 1 {
		t.Fatalf("%d instances after the refusal", n)
	}
	// A new current key with the old one still listed is a rotation, not a mistake.
	both, _ := db.NewKeyring(wrong, testKey)
	if _, err := db.NewStore(s.Pool(), both).AddInstance(ctx, db.NewInstance{Name: "texas", BaseURL: "https://texas.example.com", APIKey: "k2"}); err != nil {
		t.Fatalf("new key with the old one kept: %v", err)
	}
}
