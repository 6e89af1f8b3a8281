package db_test

import (
	"bytes"
	"testing"

	"github.com/godmode-console/godmode/db"
)

// legacyAD is the constant associated data keys were sealed with before
// migration 00006.
var legacyAD = []byte("godmode/n8n_instances.api_key/v1")

func TestLegacySealedKeysStillOpenAndRotateBindsThem(t *testing.T) {
	s, ctx := newStore(t)
	ohio, err := s.AddInstance(ctx, db.NewInstance{Name: "ohio", BaseURL: "https://ohio.example.com", APIKey: "placeholder"})
	if err != nil {
		t.Fatal(err)
	}
	kr, _ := db.NewKeyring(testKey)
	ct, kid := kr.Seal([]byte("n8n_api_legacy"), legacyAD)
	if _, err := s.Pool().Exec(ctx, `UPDATE n8n_instances SET api_key_ciphertext = $2, api_key_key_id = $3, api_key_sealed_url = NULL WHERE id = $1`, ohio.ID, ct, kid); err != nil {
		t.Fatal(err)
	}
	if n, err := s.LegacySealedKeys(ctx); err != nil || n != 1 {
		t.Fatalf("legacy rows: %d, %v", n, err)
	}
	if got, err := s.InstanceAPIKey(ctx, ohio.ID); err != nil || got != "n8n_api_legacy" {
		t.Fatalf("a key sealed before 00006: %q, %v", got, err)
	}
	// Same master key: rotate still binds the legacy row.
	if n, err := s.RotateKeys(ctx); err != nil || n != 1 {
		t.Fatalf("rotate: %d, %v", n, err)
	}
	if n, _ := s.LegacySealedKeys(ctx); n != 0 {
		t.Fatalf("%d legacy rows after rotate", n)
	}
	if got, err := s.InstanceAPIKey(ctx, ohio.ID); err != nil || got != "n8n_api_legacy" {
		t.Fatalf("after binding: %q, %v", got, err)
	}
	if n, _ := s.RotateKeys(ctx); n != 0 {
		t.Errorf("a second rotate re-sealed %d rows", n)
	}
	// Bound now: the same ciphertext in another row no longer opens.
	texas, _ := s.AddInstance(ctx, db.NewInstance{Name: "texas", BaseURL: "https://texas.example.com", APIKey: "k"})
	s.Pool().Exec(ctx, `UPDATE n8n_instances d SET api_key_ciphertext = o.api_key_ciphertext FROM n8n_instances o WHERE o.id = $1 AND d.id = $2`, ohio.ID, texas.ID)
	if got, err := s.InstanceAPIKey(ctx, texas.ID); err == nil {
		t.Fatalf("ohio's re-sealed key opens in texas's row as %q", got)
	}
}

func TestSetURLAndSetKeyReseal(t *testing.T) {
	s, ctx := newStore(t)
	ohio, _ := s.AddInstance(ctx, db.NewInstance{Name: "ohio", BaseURL: "https://ohio.example.com", APIKey: "k1"})
	moved, err := s.SetInstanceURLs(ctx, "ohio", "https://ohio2.example.com/", "")
	if err != nil || moved.BaseURL != "https://ohio2.example.com" {
		t.Fatalf("set-url: %+v, %v", moved, err)
	}
	if got, err := s.InstanceAPIKey(ctx, ohio.ID); err != nil || got != "k1" {
		t.Fatalf("after set-url: %q, %v", got, err)
	}
	// A URL changed outside godmode is not laundered by a later set-url.
	s.Pool().Exec(ctx, `UPDATE n8n_instances SET base_url = 'https://evil.example.net' WHERE id = $1`, ohio.ID)
	if _, err := s.SetInstanceURLs(ctx, "ohio", "https://evil.example.net", ""); err == nil {
		t.Fatal("set-url re-sealed a key for a URL changed behind godmode's back")
	}
	// Setting the key again is the way out.
	if _, err := s.SetInstanceKey(ctx, "ohio", "k2"); err != nil {
		t.Fatal(err)
	}
	if got, err := s.InstanceAPIKey(ctx, ohio.ID); err != nil || got != "k2" {
		t.Fatalf("after set-key: %q, %v", got, err)
	}
	// Under a stranger master key, set-key is refused like add.
	kr, _ := db.NewKeyring(bytes.Repeat([]byte{5}, 32))
	if _, err := db.NewStore(s.Pool(), kr).SetInstanceKey(ctx, "ohio", "k3"); err == nil {
		t.Fatal("set-key under a master key that opens nothing was accepted")
	}
}
