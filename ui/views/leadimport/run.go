package leadimport

import (
	"context"
	"io"
	"path/filepath"
	"sync"

	tea "charm.land/bubbletea/v2"

	"github.com/godmode-console/godmode/model"
)

// ProgressMsg is where the import of run Seq stands.
type ProgressMsg struct {
	Seq      int
	Progress model.LeadImportProgress
}

// DoneMsg is the import's end: its result, or why it failed.
type DoneMsg struct {
	Seq     int
	Result  model.LeadImportResult
	Err     error
	Rejects string // the rejects file written ("" when none was)
}

// listened is a progress report and the wait for the next one.
type listened struct {
	msg  ProgressMsg
	next tea.Cmd
}

// start runs the import in its own goroutine; its progress comes back as
// ProgressMsg (a slow screen misses a report, never the import), then a
// DoneMsg.
func (s *Model) start(ctx context.Context, req model.LeadImport, src io.ReadCloser, rejectsPath string) tea.Cmd {
	events := make(chan model.LeadImportProgress, 16)
	done := make(chan DoneMsg, 1)
	rej := &lazyFile{path: rejectsPath, create: s.create}
	req.Rejects = rej
	req.Progress = func(p model.LeadImportProgress) {
		select {
		case events <- p:
		default:
		}
	}
	b, actor, seq := s.backend, s.actor, s.seq
	go func() {
		res, err := b.ImportLeads(ctx, actor, req)
		src.Close()
		written := rej.close()
		if werr := rej.failed(); werr != nil && err == nil {
			err = werr
		}
		done <- DoneMsg{Seq: seq, Result: res, Err: err, Rejects: written}
	}()
	return listen(seq, events, done)
}

// listen answers the import's next report, or its end (after the reports
// already sent, which add nothing to it).
func listen(seq int, events <-chan model.LeadImportProgress, done <-chan DoneMsg) tea.Cmd {
	return func() tea.Msg {
		select {
		case p := <-events:
			return listened{ProgressMsg{Seq: seq, Progress: p}, listen(seq, events, done)}
		case d := <-done:
			return d
		}
	}
}

// lazyFile is the rejects file, created at the first rejected row, so an
// import without rejects leaves no empty file behind.
type lazyFile struct {
	path   string
	create func(string) (io.WriteCloser, error)

	mu  sync.Mutex
	f   io.WriteCloser
	err error
}

func (l *lazyFile) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.err != nil {
		return 0, l.err
	}
	if l.f == nil {
		if l.f, l.err = l.create(l.path); l.err != nil {
			l.f = nil
			l.err = &rejectsError{path: l.path, err: l.err}
			return 0, l.err
		}
	}
	n, err := l.f.Write(p)
	if err != nil {
		l.err = &rejectsError{path: l.path, err: err}
	}
	return n, l.err
}

// close closes the file and returns its path, "" when none was written.
func (l *lazyFile) close() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.f == nil {
		return ""
	}
	if err := l.f.Close(); err != nil && l.err == nil {
		l.err = &rejectsError{path: l.path, err: err}
	}
	return l.path
}

func (l *lazyFile) failed() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.err
}

// rejectsError says the rejects could not be written, and where.
type rejectsError struct {
	path string
	err  error
}

func (e *rejectsError) Error() string {
	return "writing the rejects to " + filepath.Base(e.path) + ": " + pathProblem(e.err)
}
func (e *rejectsError) Unwrap() error { return e.err }
