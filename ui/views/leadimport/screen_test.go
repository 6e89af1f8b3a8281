package leadimport

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/godmode-console/godmode/model"
	"github.com/godmode-console/godmode/themes"
	"github.com/godmode-console/godmode/ui/common"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// fake is the model as the screen sees it: ohio with two campaigns, and an
// import the test steps through (each report it is given, then its end).
type fake struct {
	mu      sync.Mutex
	reqs    []model.LeadImport
	steps   chan model.LeadImportProgress // reports to send, in order, until closed
	result  model.LeadImportResult
	rejects string // written to req.Rejects before the end
	sawCtx  error  // the import's ctx error when it ended
}

func (f *fake) Workspaces(context.Context) ([]model.WorkspaceSummary, error) {
	return []model.WorkspaceSummary{{Workspace: model.Workspace{ID: 7, Slug: "ohio"}}}, nil
}

func (f *fake) Campaigns(_ context.Context, id int64) ([]model.Campaign, error) {
	if id != 7 {
		return nil, errors.New("no such workspace")
	}
	return []model.Campaign{{ID: 1, WorkspaceID: 7, Name: "Spring"}, {ID: 2, WorkspaceID: 7, Name: "Summer"}}, nil
}

func (f *fake) ImportLeads(ctx context.Context, _ model.Actor, req model.LeadImport) (model.LeadImportResult, error) {
	f.mu.Lock()
	f.reqs = append(f.reqs, req)
	steps := f.steps
	f.mu.Unlock()
	if steps == nil {
		return model.LeadImportResult{}, errors.New("refused")
	}
	_, _ = io.Copy(io.Discard, req.Source)
	for {
		select {
		case <-ctx.Done():
			f.mu.Lock()
			f.sawCtx = ctx.Err()
			f.mu.Unlock()
			return model.LeadImportResult{Workspace: req.Workspace}, ctx.Err()
		case p, ok := <-steps:
			if !ok {
				if f.rejects != "" {
					_, _ = io.WriteString(req.Rejects, f.rejects)
				}
				return f.result, nil
			}
			req.Progress(p)
		}
	}
}

func (f *fake) requests() []model.LeadImport {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]model.LeadImport(nil), f.reqs...)
}

// files are the machine's files as the screen opens and creates them.
type files struct {
	mu      sync.Mutex
	opened  []string
	created map[string]*bytes.Buffer
}

func (fs *files) open(path string) (io.ReadCloser, int64, error) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	fs.opened = append(fs.opened, path)
	if path != "/data/leads.csv" {
		return nil, 0, &os.PathError{Op: "open", Path: path, Err: os.ErrNotExist}
	}
	return io.NopCloser(strings.NewReader(strings.Repeat("x", 1000))), 1000, nil
}

func (fs *files) create(path string) (io.WriteCloser, error) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	if fs.created == nil {
		fs.created = map[string]*bytes.Buffer{}
	}
	b := &bytes.Buffer{}
	fs.created[path] = b
	return nopWriteCloser{b}, nil
}

type nopWriteCloser struct{ io.Writer }

func (nopWriteCloser) Close() error { return nil }

// harness runs the screen as Bubble Tea would: commands in goroutines,
// their messages back through Update on the test's goroutine.
type harness struct {
	t    *testing.T
	m    *Model
	msgs chan tea.Msg
	seen []tea.Msg // what reached the root (status lines, back)
}

func newHarness(t *testing.T, b Backend, o Options, w, h int) *harness {
	o.Theme = themes.MustLoad("dark")
	m := New(b, o)
	m.SetSize(w, h)
	return &harness{t: t, m: m, msgs: make(chan tea.Msg, 64)}
}

func (h *harness) do(cmd tea.Cmd) {
	if cmd != nil {
		go func() { h.msgs <- cmd() }()
	}
}

func (h *harness) handle(msg tea.Msg) {
	switch msg := msg.(type) {
	case nil:
	case tea.BatchMsg:
		for _, c := range msg {
			h.do(c)
		}
	case spinner.TickMsg: // no animation: frames would make screens differ
	case common.StatusMsg, common.BackMsg:
		h.seen = append(h.seen, msg)
	default:
		h.do(h.m.Update(msg))
	}
}

// settle handles messages until none comes for a moment.
func (h *harness) settle() {
	for {
		select {
		case msg := <-h.msgs:
			h.handle(msg)
		case <-time.After(80 * time.Millisecond):
			return
		}
	}
}

// until handles messages until the screen shows want.
func (h *harness) until(want string) string {
	h.t.Helper()
	deadline := time.After(5 * time.Second)
	for {
		if s := plain(h.m.View()); strings.Contains(s, want) {
			return s
		}
		select {
		case msg := <-h.msgs:
			h.handle(msg)
		case <-deadline:
			h.t.Fatalf("the screen never showed %q:\n%s", want, plain(h.m.View()))
		}
	}
}

func (h *harness) keys(ks ...string) {
	for _, k := range ks {
		var msg tea.KeyPressMsg
		switch k {
		case "enter":
			msg = tea.KeyPressMsg{Code: tea.KeyEnter}
		case "esc":
			msg = tea.KeyPressMsg{Code: tea.KeyEscape}
		case "down":
			msg = tea.KeyPressMsg{Code: tea.KeyDown}
		case "left":
			msg = tea.KeyPressMsg{Code: tea.KeyLeft}
		case "ctrl+c":
			msg = tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl}
		default:
			for _, r := range k {
				h.do(h.m.Update(tea.KeyPressMsg{Code: r, Text: string(r)}))
				h.settle()
			}
			continue
		}
		h.do(h.m.Update(msg))
		h.settle()
	}
}

func (h *harness) status() string {
	for i := len(h.seen) - 1; i >= 0; i-- {
		if st, ok := h.seen[i].(common.StatusMsg); ok {
			return st.Text
		}
	}
	return ""
}

func plain(s string) string { return ansi.Strip(s) }

// golden compares the screen with testdata/NAME.golden (go test -update
// rewrites it), as text: what a person reads.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (go test -update writes it)", err)
	}
	if string(want) != got {
		t.Errorf("the screen differs from %s:\n--- golden\n%s\n--- now\n%s", path, want, got)
	}
}

var sizes = []struct {
	name string
	w, h int
}{{"80x24", 80, 24}, {"200x60", 200, 60}}

// The form lists the workspace's campaigns (and none), then runs the
// import it describes: a progress bar with rows per second and an ETA
// while the file is read, a spinner while it merges, and the result page
// with the counts, the format, the typed keys, the first rejects by line
// and where the rejects file went (next to the source).
func TestImportFromTheFormToTheResult(t *testing.T) {
	for _, sz := range sizes {
		t.Run(sz.name, func(t *testing.T) {
			f := &fake{steps: make(chan model.LeadImportProgress), rejects: "line,reason,email\n12,invalid email,bob@\n",
				result: model.LeadImportResult{Workspace: "ohio", Format: "UTF-8, ';'-separated, CRLF line ends, header on line 1",
					Rows: 480, Inserted: 400, Updated: 60, Merged: 15, Rejected: 5, Landed: true, Elapsed: 2500 * time.Millisecond,
					Typed:   map[string]string{"score": "number", "opted_in": "boolean"},
					Rejects: []model.LeadReject{{Line: 12, Reason: `invalid email "bob@"`}, {Line: 40, Reason: "empty email"}}}}
			fs := &files{}
			h := newHarness(t, f, Options{Actor: model.Actor{SuperAdmin: true}, OpenFile: fs.open, CreateFile: fs.create}, sz.w, sz.h)
			h.do(h.m.Open(Request{Workspace: "ohio"}))
			form := h.until("Summer")
			for _, want := range []string{"Import leads into ohio", "CSV file on this machine", "none", "Spring", "Duplicates"} {
				if !strings.Contains(form, want) {
					t.Errorf("the form lacks %q", want)
				}
			}
			golden(t, "form-"+sz.name, form)

			// A path that is no file is refused in the form.
			h.keys("/nope.csv", "enter")
			if s := plain(h.m.View()); !strings.Contains(s, "cannot read /nope.csv") {
				t.Errorf("a missing file is not refused in the form:\n%s", s)
			}
			for range len("/nope.csv") {
				h.do(h.m.Update(tea.KeyPressMsg{Code: tea.KeyBackspace}))
				h.settle()
			}
			// The path, campaign Spring, skip duplicates, skip invalid rows, typed.
			h.keys("/data/leads.csv", "enter", "down", "enter", "down", "enter", "left", "enter", "enter")
			h.until("rows")
			f.steps <- model.LeadImportProgress{Phase: "reading", Rows: 480, Rejected: 3, Bytes: 480, Size: 1000, Elapsed: 2 * time.Second}
			reading := h.until("480 rows")
			for _, want := range []string{"leads.csv → ohio, campaign Spring", "48%", "240 rows/s", "ETA 2s", "3 rejected", "esc or ctrl+c cancels"} {
				if !strings.Contains(reading, want) {
					t.Errorf("the progress lacks %q:\n%s", want, reading)
				}
			}
			golden(t, "progress-"+sz.name, reading)
			f.steps <- model.LeadImportProgress{Phase: "merging", Rows: 1000, Bytes: 1000, Size: 1000, Elapsed: 4 * time.Second}
			h.until("merging into ohio's leads")
			close(f.steps)
			result := h.until("landed in ohio")
			for _, want := range []string{"read as UTF-8, ';'-separated", "480 rows read in 2s", "400 new · 60 updated · 15 merged within the file · 0 skipped · 5 rejected",
				"typed keys: opted_in (boolean), score (number)", `line 12: invalid email "bob@"`, "line 40: empty email", "… and 3 more",
				"rejects written to /data/leads.rejects.csv"} {
				if !strings.Contains(result, want) {
					t.Errorf("the result lacks %q", want)
				}
			}
			golden(t, "result-"+sz.name, result)
			h.settle()
			if got := h.status(); got != "imported leads.csv into ohio: 400 new, 60 merged" {
				t.Errorf("status line %q", got)
			}
			reqs := f.requests()
			if len(reqs) != 1 {
				t.Fatalf("%d imports, want 1", len(reqs))
			}
			r := reqs[0]
			if r.Workspace != "ohio" || r.Campaign != "Spring" || r.Name != "leads.csv" || r.Size != 1000 ||
				r.Duplicates != model.LeadsSkip || !r.SkipInvalid || r.AsText {
				t.Errorf("the import asked: %+v", r)
			}
			if b := fs.created["/data/leads.rejects.csv"]; b == nil || b.String() != f.rejects {
				t.Errorf("the rejects file: %v", fs.created)
			}
		})
	}
}

// esc, or ctrl+c, while the import runs cancels it: the model's context
// ends, and the screen says nothing landed.
func TestCancellingTheImport(t *testing.T) {
	for _, k := range []string{"esc", "ctrl+c"} {
		t.Run(k, func(t *testing.T) {
			f := &fake{steps: make(chan model.LeadImportProgress)}
			fs := &files{}
			h := newHarness(t, f, Options{Actor: model.Actor{SuperAdmin: true}, OpenFile: fs.open, CreateFile: fs.create}, 80, 24)
			h.do(h.m.Open(Request{Workspace: "ohio"}))
			h.until("Summer")
			h.m.choice = choices{Path: "/data/leads.csv", Campaign: noCampaign, Duplicates: model.LeadsMerge}
			h.do(h.m.begin())
			f.steps <- model.LeadImportProgress{Phase: "reading", Rows: 10, Bytes: 100, Size: 1000, Elapsed: time.Second}
			h.until("10 rows")
			if !h.m.Busy() || !h.m.Capturing() {
				t.Fatal("a running import does not hold ctrl+c and esc")
			}
			h.keys(k)
			s := h.until("interrupted: nothing landed")
			if strings.Contains(s, "landed in ohio") {
				t.Errorf("a cancelled import reads as landed:\n%s", s)
			}
			f.mu.Lock()
			saw := f.sawCtx
			f.mu.Unlock()
			if !errors.Is(saw, context.Canceled) {
				t.Errorf("the import's context ended with %v, want cancelled", saw)
			}
			h.settle()
			if got := h.status(); got != "interrupted: nothing landed in ohio" {
				t.Errorf("status line %q", got)
			}
			if len(fs.created) != 0 {
				t.Errorf("an import without rejects left files: %v", fs.created)
			}
			if h.m.Busy() {
				t.Error("still busy after the end")
			}
		})
	}
}

// All or nothing with a failed row: the result page says nothing landed
// and how to land the rest.
func TestAnImportWithFailedRowsSaysNothingLanded(t *testing.T) {
	f := &fake{steps: make(chan model.LeadImportProgress), result: model.LeadImportResult{Workspace: "ohio", Rows: 3, Rejected: 1,
		Rejects: []model.LeadReject{{Line: 3, Reason: "invalid email"}}}}
	close(f.steps)
	fs := &files{}
	h := newHarness(t, f, Options{Actor: model.Actor{SuperAdmin: true}, OpenFile: fs.open, CreateFile: fs.create}, 80, 24)
	h.do(h.m.Open(Request{Workspace: "ohio"}))
	h.until("Summer")
	h.m.choice = choices{Path: "/data/leads.csv", Campaign: noCampaign, Duplicates: model.LeadsMerge}
	h.do(h.m.begin())
	s := h.until("nothing landed: 1 row(s) failed")
	if !strings.Contains(s, `import again with "skip invalid rows"`) || !strings.Contains(s, "line 3: invalid email") {
		t.Errorf("the result page:\n%s", s)
	}
}

// A read-only session is refused before any form, and the model is asked
// anyway so the refusal is on the record.
func TestReadOnlySessionIsRefused(t *testing.T) {
	f := &fake{}
	fs := &files{}
	h := newHarness(t, f, Options{Actor: model.Actor{SuperAdmin: true}, ReadOnly: true, OpenFile: fs.open}, 80, 24)
	h.do(h.m.Open(Request{Workspace: "ohio"}))
	s := h.until("read-only session: importing is off")
	h.settle()
	if strings.Contains(s, "CSV file") || h.m.Capturing() {
		t.Errorf("a read-only session shows the form:\n%s", s)
	}
	if reqs := f.requests(); len(reqs) != 1 || reqs[0].Workspace != "ohio" {
		t.Errorf("the refusal did not reach the model: %+v", reqs)
	}
	if len(fs.opened) != 0 {
		t.Errorf("a refused import opened %v", fs.opened)
	}
}

// A viewer may not import: refused, and on the record.
func TestAViewerIsRefused(t *testing.T) {
	f := &fake{}
	viewer := model.Actor{Name: "vic", Roles: map[int64]model.Role{7: model.RoleViewer}}
	h := newHarness(t, f, Options{Actor: viewer}, 80, 24)
	h.do(h.m.Open(Request{Workspace: "ohio"}))
	h.until("needs an owner's or an admin's")
	h.settle()
	if len(f.requests()) != 1 {
		t.Errorf("the refusal did not reach the model: %d requests", len(f.requests()))
	}
}

// Over SSH a path would be the server's: the screen says what to run on
// one's own machine instead, and opens nothing.
func TestOverSSHTheScreenSaysToPipeTheFile(t *testing.T) {
	for _, sz := range sizes {
		t.Run(sz.name, func(t *testing.T) {
			f := &fake{}
			fs := &files{}
			h := newHarness(t, f, Options{Actor: model.Actor{SuperAdmin: true}, NoHostFiles: "over SSH", OpenFile: fs.open}, sz.w, sz.h)
			h.do(h.m.Open(Request{Workspace: "ohio"}))
			s := h.until("ssh HOST leads import --workspace ohio - < FILE.csv")
			golden(t, "ssh-"+sz.name, s)
			if len(f.requests()) != 0 || len(fs.opened) != 0 || h.m.Capturing() {
				t.Errorf("over SSH: %d imports, opened %v, capturing %v", len(f.requests()), fs.opened, h.m.Capturing())
			}
		})
	}
}

func TestRejectsGoNextToTheSource(t *testing.T) {
	for src, want := range map[string]string{"/d/leads.csv": "/d/leads.rejects.csv", "/d/export": "/d/export.rejects.csv", "/d/a.b.CSV": "/d/a.b.rejects.csv"} {
		if got := RejectsPath(src); got != want {
			t.Errorf("RejectsPath(%q) = %q, want %q", src, got, want)
		}
	}
}
