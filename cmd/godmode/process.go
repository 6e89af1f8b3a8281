package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/godmode-console/godmode/db"
	"github.com/godmode-console/godmode/model"
	"github.com/godmode-console/godmode/themes"
	"github.com/godmode-console/godmode/ui"
)

// process is what one godmode process owns, however many console sessions
// it serves (the one local console, or every SSH session of godmode
// serve): the store over its pool, one Console (its n8n clients), the
// change listener feeding it and the optional sync runner.
type process struct {
	store    *db.Store
	cfg      *Context
	console  *model.Console
	log      *slog.Logger
	readOnly bool
	stops    []func()
}

// startProcess starts the parts every session shares. With syncEvery > 0
// the process also runs the sync loop: it leads the instances no other
// process leads and follows the rest, so a lone process keeps itself true.
func startProcess(ctx context.Context, store *db.Store, cfg *Context, readOnly bool, syncEvery time.Duration, dial model.Dialer, logger *slog.Logger) *process {
	p := &process{store: store, cfg: cfg, log: logger, readOnly: readOnly,
		console: model.NewConsole(store, dial, model.ConsoleOptions{Context: cfg.Name, ReadOnly: readOnly, Log: logger, ToggleTimeout: cfg.ToggleTimeout.Duration, ProvisionCalls: cfg.ProvisionCalls})}
	// Changes made anywhere (other processes, sync) reach the sessions
	// through LISTEN on a connection of its own, within a second.
	p.stops = append(p.stops, listen(ctx, store, p.console, logger))
	if syncEvery > 0 {
		p.stops = append(p.stops, runSyncer(ctx, store, dial, syncEvery, cfg.syncOptions(model.SyncOptions{Log: logger})))
	}
	return p
}

// close stops the listener and the sync runner, newest first, waiting for
// each; the store is its opener's to close.
func (p *process) close() {
	for i := len(p.stops) - 1; i >= 0; i-- {
		p.stops[i]()
	}
	p.stops = nil
}

// sessionOptions are what one console session adds to the process: who it
// is, how it looks and where its saved files go.
type sessionOptions struct {
	actor    model.Actor
	readOnly bool
	theme    *themes.Theme
	saveDir  string // "" : the working directory, unless noSave
	noSave   string // when set, x (save) is refused with this reason
}

// newRoot is one session's console over view, the process's use cases as
// the session's actor sees them (p.console.As(actor)).
func (p *process) newRoot(view *model.ActorConsole, o sessionOptions) *ui.Root {
	return ui.New(view, ui.Options{Actor: o.actor, ReadOnly: p.readOnly || o.readOnly, Context: p.cfg.Name,
		PollInterval: p.cfg.PollInterval.Duration, Theme: o.theme, ThemeFile: p.cfg.ThemeFile, Now: time.Now, ToggleBound: p.cfg.ToggleTimeout.Duration,
		SaveDir: o.saveDir, NoSave: o.noSave})
}

// writeMetrics adds the process's own lines to /metrics: the sessions
// subscribed to the change feed, which must fall back as sessions end
// (one left behind would be fed every change for the life of the process).
func (p *process) writeMetrics(w io.Writer) {
	fmt.Fprintln(w, "# HELP godmode_change_subscribers Sessions subscribed to the change feed.")
	fmt.Fprintln(w, "# TYPE godmode_change_subscribers gauge")
	fmt.Fprintf(w, "godmode_change_subscribers %d\n", p.console.Subscribers())
}
