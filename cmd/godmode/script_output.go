package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/godmode-console/godmode/forensics/safetext"
	"github.com/godmode-console/godmode/model"
)

// What the commands for scripts (campaigns, toggle, executions, retry,
// audit, drift, unmanaged) share: their console, the campaign path, flag
// checks made before connecting, and the two output forms.

// scriptConsole is the use cases for one command, as the console screens
// get them: same rights, locks, toggle bound and audit.
func scriptConsole(g *globals, s *session) *model.Console {
	if g.remote != nil {
		return g.remote.proc.console // the process's n8n clients, shared by its sessions
	}
	return model.NewConsole(s.store, dialN8n, model.ConsoleOptions{Context: s.cfg.Name, ToggleTimeout: s.cfg.ToggleTimeout.Duration, ProvisionCalls: s.cfg.ProvisionCalls,
		Log: slog.New(slog.NewTextHandler(g.stderr, safetext.Options(nil)))})
}

// openScript connects for a command of this family and says who acts.
func openScript(ctx context.Context, g *globals) (*session, *model.Console, model.Actor, error) {
	s, actor, err := g.openAs(ctx)
	if err != nil {
		return nil, nil, model.Actor{}, err
	}
	return s, scriptConsole(g, s), actor, nil
}

// campaignPath checks WORKSPACE/CAMPAIGN before connecting.
func campaignPath(arg string) (slug, name string, err error) {
	slug, name, err = model.SplitCampaignPath(arg)
	if err != nil {
		return "", "", usageError{err.Error()}
	}
	if !slugPattern.MatchString(slug) {
		return "", "", usageError{fmt.Sprintf("%q in %q is not a workspace slug (lowercase letters, digits and dashes)", slug, arg)}
	}
	if safetext.Line(name) != name {
		return "", "", usageError{fmt.Sprintf("the campaign name in %q holds control characters", safetext.Line(arg))}
	}
	return slug, name, nil
}

// checkSlug checks an optional --workspace before connecting.
func checkSlug(flag, slug string) error {
	if slug != "" && !slugPattern.MatchString(slug) {
		return usageError{fmt.Sprintf("%s %q is not a workspace slug (lowercase letters, digits and dashes)", flag, safetext.Line(slug))}
	}
	return nil
}

// checkLimit checks a --limit before connecting.
func checkLimit(n, max int) error {
	if n < 1 || n > max {
		return usageError{fmt.Sprintf("--limit %d: say 1 to %d", n, max)}
	}
	return nil
}

// writeJSON prints one JSON object and a newline: the --json form.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// table prints rows under a header, every cell cleaned (names and errors
// come from data).
type table struct{ tw *tabwriter.Writer }

func newTable(w io.Writer, header ...string) *table {
	t := &table{tw: tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)}
	fmt.Fprintln(t.tw, strings.Join(header, "\t"))
	return t
}

func (t *table) row(cells ...string) {
	for i, c := range cells {
		c = safetext.Line(c)
		if c == "" {
			c = "-"
		}
		cells[i] = strings.ReplaceAll(c, "\t", " ")
	}
	fmt.Fprintln(t.tw, strings.Join(cells, "\t"))
}

func (t *table) flush() error { return t.tw.Flush() }

// stamp is a time as the text tables print it.
func stamp(t *time.Time) string {
	if t == nil || t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02 15:04:05Z")
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
