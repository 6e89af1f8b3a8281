package main

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"net"
	"os"
	"os/user"
	"time"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/agent"

	"github.com/godmode-console/godmode/db"
	"github.com/godmode-console/godmode/model"
)

// Environment variables that say who is acting.
const (
	envUser      = "GODMODE_USER"  // a registered user's email, proven through the SSH agent
	envAgentSock = "SSH_AUTH_SOCK" // the SSH agent that holds that user's key
)

// agentTimeout bounds the whole conversation with the SSH agent: a hung
// agent must not hang the command.
const agentTimeout = 5 * time.Second

// localActor is who runs the binary on this machine. Whoever holds the
// database credentials can do everything anyway, so a local session is
// recorded as that operator, local:USER@HOST, a super admin. GODMODE_USER
// may name a registered user instead, whose roles then apply, only when the
// process proves it holds one of that user's SSH keys.
func localActor(ctx context.Context, store *db.Store) (model.Actor, error) {
	local := model.LocalActor(osUserName(), hostName())
	email := os.Getenv(envUser)
	if email == "" {
		return local, nil
	}
	a, err := model.ClaimUser(ctx, store, local, email, agentProof(os.Getenv(envAgentSock)))
	if err != nil {
		return model.Actor{}, fmt.Errorf("%s=%s: %w. To act as %s, a super admin registers one of their SSH public keys "+
			"(godmode users add %s, then godmode users add-key %s ~/.ssh/id_ed25519.pub) and its private key is loaded in the agent at %s (ssh-add); "+
			"or unset %s to act as %s",
			envUser, email, err, email, email, email, envAgentSock, envUser, local.Name)
	}
	return a, nil
}

func osUserName() string {
	if u, err := user.Current(); err == nil && u.Username != "" {
		return u.Username
	}
	return "unknown"
}

func hostName() string {
	if h, err := os.Hostname(); err == nil && h != "" {
		return h
	}
	return "localhost"
}

// challengePrefix separates godmode's identity challenges from anything
// else a key might be asked to sign.
const challengePrefix = "godmode identify v1\x00"

// agentProof proves, through the SSH agent at sock, that this process holds
// one of the registered keys: the agent signs a fresh random challenge and
// the signature is checked against the registered public key, not against
// whatever the agent claims.
func agentProof(sock string) model.KeyProof {
	return func(ctx context.Context, keys []model.UserKey) (string, error) {
		if sock == "" {
			return "", fmt.Errorf("no SSH agent (%s is not set)", envAgentSock)
		}
		registered := map[string]ssh.PublicKey{}
		for _, k := range keys {
			if pk, _, _, _, err := ssh.ParseAuthorizedKey([]byte(k.PublicKey)); err == nil && ssh.FingerprintSHA256(pk) == k.Fingerprint {
				registered[k.Fingerprint] = pk
			}
		}
		ctx, cancel := context.WithTimeout(ctx, agentTimeout)
		defer cancel()
		var d net.Dialer
		conn, err := d.DialContext(ctx, "unix", sock)
		if err != nil {
			return "", fmt.Errorf("the SSH agent at %s cannot be reached: %w", sock, err)
		}
		defer conn.Close()
		deadline, _ := ctx.Deadline()
		_ = conn.SetDeadline(deadline)
		ag := agent.NewClient(conn)
		held, err := ag.List()
		if err != nil {
			return "", fmt.Errorf("the SSH agent at %s: %w", sock, err)
		}
		for _, h := range held {
			pk, err := ssh.ParsePublicKey(h.Blob)
			if err != nil {
				continue
			}
			fp := ssh.FingerprintSHA256(pk)
			reg, ok := registered[fp]
			if !ok {
				continue
			}
			challenge := make([]byte, 32)
			rand.Read(challenge)
			msg := append([]byte(challengePrefix), challenge...)
			var flags agent.SignatureFlags
			if pk.Type() == ssh.KeyAlgoRSA {
				flags = agent.SignatureFlagRsaSha256
			}
			sig, err := ag.SignWithFlags(pk, msg, flags)
			if err != nil {
				return "", fmt.Errorf("the SSH agent at %s would not sign with key %s: %w", sock, fp, err)
			}
			if err := reg.Verify(msg, sig); err != nil {
				return "", fmt.Errorf("the signature by key %s does not verify: %w", fp, err)
			}
			return fp, nil
		}
		return "", errors.New("the SSH agent holds none of the keys registered for this user")
	}
}
