package model

import (
	"context"
	"errors"
	"fmt"
)

// AuditIdentify is the audit action of a process claiming to be a user.
const AuditIdentify = "identify"

// LocalActor is whoever runs godmode with the database credentials on this
// machine: a super admin by virtue of those credentials, recorded under
// the operating-system account and host it ran on.
func LocalActor(osUser, host string) Actor {
	return Actor{Name: "local:" + osUser + "@" + host, SuperAdmin: true}
}

// IdentityStore is what proving an identity needs of Postgres.
type IdentityStore interface {
	UserByEmail(ctx context.Context, email string) (User, error)
	UserKeys(ctx context.Context, userID int64) ([]UserKey, error)
	Actor(ctx context.Context, u User, keyFingerprint string) (Actor, error)
	AppendAudit(ctx context.Context, e AuditEntry) (AuditEntry, error)
}

// KeyProof proves that the process holds the private half of one of keys
// (by signing a fresh challenge and checking the signature against the
// registered public key) and returns that key's fingerprint.
type KeyProof func(ctx context.Context, keys []UserKey) (fingerprint string, err error)

// ErrUnproven wraps every refused claim to be a user.
var ErrUnproven = errors.New("identity not proven")

// ClaimUser turns the local operator into the registered user email, with
// that user's roles, when prove shows the process holds one of the user's
// registered SSH keys. The attempt is audited either way: a refusal under
// the local actor, a success under the user and key.
func ClaimUser(ctx context.Context, store IdentityStore, local Actor, email string, prove KeyProof) (Actor, error) {
	refuse := func(err error) (Actor, error) {
		err = fmt.Errorf("%w: %w", ErrUnproven, err)
		e := local.auditEntry(AuditIdentify, OutcomeFailed, err)
		e.After = jsonObject(map[string]any{"claimed": email})
		_, _ = store.AppendAudit(context.WithoutCancel(ctx), e)
		return Actor{}, err
	}
	u, err := store.UserByEmail(ctx, email)
	if errors.Is(err, ErrNotFound) {
		return refuse(fmt.Errorf("no user %s is registered", email))
	}
	if err != nil {
		// Not "no such user": a database that does not answer is not a
		// reason to tell the operator to register.
		return refuse(fmt.Errorf("reading user %s: %w", email, err))
	}
	keys, err := store.UserKeys(ctx, u.ID)
	if err != nil {
		return refuse(err)
	}
	if len(keys) == 0 {
		return refuse(fmt.Errorf("%s has no SSH key registered", email))
	}
	fp, err := prove(ctx, keys)
	if err != nil {
		return refuse(err)
	}
	a, err := store.Actor(ctx, u, fp)
	if err != nil {
		return refuse(err)
	}
	e := a.auditEntry(AuditIdentify, OutcomeOK, nil)
	e.After = jsonObject(map[string]any{"claimed": email, "by": local.Name})
	_, _ = store.AppendAudit(context.WithoutCancel(ctx), e)
	return a, nil
}
