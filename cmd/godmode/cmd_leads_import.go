package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/charmbracelet/x/term"

	"github.com/godmode-console/godmode/forensics/safetext"
	"github.com/godmode-console/godmode/model"
)

// leadsImportHelp is its part of `godmode leads --help`.
const leadsImportHelp = `import   --workspace SLUG [--campaign NAME] [--as-text] [--duplicates merge|skip] [--skip-invalid]
         [--rejects FILE] [--json] FILE.csv|-
         Reads a CSV file of any shape (',' ';' tab or '|' separated, UTF-8 with or without a BOM, or
         latin-1, CRLF or LF) into the workspace's leads: the email and status columns become columns,
         every other column a metadata key. The header is checked against the lead schema of the
         blueprint version the workspace was last provisioned from before any other row is read.
         Duplicates (in the file or among the leads) are merged (the newer value of a key wins, empty
         cells erase nothing) or, with --duplicates skip, the first kept. A column whose every value
         is a number or a boolean lands typed unless --as-text. All or nothing: one failed row and
         nothing lands, unless --skip-invalid. Failed rows go to FILE.rejects.csv beside the file
         (or --rejects FILE) with their line and reason. Over SSH the file is - (standard input) and
         failed rows are only summarised. Owners and admins of the workspace and super admins;
         every attempt is audited.`

// leadsImport is `godmode leads import`.
func leadsImport(ctx context.Context, g *globals, args []string) error {
	fs := g.flags("leads")
	workspace := fs.String("workspace", "", "the `SLUG` of the workspace the leads go into")
	campaign := fs.String("campaign", "", "the `NAME` of the workspace's campaign the leads belong to")
	asText := fs.Bool("as-text", false, "keep every metadata value a string")
	duplicates := fs.String("duplicates", model.LeadsMerge, "`merge` or skip an email seen already")
	skipInvalid := fs.Bool("skip-invalid", false, "land the valid rows when some fail")
	rejectsPath := fs.String("rejects", "", "write the failed rows to `FILE` (default FILE.rejects.csv beside the input)")
	asJSON := fs.Bool("json", false, "print the result as JSON")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	const usage = "usage: godmode leads import --workspace SLUG [--campaign NAME] [--as-text] [--duplicates merge|skip] [--skip-invalid] [--rejects FILE] FILE.csv|-"
	switch {
	case len(pos) != 1:
		return usageError{"say one file (or - for standard input): " + usage}
	case *workspace == "":
		return usageError{"say --workspace SLUG: " + usage}
	case *duplicates != model.LeadsMerge && *duplicates != model.LeadsSkip:
		return usageError{fmt.Sprintf("--duplicates %q: say merge or skip", safetext.Line(*duplicates))}
	case safetext.Line(*campaign) != *campaign:
		return usageError{"--campaign holds control characters"}
	}
	if err := checkSlug("--workspace", *workspace); err != nil {
		return err
	}
	path := pos[0]
	if err := g.localPath("leads import", path); err != nil {
		return err
	}
	if g.remote != nil && *rejectsPath != "" {
		return fmt.Errorf("--rejects %q names a file on the server: over SSH the failed rows are summarised on standard error", safetext.Line(*rejectsPath))
	}
	req := model.LeadImport{Workspace: *workspace, Campaign: *campaign, AsText: *asText, Duplicates: *duplicates, SkipInvalid: *skipInvalid}
	if path == "-" {
		req.Source, req.Name = g.stdin, "stdin"
	} else {
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		if st, err := f.Stat(); err == nil && st.Mode().IsRegular() {
			req.Size = st.Size()
		}
		req.Source, req.Name = f, path
		if *rejectsPath == "" {
			*rejectsPath = strings.TrimSuffix(path, ".csv") + ".rejects.csv"
		}
	}
	var rejects *lazyFile
	if *rejectsPath != "" {
		rejects = &lazyFile{path: *rejectsPath}
		req.Rejects = rejects
		defer rejects.Close()
	}
	if isTerminalOut(g.stderr) {
		bar := &progressBar{w: g.stderr}
		req.Progress = bar.show
	}

	s, console, actor, err := openScript(ctx, g)
	if err != nil {
		return err
	}
	defer s.close()
	res, err := console.ImportLeads(ctx, actor, req)
	if req.Progress != nil {
		fmt.Fprint(g.stderr, "\r\033[K")
	}
	if cerr := rejects.Close(); cerr != nil && err == nil {
		err = cerr
	}
	where := ""
	if rejects.opened() {
		where = fmt.Sprintf("; the failed rows, with their line and reason, are in %s", safetext.Line(rejects.path))
	}
	if err != nil {
		if ctx.Err() != nil {
			return fmt.Errorf("interrupted: nothing landed (%d rows read)", res.Rows)
		}
		if res.Rejected > 0 {
			return fmt.Errorf("%w%s", err, where)
		}
		return err
	}
	if *asJSON {
		return writeJSON(g.stdout, importJSON(res, rejects))
	}
	fmt.Fprintln(g.stdout, safetext.Line(importSummary(res)+where))
	if res.Rejected > 0 && !rejects.opened() {
		for _, r := range res.Rejects[:min(len(res.Rejects), 20)] {
			fmt.Fprintln(g.stderr, safetext.Line(fmt.Sprintf("rejected line %d: %s", r.Line, r.Reason)))
		}
		if res.Rejected > 20 {
			fmt.Fprintf(g.stderr, "… and %d more rejected\n", res.Rejected-20)
		}
	}
	return nil
}

func importSummary(res model.LeadImportResult) string {
	return fmt.Sprintf("imported %d rows into %s: %d inserted, %d updated, %d merged within the file, %d skipped, %d rejected; read as %s; in %s",
		res.Rows, res.Workspace, res.Inserted, res.Updated, res.Merged, res.Skipped, res.Rejected, res.Format, res.Elapsed.Round(time.Millisecond))
}

func importJSON(res model.LeadImportResult, rejects *lazyFile) map[string]any {
	rs := make([]map[string]any, 0, len(res.Rejects))
	for _, r := range res.Rejects {
		rs = append(rs, map[string]any{"line": r.Line, "reason": r.Reason})
	}
	typed := res.Typed
	if typed == nil {
		typed = map[string]string{}
	}
	out := map[string]any{"workspace": res.Workspace, "format": res.Format, "rows": res.Rows, "inserted": res.Inserted,
		"updated": res.Updated, "merged": res.Merged, "skipped": res.Skipped, "rejected": res.Rejected, "rejects": rs,
		"typed": typed, "landed": res.Landed, "seconds": res.Elapsed.Seconds()}
	if rejects.opened() {
		out["rejects_file"] = rejects.path
	}
	return out
}

// lazyFile is the rejects file, created at the first failed row: an
// import without one leaves no empty file behind.
type lazyFile struct {
	path    string
	f       *os.File
	created bool
	err     error
}

func (l *lazyFile) Write(p []byte) (int, error) {
	if !l.created && l.err == nil {
		l.f, l.err = os.OpenFile(l.path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
		l.created = l.err == nil
	}
	if l.err != nil {
		return 0, l.err
	}
	return l.f.Write(p)
}

// opened says the file was created (some row failed).
func (l *lazyFile) opened() bool { return l != nil && l.created }

// Close closes the file once; a nil lazyFile has nothing to close.
func (l *lazyFile) Close() error {
	if l == nil || l.f == nil {
		return nil
	}
	f := l.f
	l.f, l.err = nil, errors.New("the rejects file is closed")
	return f.Close()
}

func isTerminalOut(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(f.Fd())
}

// progressBar draws the import's progress on one line of a terminal.
type progressBar struct {
	w io.Writer
}

func (b *progressBar) show(p model.LeadImportProgress) {
	const width = 30
	line := fmt.Sprintf("%s %d rows", p.Phase, p.Rows)
	if p.Size > 0 {
		frac := min(float64(p.Bytes)/float64(p.Size), 1)
		n := int(frac * width)
		line = fmt.Sprintf("[%s%s] %3.0f%% %s", strings.Repeat("#", n), strings.Repeat("-", width-n), frac*100, line)
	}
	if r := p.RowsPerSecond(); r > 0 {
		line += fmt.Sprintf(", %.0f rows/s", r)
	}
	if eta := p.ETA(); eta > 0 && p.Phase == "reading" {
		line += fmt.Sprintf(", ETA %s", eta.Round(time.Second))
	}
	if p.Rejected > 0 {
		line += fmt.Sprintf(", %d rejected", p.Rejected)
	}
	fmt.Fprintf(b.w, "\r\033[K%s", line)
}
