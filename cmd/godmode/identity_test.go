package main

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"os"
	"os/user"
	"strings"
	"testing"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/agent"

	"github.com/godmode-console/godmode/db"
	"github.com/godmode-console/godmode/db/dbtest"
	"github.com/godmode-console/godmode/model"
)

func TestLocalActorIsTheOperatorHoldingTheCredentials(t *testing.T) {
	isolate(t)
	t.Setenv(db.EnvMasterKey, db.GenerateKey())
	store := testStore(t, dbtest.NewDatabase(t))
	a, err := localActor(context.Background(), store)
	if err != nil {
		t.Fatal(err)
	}
	u, _ := user.Current()
	h, _ := os.Hostname()
	if want := "local:" + u.Username + "@" + h; a.Name != want || !a.SuperAdmin || a.UserID != 0 {
		t.Fatalf("local actor %+v, want %s, super admin", a, want)
	}
}

func TestGodmodeUserNeedsOneOfTheirKeysInTheAgent(t *testing.T) {
	isolate(t)
	t.Setenv(db.EnvMasterKey, db.GenerateKey())
	store := testStore(t, dbtest.NewDatabase(t))
	ctx := context.Background()
	ws, err := store.CreateWorkspace(ctx, "ohio", "Ohio Roofing", nil)
	if err != nil {
		t.Fatal(err)
	}
	priv, pub := newSSHKey(t)
	registerKey(t, store, "ana@example.com", pub)
	ana, _ := store.UserByEmail(ctx, "ana@example.com")
	store.SetMember(ctx, ws.ID, ana.ID, model.RoleMember)
	t.Setenv(envUser, "ana@example.com")

	serveAgent(t, priv)
	a, err := localActor(ctx, store)
	if err != nil {
		t.Fatalf("registered key in the agent: %v", err)
	}
	if a.Name != "ana@example.com" || a.SuperAdmin || a.Roles[ws.ID] != model.RoleMember || !strings.HasPrefix(a.KeyFingerprint, "SHA256:") {
		t.Fatalf("proven actor %+v", a)
	}

	stranger, _ := newSSHKey(t)
	for name, setup := range map[string]func(){
		"an unregistered key": func() { serveAgent(t, stranger) },
		"an empty agent":      func() { serveAgent(t) },
		"no agent":            func() { t.Setenv(envAgentSock, "") },
		"a dead agent socket": func() { t.Setenv(envAgentSock, t.TempDir()+"/gone") },
	} {
		setup()
		a, err := localActor(ctx, store)
		if err == nil {
			t.Errorf("%s: accepted as %+v", name, a)
			continue
		}
		for _, want := range []string{"GODMODE_USER=ana@example.com", "godmode users add-key ana@example.com", "ssh-add", "unset GODMODE_USER"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("%s: the refusal does not say %q: %v", name, want, err)
			}
		}
	}
	t.Setenv(envUser, "nobody@example.com")
	serveAgent(t, priv)
	if _, err := localActor(ctx, store); err == nil || !strings.Contains(err.Error(), "no user nobody@example.com is registered") {
		t.Errorf("an unregistered user: %v", err)
	}
	// Every claim is in the trail, the refused ones under the local operator.
	failed, _ := store.Audit(ctx, model.AuditFilter{Outcome: model.OutcomeFailed})
	ok, _ := store.Audit(ctx, model.AuditFilter{Actor: "ana@example.com"})
	if len(failed) != 5 || len(ok) != 1 || ok[0].Action != model.AuditIdentify || !strings.HasPrefix(failed[0].ActorName, "local:") {
		t.Errorf("audit: %d refused claims (want 5), %d accepted (want 1): %+v %+v", len(failed), len(ok), failed, ok)
	}
}

func TestGodmodeUserProvenWithAnRSAKey(t *testing.T) {
	isolate(t)
	t.Setenv(db.EnvMasterKey, db.GenerateKey())
	store := testStore(t, dbtest.NewDatabase(t))
	priv, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	pub, _ := ssh.NewPublicKey(&priv.PublicKey)
	registerKey(t, store, "rsa@example.com", pub)
	kr := agent.NewKeyring()
	kr.Add(agent.AddedKey{PrivateKey: priv})
	serveKeyring(t, kr)
	t.Setenv(envUser, "rsa@example.com")
	if a, err := localActor(context.Background(), store); err != nil || a.KeyFingerprint != ssh.FingerprintSHA256(pub) {
		t.Fatalf("RSA key: %+v, %v", a, err)
	}
}
