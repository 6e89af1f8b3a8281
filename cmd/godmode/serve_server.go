package main

import (
	"fmt"
	"log/slog"

	"charm.land/ssh"
	"charm.land/wish/v2"
	bm "charm.land/wish/v2/bubbletea"
	gossh "golang.org/x/crypto/ssh"
)

// server is godmode serve's SSH side: one process, many sessions.
type server struct {
	proc *process
	opts serveOptions
	log  *slog.Logger
}

// newServer is the SSH server over a started process: public keys only,
// and the session chain of sessionChain.
func newServer(p *process, o serveOptions, hostKey gossh.Signer) (*ssh.Server, error) {
	sv := &server{proc: p, opts: o, log: p.log}
	srv, err := wish.NewServer(
		func(s *ssh.Server) error { s.AddHostKey(hostKey); return nil },
		wish.WithPublicKeyAuth(sv.publicKey),
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
		return nil, fmt.Errorf("ssh server: %w", err)
	}
	return srv, nil
}

// sessionChain is every middleware a session goes through, in one place
// so that limits, idle timeouts and panic isolation are one line each.
// wish runs the last first: identify, then the console (with a terminal
// and no command), then the command (otherwise).
func (sv *server) sessionChain() []wish.Middleware {
	return []wish.Middleware{
		sv.commands,
		bm.MiddlewareWithProgramHandler(sv.console),
		sv.identify,
	}
}
