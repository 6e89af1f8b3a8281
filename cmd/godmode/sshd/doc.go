// Package sshd holds what keeps one `godmode serve` process healthy while
// it serves many people over SSH, independent of the database: caps on
// concurrent sessions (in total and per user), a rate limit on failed
// authentications per remote address and per login name, an idle timeout
// that counts the client's input rather than the server's redraws,
// containment of a panic to the one session that raised it, and the
// /healthz and /metrics endpoints with the structured log lines an
// operator needs to see who connected, who was refused and why.
//
// It plugs into a charm.land/wish/v2 server as middlewares and auth
// handler wrappers; the auth layer (keys in Postgres) stays outside and
// tells this package who a connection is with SetUser.
package sshd
