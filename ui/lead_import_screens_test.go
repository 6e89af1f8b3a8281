package ui

import (
	"context"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/godmode-console/godmode/model"
	"github.com/godmode-console/godmode/ui/uitest"
	"github.com/godmode-console/godmode/ui/views/fleet"
	"github.com/godmode-console/godmode/ui/views/leadimport"
)

// importingBackend is the fleet's model with an import that runs until it
// is cancelled (the import itself is the model's, tested there).
type importingBackend struct {
	*uitest.Backend
	started chan model.LeadImport
	ended   chan error
}

func (b *importingBackend) ImportLeads(ctx context.Context, _ model.Actor, req model.LeadImport) (model.LeadImportResult, error) {
	_, _ = io.Copy(io.Discard, req.Source)
	b.started <- req
	<-ctx.Done()
	b.ended <- ctx.Err()
	return model.LeadImportResult{Workspace: req.Workspace}, ctx.Err()
}

// i on a workspace and :import SLUG open the import screen on it; over
// SSH it says to pipe the file; ctrl+c while an import runs cancels it
// and leaves the console open.
func TestImportScreenOpensFromTheFleetAndCtrlCCancelsTheImport(t *testing.T) {
	t.Parallel()
	if fleet.ImportLeadsScreen != leadimport.Screen {
		t.Fatalf("i opens %q, the screen is registered as %q", fleet.ImportLeadsScreen, leadimport.Screen)
	}
	f := uitest.New(t, uitest.Options{Workspaces: 5})
	b := &importingBackend{Backend: f.AsSuper(), started: make(chan model.LeadImport, 1), ended: make(chan error, 1)}
	r := newRootOn(b, b.Actor(), Options{})
	sized(r, 120, 40)
	deliver(r, r.Init())
	deliver(r, r.Fleet().SelectWorkspace(f.Workspace("ohio").ID))
	mustContain(t, plain(r.footer()), "i import leads")
	keys(r, "i")
	if r.topID() != leadimport.Screen {
		t.Fatalf("i opened %q", r.topID())
	}
	mustContain(t, plain(r.Render()), "Import leads into ohio", "CSV file on this machine", "Email 1", "Reply Tracker")
	keys(r, "esc")
	if r.topID() != "fleet" {
		t.Fatalf("esc on the form left %q in front", r.topID())
	}
	keys(r, ":import kentucky", "enter")
	mustContain(t, plain(r.Render()), "Import leads into kentucky")

	// The import runs: ctrl+c stops it, and the console stays.
	file := t.TempDir() + "/leads.csv"
	if err := os.WriteFile(file, []byte("email\na@kentucky.example\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, cmd := r.Update(tea.PasteMsg{Content: file}) // typing it key by key waits out the cursor's blink each time
	deliver(r, cmd)
	mustContain(t, plain(r.Render()), "leads.csv")
	keys(r, "enter", "enter", "enter", "enter")
	_, cmd = r.Update(tea.KeyPressMsg{Code: tea.KeyEnter})
	deliver(r, cmd) // its wait for the import's end is dropped after deliverWait: the import goes on
	var req model.LeadImport
	select {
	case req = <-b.started:
	case <-time.After(5 * time.Second):
		t.Fatalf("the import did not start:\n%s", plain(r.Render()))
	}
	if req.Workspace != "kentucky" || req.Name != "leads.csv" || req.Size == 0 {
		t.Errorf("the import asked %+v", req)
	}
	_, cmd = r.Update(tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl})
	if cmd != nil {
		if _, quit := cmd().(tea.QuitMsg); quit {
			t.Fatal("ctrl+c during an import quit the console")
		}
	}
	select {
	case err := <-b.ended:
		if err != context.Canceled {
			t.Errorf("the import ended with %v, want cancelled", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("ctrl+c did not cancel the import")
	}
}

// A read-only session does not offer i or :import, and says why when they
// are tried anyway.
func TestImportIsHiddenInAReadOnlySession(t *testing.T) {
	t.Parallel()
	f := uitest.New(t, uitest.Options{Workspaces: 5, ReadOnly: true})
	b := f.AsSuper()
	r := newRoot(b, Options{ReadOnly: true})
	sized(r, 120, 40)
	deliver(r, r.Init())
	deliver(r, r.Fleet().SelectWorkspace(f.Workspace("ohio").ID))
	if strings.Contains(plain(r.footer()), "import leads") {
		t.Error("a read-only session offers i")
	}
	keys(r, "i")
	if r.topID() != "fleet" || !strings.Contains(r.Status().Text, "read-only") {
		t.Errorf("i in a read-only session: screen %q, status %+v", r.topID(), r.Status())
	}
	keys(r, ":import ohio", "enter")
	if r.topID() != "fleet" || !strings.Contains(r.Status().Text, "read-only") {
		t.Errorf(":import in a read-only session: screen %q, status %+v", r.topID(), r.Status())
	}
}

// A served session (one that may not read the host's files) gets the
// command to pipe the file instead of the form.
func TestImportOverSSHSaysToPipeTheFile(t *testing.T) {
	t.Parallel()
	f := uitest.New(t, uitest.Options{Workspaces: 5})
	b := f.AsSuper()
	b.RefuseHostFiles("importing files is off over SSH")
	r := newRoot(b, Options{})
	sized(r, 120, 40)
	deliver(r, r.Init())
	keys(r, ":import ohio", "enter")
	s := plain(r.Render())
	mustContain(t, s, "ssh HOST leads import --workspace ohio - < FILE.csv")
	if strings.Contains(s, "CSV file on this machine") {
		t.Errorf("a served session is offered a path on the server:\n%s", s)
	}
}
