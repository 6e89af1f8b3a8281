package model_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"

	"github.com/godmode-console/godmode/model"
)

// TestVerifyAuditIsForSuperAdminsAndAudited: a workspace member is
// refused before anything is read, and both attempts leave a row.
func TestVerifyAuditIsForSuperAdminsAndAudited(t *testing.T) {
	w := newWorld(t)
	if _, err := model.VerifyAudit(w.ctx, w.store, w.member); !errors.Is(err, model.ErrForbidden) {
		t.Fatalf("a member verifying the audit chain: %v, want forbidden", err)
	}
	rep, err := model.VerifyAudit(w.ctx, w.store, w.super)
	if err != nil || rep.Break != nil || rep.Rows != 1 || len(rep.HeadHash) != 64 {
		t.Fatalf("a super admin: %+v, %v", rep, err)
	}
	rows := w.auditRows(string(model.ActionVerifyAudit))
	if len(rows) != 2 {
		t.Fatalf("%d audit rows for verify, want the refused and the done one", len(rows))
	}
	ok, refused := rows[0], rows[1] // newest first
	if refused.Outcome != model.OutcomeFailed || refused.ActorName != "member@example.com" || refused.Error == "" {
		t.Errorf("the refused attempt: %+v", refused)
	}
	if ok.Outcome != model.OutcomeOK || ok.ActorName != "root@example.com" {
		t.Errorf("the done attempt: %+v", ok)
	}
}

// TestRunAuditedRefusesWithoutRunning: the migrate path's authorisation.
func TestRunAuditedRefusesWithoutRunning(t *testing.T) {
	w := newWorld(t)
	ran := false
	err := model.RunAudited(w.ctx, w.store, w.viewer, model.ActionMigrate, json.RawMessage(`{"action":"up"}`),
		func(context.Context) (json.RawMessage, error) { ran = true; return nil, nil })
	if !errors.Is(err, model.ErrForbidden) || ran {
		t.Fatalf("a viewer migrating: %v, ran %v", err, ran)
	}
	rows := w.auditRows(string(model.ActionMigrate))
	if len(rows) != 1 || rows[0].Outcome != model.OutcomeFailed || rows[0].ActorName != "viewer@example.com" {
		t.Fatalf("audit rows of the refusal: %+v", rows)
	}
}
