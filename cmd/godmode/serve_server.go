package main

import (
	"fmt"
	"log/slog"

	"charm.land/ssh"
	"charm.land/wish/v2"
	gossh "golang.org/x/crypto/ssh"

	"github.com/godmode-console/godmode/cmd/godmode/sshd"
)

// server is godmode serve's SSH side: one process, many sessions.
type server struct {
	proc  *process
	opts  serveOptions
	log   *slog.Logger
	guard *sshd.Guard // limits, idle timeout, panic containment, metrics
}

// newServer is the SSH server over a started process: public keys only
// (behind the failed-login rate limit), and the session chain of
// sessionChain. Password authentication is not offered at all: offered,
// OpenSSH would prompt for a password once its keys were refused.
func newServer(p *process, o serveOptions, hostKey gossh.Signer) (*ssh.Server, *sshd.Guard, error) {
	limits := o.limits
	limits.Logger = p.log
	limits.MoreMetrics = p.writeMetrics
	sv := &server{proc: p, opts: o, log: p.log, guard: sshd.New(limits)}
	srv, err := wish.NewServer(
		func(s *ssh.Server) error { s.AddHostKey(hostKey); return nil },
		wish.WithPublicKeyAuth(sv.guard.PublicKeyHandler(sv.publicKey)),
		func(s *ssh.Server) error {
			s.ServerConfigCallback = func(ssh.Context) *gossh.ServerConfig {
				return &gossh.ServerConfig{AuthLogCallback: sv.authLog}
			}
			s.ConnectionFailedCallback = sv.connectionFailed
			return nil
		},
		wish.WithMiddleware(sv.sessionChain()...),
	)
	if err != nil {
		return nil, nil, fmt.Errorf("ssh server: %w", err)
	}
	return srv, sv.guard, nil
}

// sessionChain is every middleware a session goes through, in one place
// so that limits, idle timeouts and panic isolation are one line each.
// wish runs the last first: the guard (caps, idle timeout, panics),
// identify, then the console (with a terminal and no command), then the
// command (otherwise). Nothing may sit between the guard's console
// middleware and the guard that hands on a session of its own.
func (sv *server) sessionChain() []wish.Middleware {
	return []wish.Middleware{
		sv.commands,
		sv.guard.TeaMiddleware(sv.console),
		sv.identify,
		sv.guard.Middleware(),
	}
}
