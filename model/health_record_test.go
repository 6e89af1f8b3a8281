package model_test

import (
	"testing"
)

// A console's calls to n8n write the instance's health only when it
// changed (or every ConsoleHealthEvery): each write NOTIFYs every session,
// and each session answers a change set by calling n8n again.
func TestConsoleCallsWriteAnUnchangedHealthOnlyNowAndThen(t *testing.T) {
	w := newWorld(t)
	camp := w.campaign("Email-1", true)
	checked := func() (bool, string) {
		t.Helper()
		in, err := w.store.Instance(w.ctx, *w.ws.InstanceID)
		if err != nil {
			t.Fatal(err)
		}
		if in.LastCheckedAt == nil || in.Healthy == nil {
			return false, "never"
		}
		return *in.Healthy, in.LastCheckedAt.String()
	}
	s := w.console.As(w.super)
	if _, err := s.Executions(w.ctx, camp.ID, ""); err != nil {
		t.Fatal(err)
	}
	up, first := checked()
	if !up || first == "never" {
		t.Fatalf("after the first call the instance reads healthy=%v checked %s", up, first)
	}
	for _, status := range []string{"error", "success", "waiting"} { // other lists: n8n is asked again
		if _, err := s.Executions(w.ctx, camp.ID, status); err != nil {
			t.Fatal(err)
		}
	}
	if up, again := checked(); !up || again != first {
		t.Errorf("three more calls rewrote the unchanged health (checked %s, then %s): each write makes every session poll", first, again)
	}
	w.n8n.CloseNext(10)
	if _, err := s.Executions(w.ctx, camp.ID, "running"); err == nil {
		t.Fatal("a call to an instance that closes every connection succeeded")
	}
	if up, _ := checked(); up {
		t.Error("the instance still reads healthy after a failed call: a change of health must be written at once")
	}
}
