package main

import (
	"fmt"
	"io"
	"log/slog"

	"charm.land/ssh"

	"github.com/godmode-console/godmode/forensics/safetext"
	"github.com/godmode-console/godmode/model"
)

// remote is what a command run over SSH acts with: the serving process
// and the session's user.
type remote struct {
	proc  *process
	actor model.Actor
}

// session is the command's session over the process's store, as the SSH
// user; closing it leaves the process's parts open. It holds no master
// key: the commands that need one (keys) are not available over SSH.
func (r *remote) session(g *globals) *session {
	return &session{cfg: r.proc.cfg, pool: r.proc.store.Pool(), store: r.proc.store, actor: r.actor, shared: true,
		admin: model.NewAdmin(r.proc.store, slog.New(slog.NewTextHandler(g.stderr, safetext.Options(nil))))}
}

// notOverSSH are the commands that make no sense for a remote user: they
// are about the server's own process, terminal, files or master key.
var notOverSSH = map[string]string{
	"serve":   "godmode serve is already serving you",
	"demo":    "the demo runs on your own machine: install godmode and run godmode demo",
	"migrate": "migrations run on the server as the database owner, not over SSH",
	"console": "ssh without a command opens the console (ssh -t HOST)",
	"keys":    "the master key stays on the server: its operator manages it there",
	"sync":    "the sync loop runs on the server (godmode serve runs one unless --no-sync)",
}

// sshUsage is `ssh HOST help`: the commands an SSH session may run, and
// none of those it may not (nor the global flags, which it may not set).
func sshUsage(w io.Writer) {
	fmt.Fprintln(w, "godmode: the console of a multi-tenant n8n platform, served over SSH.")
	fmt.Fprintln(w, "\nUsage: ssh -t HOST              open the console")
	fmt.Fprintln(w, "       ssh HOST COMMAND [ARGS]  run one command as you (your key says who)")
	fmt.Fprintln(w, "\nCommands:")
	width := 0
	for _, c := range commands {
		width = max(width, len(c.name))
	}
	for _, c := range commands {
		if _, refused := notOverSSH[c.name]; !refused {
			fmt.Fprintf(w, "  %-*s  %s\n", width, c.name, c.summary)
		}
	}
	fmt.Fprintln(w, "\nA file is sent on standard input: say - where a command takes one (ssh HOST … - < FILE).")
	fmt.Fprintln(w, "Run 'ssh HOST help COMMAND' for a command's own flags.")
}

// refuseOverSSH says why a command may not run in an SSH session; nil
// locally, or for a command that may.
func (g *globals) refuseOverSSH(name string) error {
	if g.remote == nil {
		return nil
	}
	if why, ok := notOverSSH[name]; ok {
		return fmt.Errorf("%s is not available over SSH: %s", name, why)
	}
	if g.configPath != "" || g.contextName != "" {
		return fmt.Errorf("--config and --context are not available over SSH: the server's operator chose its context")
	}
	return nil
}

// localPath refuses, over SSH, an argument that names a file on the
// server's disk: a remote user's files are theirs, sent on standard
// input. what says which argument, for the message.
func (g *globals) localPath(what, path string) error {
	if g.remote == nil || path == "-" {
		return nil
	}
	return fmt.Errorf("%s %q names a file on the server: over SSH, say - and pipe the file (ssh HOST … - < FILE)", what, safetext.Line(path))
}

// localEnv refuses, over SSH, a flag that would read the server's
// environment (which holds its secrets).
func (g *globals) localEnv(flag string) error {
	if g.remote == nil {
		return nil
	}
	return fmt.Errorf("%s reads the server's environment: over SSH, use --api-key-stdin and pipe the key", flag)
}

// commands runs a session's command in-process, as its user, with the
// session's standard streams and exit status: the same table, rights
// and audit as godmode on a terminal.
func (sv *server) commands(next ssh.Handler) ssh.Handler {
	return func(s ssh.Session) {
		_, _, pty := s.Pty()
		sess := sessionOf(s)
		args := s.Command()
		switch {
		case sess == nil:
		case len(args) == 0 && pty: // the console ran
		case len(args) == 0:
			fmt.Fprintln(s.Stderr(), "godmode: no terminal and no command: ssh -t HOST opens the console, ssh HOST COMMAND runs one (ssh HOST help lists them)")
			_ = s.Exit(2)
		default:
			g := &globals{stdin: s, stdout: s, stderr: s.Stderr(), cfg: sv.proc.cfg, remote: &remote{proc: sv.proc, actor: sess.actor}}
			code := runAs(s.Context(), g, args)
			if code != 0 {
				sv.log.Info("ssh command failed", "user", sess.actor.Name, "key", sess.actor.KeyFingerprint, "remote", s.RemoteAddr().String(),
					"command", commandName(args), "exit", code)
			}
			_ = s.Exit(code)
		}
		next(s)
	}
}
