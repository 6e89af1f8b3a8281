package model_test

import (
	"errors"
	"testing"

	"github.com/godmode-console/godmode/model"
)

// A retry the console refused at the key press is recorded by the model,
// which decides again; one it would allow records nothing (Retry will).
func TestMayRetryRecordsARefusal(t *testing.T) {
	w := newWorld(t)
	c := w.campaign("Email 1", true)
	if err := w.console.MayRetry(w.ctx, w.viewer, c.ID, "42"); !errors.Is(err, model.ErrForbidden) {
		t.Fatalf("a viewer may retry? %v", err)
	}
	rows := w.auditRows("retry")
	if len(rows) != 1 || rows[0].Outcome != model.OutcomeFailed || rows[0].ActorName != w.viewer.Name {
		t.Fatalf("want one failed retry row for the viewer: %+v", rows)
	}
	if err := w.console.MayRetry(w.ctx, w.super, c.ID, "42"); err != nil {
		t.Fatalf("a super admin may not retry: %v", err)
	}
	if n := len(w.auditRows("retry")); n != 1 {
		t.Errorf("an allowed check wrote a row: %d rows", n)
	}
	ro := model.NewConsole(w.store, dial(), model.ConsoleOptions{ReadOnly: true})
	if err := ro.MayRetry(w.ctx, w.super, c.ID, "42"); !errors.Is(err, model.ErrForbidden) {
		t.Errorf("a read-only session may retry? %v", err)
	}
	if n := len(w.auditRows("retry")); n != 2 {
		t.Errorf("the read-only refusal is not on the record: %d rows", n)
	}
}
