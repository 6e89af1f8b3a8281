package main

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/godmode-console/godmode/db"
	"github.com/godmode-console/godmode/model"
	"github.com/godmode-console/godmode/n8n"
	"github.com/godmode-console/godmode/themes"
)

func runConsole(ctx context.Context, g *globals, args []string) error {
	fs := g.flags("console")
	readOnly := fs.Bool("read-only", false, "hide and refuse every action that changes anything")
	// No backquotes in the usage text: the flag package would take the
	// quoted words for the flag's value name.
	noSync := fs.Bool("no-sync", false, "do not run the sync loop in this console (a \"godmode sync --watch\" daemon does it)")
	syncEvery := fs.Duration("sync-every", 5*time.Second, "how often this console's sync loop runs, when it leads an instance")
	logPath := fs.String("log", "", "append the console's log (sync, change feed) to this file")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return fmt.Errorf("unexpected argument %q: the console takes flags only (see godmode console --help)", pos[0])
	}
	if *syncEvery < time.Second && !*noSync && !*readOnly {
		return fmt.Errorf("--sync-every %s is below the 1s minimum (or say --no-sync)", *syncEvery)
	}
	if *noSync || *readOnly {
		*syncEvery = 0
	}
	// The config, theme and terminal are checked before connecting: a typo
	// should not wait for a database.
	cfg, err := g.config()
	if err != nil {
		return err
	}
	if _, err := themes.Load(cfg.themeName(), cfg.ThemeFile); err != nil {
		return err
	}
	if err := g.needTerminal(); err != nil {
		return err
	}
	logger, closeLog, err := openLog(*logPath)
	if err != nil {
		return err
	}
	defer closeLog()
	s, actor, err := g.openAs(ctx)
	if err != nil {
		return err
	}
	defer s.close()
	return openConsole(ctx, g, s.store, s.cfg, actor, *readOnly, *syncEvery, dialN8n, logger)
}

// dialN8n builds a real client for an instance.
func dialN8n(base, key string) model.N8n { return n8n.New(base, key) }

// openConsole runs the console until the user quits, as the only session
// of its process.
func openConsole(ctx context.Context, g *globals, store *db.Store, cfg *Context, actor model.Actor, readOnly bool, syncEvery time.Duration, dial model.Dialer, logger *slog.Logger) error {
	theme, err := themes.Load(cfg.themeName(), cfg.ThemeFile)
	if err != nil {
		return err
	}
	logger.Info("console started", "context", cfg.Name, "actor", actor.Name, "read_only", readOnly)
	defer logger.Info("console stopped")
	p := startProcess(ctx, store, cfg, readOnly, syncEvery, dial, logger)
	defer p.close()
	return runProgram(ctx, g, p.newRoot(p.console.As(actor), sessionOptions{actor: actor, readOnly: readOnly, theme: theme}))
}

// runProgram runs a full-screen program on the command's terminal until
// it quits or the command is interrupted.
func runProgram(ctx context.Context, g *globals, m tea.Model) error {
	p := tea.NewProgram(m, tea.WithContext(ctx), tea.WithInput(g.stdin), tea.WithOutput(g.stdout))
	_, err := p.Run()
	if err != nil && ctx.Err() != nil {
		return nil // interrupted: a normal way to leave
	}
	return err
}

func (c *Context) themeName() string {
	if c.Theme == "" {
		return themes.Default
	}
	return c.Theme
}

// listen feeds the console from a listener until the returned func is
// called, which waits for the listener's connection to close.
func listen(ctx context.Context, store *db.Store, console *model.Console, logger *slog.Logger) func() {
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	l := db.NewListener(store.Pool(), console.Publish, db.ListenOptions{OnState: func(s db.ListenState) {
		if s.Connected {
			logger.Info("listening for changes")
		} else {
			logger.Warn("change listener lost its connection", "err", s.Err, "retry_in", s.RetryIn)
		}
	}})
	go func() {
		defer close(done)
		l.Run(ctx)
	}()
	return func() { cancel(); <-done }
}

// runSyncer runs a sync loop in the background until the returned func is
// called, which waits for it to let go of its leads.
func runSyncer(ctx context.Context, store *db.Store, dial model.Dialer, every time.Duration, opt model.SyncOptions) func() {
	ctx, cancel := context.WithCancel(ctx)
	s := model.NewSyncer(store, dial, opt)
	done := make(chan struct{})
	go func() {
		defer close(done)
		s.Run(ctx, every)
	}()
	return func() { cancel(); <-done; s.Close() }
}
