// Package leadimport is the console's import screen: a form (a CSV file
// on the machine godmode runs on, the campaign, what to do with
// duplicates and invalid rows), then the import itself with a progress
// bar, rows per second and an ETA, cancellable, then its result. The
// import is the model's (Backend.ImportLeads); the screen only opens the
// file, shows what the model reports and writes the rejects it hands back
// next to the source.
package leadimport

import (
	"context"
	"io"
	"os"
	"time"

	"github.com/godmode-console/godmode/model"
	"github.com/godmode-console/godmode/themes"
)

// Screen is the id the console registers the screen under (the fleet's i
// and :import open it).
const Screen = "leads.import"

// Backend is what the screen asks of the model, always from a tea.Cmd.
type Backend interface {
	Workspaces(ctx context.Context) ([]model.WorkspaceSummary, error)
	Campaigns(ctx context.Context, workspaceID int64) ([]model.Campaign, error)
	ImportLeads(ctx context.Context, actor model.Actor, req model.LeadImport) (model.LeadImportResult, error)
}

// Request opens the screen on a workspace, by slug.
type Request struct{ Workspace string }

// ReadTimeout bounds the form's reads (Postgres only).
var ReadTimeout = 10 * time.Second

// ImportTimeout bounds one import: a million rows take well under a
// minute; an import still running after this is cut off, and nothing of
// it lands.
var ImportTimeout = time.Hour

// Options build the screen.
type Options struct {
	Actor    model.Actor
	ReadOnly bool
	Theme    *themes.Theme
	// NoHostFiles, when set, is why this session may not read files on
	// the host (an SSH session): the screen says how to import instead.
	NoHostFiles string
	// OpenFile opens the source (os.Open by default; tests give files of
	// their own) and CreateFile the rejects file (os.Create by default).
	OpenFile   func(path string) (io.ReadCloser, int64, error)
	CreateFile func(path string) (io.WriteCloser, error)
	Now        func() time.Time
}

func openFile(path string) (io.ReadCloser, int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, 0, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, 0, err
	}
	if !st.Mode().IsRegular() {
		f.Close()
		return nil, 0, &os.PathError{Op: "open", Path: path, Err: errNotAFile}
	}
	return f, st.Size(), nil
}

func createFile(path string) (io.WriteCloser, error) {
	return os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
}
