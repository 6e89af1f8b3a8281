package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"
	"time"

	fx "github.com/godmode-console/godmode/forensics"
	"github.com/godmode-console/godmode/model"
	"github.com/godmode-console/godmode/themes"
	fxview "github.com/godmode-console/godmode/ui/views/forensics"
)

// instanceNamePattern is the schema's rule for an instance name
// (n8n_instances_name_check), checked before connecting.
var instanceNamePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9_.-]{0,62}$`)

// runInspect is `godmode inspect ID|FILE.json`: the forensics screen on
// one execution, or with --summary / --json its timeline and first failure
// printed for scripts and pipes.
func runInspect(ctx context.Context, g *globals, args []string) error {
	fs := g.flags("inspect")
	summary := fs.Bool("summary", false, "print the timeline and the first failed node with its error as text, and exit")
	asJSON := fs.Bool("json", false, "print the same summary as one JSON object, and exit")
	instance := fs.String("instance", "", "the n8n instance `NAME` that holds the execution (default: the only one registered)")
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
	file := isExecutionFile(what)
	if file && *instance != "" {
		return fmt.Errorf("--instance is for execution ids; %s is a file", what)
	}
	if !file && !isExecutionID(what) {
		return fmt.Errorf("%q is neither a file (FILE.json or FILE.json.gz) nor an n8n execution id (digits)", what)
	}
	if *instance != "" && !instanceNamePattern.MatchString(*instance) {
		return fmt.Errorf("--instance %q is not an n8n instance name (lowercase letters, digits, dots, dashes and underscores, as godmode instances list shows them)", *instance)
	}
	if !*summary && !*asJSON {
		if err := g.needTerminal(); err != nil {
			return fmt.Errorf("%w: godmode inspect --summary (or --json) %s", err, what)
		}
	}
	if file {
		return inspectFile(ctx, g, what, *summary, *asJSON)
	}
	return inspectID(ctx, g, what, *instance, *summary, *asJSON)
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

// inspectFile needs no database: the file is the whole execution.
func inspectFile(ctx context.Context, g *globals, path string, summary, asJSON bool) error {
	e, err := fx.OpenFile(path)
	if err != nil {
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
func inspectID(ctx context.Context, g *globals, id, instance string, summary, asJSON bool) error {
	s, actor, err := g.openAs(ctx)
	if err != nil {
		return err
	}
	defer s.close()
	console := model.NewConsole(s.store, dialN8n, model.ConsoleOptions{Context: s.cfg.Name})
	target, raw, err := console.InspectExecution(ctx, actor, instance, id)
	if err != nil {
		return err
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
	var b fxview.Backend
	if target.CampaignID != 0 {
		b = console // retry needs the campaign; an orphan workflow has none
	}
	m := fxview.New(b, fxview.Options{Actor: actor, Theme: th, Now: time.Now})
	src := fxview.Source{CampaignID: target.CampaignID, Campaign: target.Campaign, Workspace: target.Workspace, WorkspaceID: target.WorkspaceID}
	return runProgram(ctx, g, fxview.NewStandalone(m, m.OpenBytes(src, id, raw)))
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
