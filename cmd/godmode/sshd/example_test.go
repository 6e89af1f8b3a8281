package sshd_test

import (
	"net/http"

	tea "charm.land/bubbletea/v2"
	"charm.land/ssh"
	"charm.land/wish/v2"

	"github.com/godmode-console/godmode/cmd/godmode/sshd"
)

// How godmode serve puts the Guard in place: the auth layer's key check,
// the console and the commands, then the operator's HTTP port.
func ExampleGuard_ServerOptions() {
	g := sshd.New(sshd.DefaultConfig()) // then the flags' values
	checkKey := func(ctx ssh.Context, key ssh.PublicKey) bool {
		// look key up in user_keys; on a match:
		sshd.SetUser(ctx, "alice@example.com")
		return true
	}
	console := func(ssh.Session) (tea.Model, []tea.ProgramOption) { return nil, nil }
	// commands runs sess.Command(): TeaMiddleware passes it the sessions
	// that have no terminal.
	commands := func(next ssh.Handler) ssh.Handler { return next }

	srv, err := wish.NewServer(append(g.ServerOptions(checkKey, commands, g.TeaMiddleware(console)),
		wish.WithAddress(":2222"), wish.WithHostKeyPath("/var/lib/godmode/host_ed25519"))...)
	if err != nil {
		return
	}
	go func() { _ = http.ListenAndServe("127.0.0.1:9100", g.Handler()) }()
	_ = srv.ListenAndServe()
	// on SIGTERM: g.Drain(), then srv.Shutdown(ctx)
}
