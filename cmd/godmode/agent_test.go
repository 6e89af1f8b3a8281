package main

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"net"
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/agent"

	"github.com/godmode-console/godmode/db"
	"github.com/godmode-console/godmode/model"
)

// newSSHKey makes an ed25519 key pair for a test.
func newSSHKey(t *testing.T) (ed25519.PrivateKey, ssh.PublicKey) {
	t.Helper()
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	pk, err := ssh.NewPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	return priv, pk
}

// serveAgent runs an in-process SSH agent holding keys on a unix socket in
// a temporary directory, points SSH_AUTH_SOCK at it and returns the path.
func serveAgent(t *testing.T, keys ...ed25519.PrivateKey) string {
	t.Helper()
	kr := agent.NewKeyring()
	for _, k := range keys {
		if err := kr.Add(agent.AddedKey{PrivateKey: k, Comment: "test"}); err != nil {
			t.Fatal(err)
		}
	}
	return serveKeyring(t, kr)
}

// serveKeyring serves an agent keyring as serveAgent does.
func serveKeyring(t *testing.T, kr agent.Agent) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "agent") // short: unix socket paths are limited to ~100 bytes
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	sock := filepath.Join(dir, "s")
	l, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go func() { defer c.Close(); _ = agent.ServeAgent(kr, c) }()
		}
	}()
	t.Setenv(envAgentSock, sock)
	return sock
}

// registerKey records pk as one of email's SSH keys, straight in the
// database (the users commands have tests of their own).
func registerKey(t *testing.T, store *db.Store, email string, pk ssh.PublicKey) {
	t.Helper()
	ctx := context.Background()
	u, err := store.UserByEmail(ctx, email)
	if errors.Is(err, model.ErrNotFound) {
		u, err = store.CreateUser(ctx, email, "", false)
	}
	if err != nil {
		t.Fatal(err)
	}
	line := string(ssh.MarshalAuthorizedKey(pk))
	if _, err := store.AddUserKey(ctx, u.ID, ssh.FingerprintSHA256(pk), line, ""); err != nil {
		t.Fatal(err)
	}
}

// testStore opens the database at url, migrated, with the master key in
// the environment.
func testStore(t *testing.T, url string) *db.Store {
	t.Helper()
	ctx := context.Background()
	pool, err := db.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	if err := db.Migrate(ctx, pool); err != nil {
		t.Fatal(err)
	}
	kr, err := db.KeyringFromEnv("")
	if err != nil {
		t.Fatal(err)
	}
	s := db.NewStore(pool, kr)
	t.Cleanup(s.Close)
	return s
}
