package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"time"

	charmlog "charm.land/log/v2"
	"charm.land/ssh"
	gossh "golang.org/x/crypto/ssh"

	"github.com/godmode-console/godmode/cmd/godmode/sshd"
	"github.com/godmode-console/godmode/forensics/safetext"
	"github.com/godmode-console/godmode/themes"
)

const serveHelp = `Listens for SSH connections and lets in the registered keys only (godmode users add --key,
users keys add): public-key authentication against user_keys, passwords and keyboard-interactive
refused. Each person acts as themselves, with their roles, re-read at every action.
  ssh -p PORT HOST                       the console (needs a terminal)
  ssh -p PORT HOST campaigns --json      any subcommand, as that person, exit status included
Over SSH a command reads files only from its standard input: say - and pipe the file
(ssh HOST users keys add EMAIL - < id.pub). The host key file is created (ed25519, mode 0600)
if it does not exist. --save-dir DIR lets the console's x save executions under
DIR/<email>/ (created 0700); without it, saving is refused over SSH. Connections,
disconnections and refusals are logged on standard error with user, key fingerprint and
remote address.`

// serveOptions are the flags of godmode serve that shape its sessions.
type serveOptions struct {
	listen, hostKey string
	saveDir         string // "" : x refused over SSH
	readOnly        bool
	syncEvery       time.Duration
	httpListen      string      // "": no /healthz, /metrics
	limits          sshd.Config // caps, failed-login rate limit, idle timeout
}

func runServe(ctx context.Context, g *globals, args []string) error {
	fs := g.flags("serve")
	var o serveOptions
	fs.StringVar(&o.listen, "listen", "", "the `ADDR` to listen on (host:port, e.g. :2222)")
	fs.StringVar(&o.hostKey, "host-key", "", "the SSH host private key `FILE` (created, ed25519, if missing)")
	fs.StringVar(&o.saveDir, "save-dir", "", "where the console's x saves executions, one folder per user under `DIR` (default: saving refused)")
	fs.BoolVar(&o.readOnly, "read-only", false, "hide and refuse every action that changes anything, in every session")
	noSync := fs.Bool("no-sync", false, "do not run the sync loop in this process (a \"godmode sync --watch\" daemon does it)")
	fs.DurationVar(&o.syncEvery, "sync-every", 5*time.Second, "how often this process's sync loop runs, when it leads an instance")
	logFormat := fs.String("log-format", "text", "the format of the log on standard error: text or json")
	fs.StringVar(&o.httpListen, "http-listen", "", "serve /healthz and /metrics on `ADDR` (keep it private; default: not served)")
	o.limits = sshd.DefaultConfig()
	fs.IntVar(&o.limits.MaxSessions, "max-sessions", o.limits.MaxSessions, "sessions open at once, all users (0: no cap)")
	fs.IntVar(&o.limits.MaxSessionsPerUser, "max-sessions-per-user", o.limits.MaxSessionsPerUser, "sessions open at once, one user (0: no cap)")
	fs.IntVar(&o.limits.AuthFailuresPerAddr, "auth-failures-per-addr", o.limits.AuthFailuresPerAddr, "failed logins from one address within --auth-window before it is refused for --auth-cooldown (0: no limit)")
	fs.IntVar(&o.limits.AuthFailuresPerUser, "auth-failures-per-user", o.limits.AuthFailuresPerUser, "failed logins for one login name within --auth-window before it is refused for --auth-cooldown (0: no limit)")
	fs.DurationVar(&o.limits.AuthWindow, "auth-window", o.limits.AuthWindow, "the window failed logins are counted in")
	fs.DurationVar(&o.limits.AuthCooldown, "auth-cooldown", o.limits.AuthCooldown, "how long an address or login name is refused once over its limit")
	fs.DurationVar(&o.limits.IdleTimeout, "idle-timeout", o.limits.IdleTimeout, "close a session after this long without a keystroke (0: never)")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	switch {
	case len(pos) > 0:
		return usageError{fmt.Sprintf("unexpected argument %q: serve takes flags only (see godmode serve --help)", safetext.Line(pos[0]))}
	case o.listen == "":
		return usageError{"say where to listen: --listen ADDR (e.g. --listen :2222)"}
	case o.hostKey == "":
		return usageError{"say which host key to use: --host-key PATH (created if missing)"}
	case *logFormat != "text" && *logFormat != "json":
		return usageError{fmt.Sprintf("--log-format %q: say text or json", safetext.Line(*logFormat))}
	case o.limits.MaxSessions < 0 || o.limits.MaxSessionsPerUser < 0 || o.limits.AuthFailuresPerAddr < 0 || o.limits.AuthFailuresPerUser < 0:
		return usageError{"--max-sessions, --max-sessions-per-user and --auth-failures-*: say 0 (no limit) or more"}
	case o.limits.IdleTimeout < 0 || o.limits.AuthWindow < 0 || o.limits.AuthCooldown < 0:
		return usageError{"--idle-timeout, --auth-window and --auth-cooldown: say 0 or a positive duration"}
	case o.syncEvery < time.Second && !*noSync && !o.readOnly:
		return usageError{fmt.Sprintf("--sync-every %s is below the 1s minimum (or say --no-sync)", o.syncEvery)}
	}
	if *noSync || o.readOnly {
		o.syncEvery = 0
	}
	if o.saveDir != "" {
		if err := checkSaveRoot(o.saveDir); err != nil {
			return err
		}
	}
	cfg, err := g.config()
	if err != nil {
		return err
	}
	if _, err := themes.Load(cfg.themeName(), cfg.ThemeFile); err != nil {
		return err
	}
	signer, err := loadHostKey(o.hostKey)
	if err != nil {
		return err
	}
	logger := serveLogger(g, *logFormat)
	s, err := g.open(ctx, true)
	if err != nil {
		return err
	}
	defer s.close()
	p := startProcess(ctx, s.store, s.cfg, o.readOnly, o.syncEvery, dialN8n, logger)
	defer p.close()
	srv, guard, err := newServer(p, o, signer)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", o.listen)
	if err != nil {
		return fmt.Errorf("--listen %s: %w", o.listen, err)
	}
	if o.httpListen != "" {
		stopHTTP, err := serveHTTP(o.httpListen, guard.Handler(), logger)
		if err != nil {
			ln.Close()
			return err
		}
		defer stopHTTP()
	}
	logger.Info("serving", "addr", ln.Addr().String(), "host_key", gossh.FingerprintSHA256(signer.PublicKey()), "save_dir", o.saveDir)
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	select {
	case err := <-done:
		return fmt.Errorf("serving on %s: %w", o.listen, err)
	case <-ctx.Done():
	}
	// /healthz says 503 from now and new sessions are refused. The listener
	// is closed first and Serve awaited: the SSH library's Shutdown closes
	// only the listeners Serve has registered (one stopped as it started
	// would accept for ever), and running it beside a Serve still starting
	// is a data race in the library. The open sessions then get a moment
	// to end on their own, and are cut.
	guard.Drain()
	_ = ln.Close()
	<-done
	sctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil && !errors.Is(err, ssh.ErrServerClosed) {
		_ = srv.Close()
	}
	logger.Info("stopped serving", "addr", ln.Addr().String())
	return nil
}

// shutdownGrace is how long open sessions have to end after SIGTERM.
const shutdownGrace = 5 * time.Second

// serveLogger is the structured log of connections and refusals, on
// standard error; every value is cleaned of control characters (a login
// name is the client's to choose). wish's Bubble Tea middleware logs
// through charm's default logger; that is pointed at the same log
// (wishLog), so the log stays one stream of one format.
func serveLogger(g *globals, format string) *slog.Logger {
	var h slog.Handler = slog.NewTextHandler(g.stderr, safetext.Options(nil))
	if format == "json" {
		h = slog.NewJSONHandler(g.stderr, safetext.Options(nil))
	}
	logger := slog.New(h)
	charmlog.SetDefault(charmlog.NewWithOptions(wishLog{logger}, charmlog.Options{Formatter: charmlog.JSONFormatter}))
	return logger
}
