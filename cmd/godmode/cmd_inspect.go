package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	fx "github.com/godmode-console/godmode/forensics"
	"github.com/godmode-console/godmode/model"
	"github.com/godmode-console/godmode/n8n"
	"github.com/godmode-console/godmode/themes"
	fxview "github.com/godmode-console/godmode/ui/views/forensics"
)

// runInspect is `godmode inspect ID|FILE.json`: the forensics screen on
// one execution, or with --summary / --json its timeline and first failure
// printed for scripts and pipes.
func runInspect(ctx context.Context, g *globals, args []string) error {
	fs := g.flags("inspect")
	summary := fs.Bool("summary", false, "print the timeline and the first failed node with its error as text, and exit")
	asJSON := fs.Bool("json", false, "print the same summary as one JSON object, and exit")
	instance := fs.String("instance", "", "the n8n instance `NAME` that holds the execution (default: the only one registered)")
	maxBytes := byteSize(fx.DefaultMaxBytes)
	fs.Var(&maxBytes, "max-bytes", "refuse an execution bigger than `SIZE` after decompression (e.g. 512MB, 2GB)")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return fmt.Errorf("say which execution: godmode inspect ID|FILE.json (got %d arguments)", len(pos))
	}
	if *summary && *asJSON {
		return errors.New("--summary and --json are two formats of the same report: choose one")
	}
	what := pos[0]
	if what == "-" {
		if !*summary && !*asJSON {
			return errors.New("inspect - reads the execution from standard input, which then cannot be the console's keyboard: say --summary or --json")
		}
		return inspectStdin(g, int64(maxBytes), *asJSON)
	}
	if !isExecutionID(what) {
		if err := g.localPath("execution file", what); err != nil {
			return err
		}
	}
	file := isExecutionFile(what)
	if file && *instance != "" {
		return fmt.Errorf("--instance is for execution ids; %s is a file", what)
	}
	if !file && !isExecutionID(what) {
		return fmt.Errorf("%q is neither a file (FILE.json or FILE.json.gz) nor an n8n execution id (digits)", what)
	}
	if *instance != "" && model.CheckInstanceName(*instance) != nil {
		return fmt.Errorf("--instance %q is not an n8n instance name (lowercase letters, digits, dots, dashes and underscores, as godmode instances list shows them)", *instance)
	}
	if !*summary && !*asJSON {
		if err := g.needTerminal(); err != nil {
			return fmt.Errorf("%w: godmode inspect --summary (or --json) %s", err, what)
		}
	}
	if file {
		return inspectFile(ctx, g, what, int64(maxBytes), *summary, *asJSON)
	}
	return inspectID(ctx, g, what, *instance, int64(maxBytes), *summary, *asJSON)
}

func isExecutionFile(s string) bool {
	if strings.HasSuffix(s, ".json") || strings.HasSuffix(s, ".json.gz") {
		return true
	}
	st, err := os.Stat(s)
	return err == nil && !st.IsDir()
}

func isExecutionID(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// inspectFile needs no database: the file is the whole execution. The
// read is capped and stops on SIGINT/SIGTERM (ctx), so a gzip bomb or
// `inspect <(cat /dev/zero)` is refused, not fed to the kernel's OOM
// killer.
func inspectFile(ctx context.Context, g *globals, path string, limit int64, summary, asJSON bool) error {
	e, err := fx.OpenFileContext(ctx, path, limit)
	if err != nil {
		err = explainRead(ctx, err)
		if !strings.Contains(err.Error(), path) { // the error names it once
			err = fmt.Errorf("%s: %w", path, err)
		}
		return err
	}
	if summary || asJSON {
		return printSummary(g.stdout, e, asJSON)
	}
	th, err := themes.Load(themeFromEnv(), "")
	if err != nil {
		return err
	}
	m := fxview.New(nil, fxview.Options{Theme: th, Now: time.Now})
	m.Show(fxview.Source{File: path}, fxview.PrepareExecution(e))
	return runProgram(ctx, g, fxview.NewStandalone(m, nil))
}

// inspectID finds the execution on the configured n8n, checks the local
// actor may read it (before its data is fetched) and shows it.
func inspectID(ctx context.Context, g *globals, id, instance string, limit int64, summary, asJSON bool) error {
	s, actor, err := g.openAs(ctx)
	if err != nil {
		return err
	}
	defer s.close()
	dial := func(base, key string) model.N8n { return n8n.New(base, key, n8n.WithMaxExecutionBytes(limit)) }
	console := model.NewConsole(s.store, dial, model.ConsoleOptions{Context: s.cfg.Name})
	target, raw, err := console.InspectExecution(ctx, actor, instance, id)
	if err != nil {
		return explainRead(ctx, err)
	}
	if summary || asJSON {
		e, err := fx.Open(raw)
		if err != nil {
			return fmt.Errorf("execution %s from %s: %w", id, target.Instance, err)
		}
		return printSummary(g.stdout, e, asJSON)
	}
	th, err := themes.Load(s.cfg.themeName(), s.cfg.ThemeFile)
	if err != nil {
		return err
	}
	// Retry needs a campaign (the screen says so when there is none);
	// linked executions are opened on the same instance either way.
	m := fxview.New(console, fxview.Options{Actor: actor, Theme: th, Now: time.Now})
	src := fxview.Source{CampaignID: target.CampaignID, Campaign: target.Campaign, Workspace: target.Workspace, WorkspaceID: target.WorkspaceID,
		InstanceID: target.InstanceID}
	return runProgram(ctx, g, fxview.NewStandalone(m, m.OpenBytes(src, id, raw)))
}

// inspectStdin summarises an execution piped in as JSON (how a file
// reaches godmode over SSH), capped as a file is.
func inspectStdin(g *globals, limit int64, asJSON bool) error {
	raw, err := io.ReadAll(io.LimitReader(g.stdin, limit+1))
	if err != nil {
		return fmt.Errorf("standard input: %w", err)
	}
	if int64(len(raw)) > limit {
		return explainRead(context.Background(), &fx.TooBigError{Name: "standard input", Limit: limit})
	}
	e, err := fx.Open(raw)
	if err != nil {
		return fmt.Errorf("standard input: %w", err)
	}
	return printSummary(g.stdout, e, asJSON)
}

// explainRead says how to read a refused big execution anyway, and that an
// interrupted read was interrupted.
func explainRead(ctx context.Context, err error) error {
	var tb *fx.TooBigError
	if errors.As(err, &tb) || errors.Is(err, n8n.ErrTooLarge) {
		return fmt.Errorf("%w; raise --max-bytes to read it", err)
	}
	if ctx.Err() != nil && errors.Is(err, ctx.Err()) {
		return fmt.Errorf("interrupted: %w", err)
	}
	return err
}

// byteSize is a flag of a size in bytes, with an optional KB, MB or GB.
type byteSize int64

func (b *byteSize) String() string { return fx.Size(int64(*b)) }

func (b *byteSize) Set(s string) error {
	t := strings.ToUpper(strings.TrimSpace(s))
	mult := int64(1)
	for _, u := range []struct {
		suffix string
		mult   int64
	}{{"GB", 1 << 30}, {"MB", 1 << 20}, {"KB", 1 << 10}, {"G", 1 << 30}, {"M", 1 << 20}, {"K", 1 << 10}, {"B", 1}} {
		if strings.HasSuffix(t, u.suffix) {
			t, mult = strings.TrimSpace(strings.TrimSuffix(t, u.suffix)), u.mult
			break
		}
	}
	n, err := strconv.ParseInt(t, 10, 64)
	if err != nil || n <= 0 || n > (1<<62)/mult {
		return fmt.Errorf("%q is not a size (e.g. 512MB, 2GB, or bytes)", s)
	}
	*b = byteSize(n * mult)
	return nil
}

func printSummary(w io.Writer, e *fx.Execution, asJSON bool) error {
	if asJSON {
		return fx.WriteSummaryJSON(w, e)
	}
	return fx.WriteSummary(w, e)
}

func themeFromEnv() string {
	if t := os.Getenv(envTheme); t != "" {
		return t
	}
	return themes.Default
}
