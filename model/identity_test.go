package model

import (
	"context"
	"errors"
	"strings"
	"testing"
)

// identityStub answers UserByEmail with err and records the audit rows.
type identityStub struct {
	err   error
	audit []AuditEntry
}

func (s *identityStub) UserByEmail(context.Context, string) (User, error) { return User{}, s.err }
func (s *identityStub) UserKeys(context.Context, int64) ([]UserKey, error) {
	return nil, errors.New("not reached")
}
func (s *identityStub) Actor(context.Context, User, string) (Actor, error) {
	return Actor{}, errors.New("not reached")
}
func (s *identityStub) AppendAudit(_ context.Context, e AuditEntry) (AuditEntry, error) {
	s.audit = append(s.audit, e)
	return e, nil
}

// A claim that fails because Postgres did not answer says so, instead of
// telling the operator the user is not registered.
func TestClaimUserSaysWhenTheUserCouldNotBeRead(t *testing.T) {
	local := LocalActor("ops", "box")
	noProof := func(context.Context, []UserKey) (string, error) { return "", errors.New("not reached") }
	down := &identityStub{err: errors.New("connection refused")}
	_, err := ClaimUser(context.Background(), down, local, "ana@example.com", noProof)
	if err == nil || strings.Contains(err.Error(), "no user") || !strings.Contains(err.Error(), "connection refused") || !errors.Is(err, ErrUnproven) {
		t.Fatalf("with Postgres down the claim said %v; want the read error, not \"no user\"", err)
	}
	missing := &identityStub{err: ErrNotFound}
	_, err = ClaimUser(context.Background(), missing, local, "ana@example.com", noProof)
	if err == nil || !strings.Contains(err.Error(), "no user ana@example.com is registered") {
		t.Fatalf("for an unknown user the claim said %v", err)
	}
	if len(down.audit) != 1 || down.audit[0].Outcome != OutcomeFailed || len(missing.audit) != 1 {
		t.Fatalf("refused claims audited %d and %d times, want once each", len(down.audit), len(missing.audit))
	}
}
