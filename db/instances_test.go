package db_test

import (
	"bytes"
	"encoding/hex"
	"errors"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/godmode-console/godmode/db"
	"github.com/godmode-console/godmode/db/dbtest"
)

const secretKey = "n8n_api_9f3c2e71d0b84a5f_SECRET"

func TestInstanceAPIKeyEncryptedAtRestAndRotated(t *testing.T) {
	// Sessions run as the runtime role; the dump is taken by the superuser,
	// as a stolen backup would be.
	d := dbtest.Fresh(t)
	ctx := t.Context()
	pool, err := db.Connect(ctx, d.Runtime)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	oldKR, _ := db.NewKeyring(testKey)
	s := db.NewStore(pool, oldKR)

	inst, err := s.AddInstance(ctx, db.NewInstance{Name: "ohio", BaseURL: "https://ohio.n8n.example.com/", APIKey: secretKey})
	if err != nil {
		t.Fatal(err)
	}
	if inst.BaseURL != "https://ohio.n8n.example.com" {
		t.Errorf("base URL kept its trailing slash: %q", inst.BaseURL)
	}
	got, err := s.InstanceAPIKey(ctx, inst.ID)
	if err != nil || got != secretKey {
		t.Fatalf("API key read back as %q, %v", got, err)
	}

	dump := pgDump(t, d.Super)
	for _, form := range []string{secretKey, hex.EncodeToString([]byte(secretKey)), "SECRET"} {
		if bytes.Contains(dump, []byte(form)) {
			t.Fatalf("pg_dump holds the API key in plain text (%q)", form)
		}
	}
	if !bytes.Contains(dump, []byte("ohio.n8n.example.com")) {
		t.Fatal("pg_dump does not hold the instance at all: the grep proves nothing")
	}

	// Rotate: a new current key, the old one kept for reading.
	newKey := bytes.Repeat([]byte{7}, 32)
	both, _ := db.NewKeyring(newKey, testKey)
	rotated, err := db.NewStore(pool, both).RotateKeys(ctx)
	if err != nil || rotated != 1 {
		t.Fatalf("rotate: %d rows, %v", rotated, err)
	}
	onlyNew, _ := db.NewKeyring(newKey)
	s2 := db.NewStore(pool, onlyNew)
	if got, err := s2.InstanceAPIKey(ctx, inst.ID); err != nil || got != secretKey {
		t.Fatalf("after rotation, with the new key alone: %q, %v", got, err)
	}
	if _, err := s.InstanceAPIKey(ctx, inst.ID); err == nil {
		t.Fatal("after rotation the retired key still opens the row")
	}
	again, _ := s2.RotateKeys(ctx)
	if again != 0 {
		t.Errorf("a second rotation re-encrypted %d rows", again)
	}
	list, _ := s2.Instances(ctx)
	if len(list) != 1 || list[0].KeyID != db.KeyID(newKey) {
		t.Fatalf("instances after rotation: %+v", list)
	}
}

func TestRotationWithoutTheOldKeyChangesNothing(t *testing.T) {
	s, ctx := newStore(t)
	inst, _ := fleet(t, s, ctx)
	stranger, _ := db.NewKeyring(bytes.Repeat([]byte{9}, 32))
	_, err := db.NewStore(s.Pool(), stranger).RotateKeys(ctx)
	if err == nil || !strings.Contains(err.Error(), "not in the keyring") || !strings.Contains(err.Error(), "ohio") {
		t.Fatalf("rotating without the old key: %v", err)
	}
	if got, err := s.InstanceAPIKey(ctx, inst.ID); err != nil || got != "n8n_api_ohio_secret" {
		t.Fatalf("the row changed after a failed rotation: %q %v", got, err)
	}
}

func TestInstanceNamesAndURLsValidated(t *testing.T) {
	s, ctx := newStore(t)
	for _, in := range []db.NewInstance{
		{Name: "Bad Name", BaseURL: "http://x", APIKey: "k"},
		{Name: "ok", BaseURL: "ftp://x", APIKey: "k"},
		{Name: "ok2", BaseURL: "http://x", APIKey: " "},
	} {
		if _, err := s.AddInstance(ctx, in); err == nil {
			t.Errorf("AddInstance(%+v) accepted", in)
		}
	}
	if _, err := s.AddInstance(ctx, db.NewInstance{Name: "dup", BaseURL: "http://x", APIKey: "k"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddInstance(ctx, db.NewInstance{Name: "dup", BaseURL: "http://y", APIKey: "k"}); err == nil {
		t.Error("two instances named dup")
	}
	if err := s.RemoveInstance(ctx, "nope"); err == nil {
		t.Error("removing an unknown instance said nothing")
	}
}

func pgDump(t *testing.T, url string) []byte {
	t.Helper()
	bin, err := db.FindPostgresBinaries()
	if err != nil {
		t.Fatal(err)
	}
	var out, stderr bytes.Buffer
	cmd := exec.Command(filepath.Join(bin, "pg_dump"), "--data-only", "--dbname", url)
	cmd.Stdout, cmd.Stderr = &out, &stderr
	if err := cmd.Run(); err != nil {
		var ee *exec.ExitError
		errors.As(err, &ee)
		t.Fatalf("pg_dump: %v: %s", err, stderr.String())
	}
	return out.Bytes()
}
