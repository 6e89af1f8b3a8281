package sshd

import (
	"io"
	"log/slog"
	"time"

	"charm.land/ssh"
)

// Config sets the limits. The zero value limits nothing (every 0 means
// "no limit" or "disabled"), so a server starts from DefaultConfig and
// changes what its flags say.
type Config struct {
	// MaxSessions caps the sessions open at once across all users; 0: no cap.
	MaxSessions int
	// MaxSessionsPerUser caps the sessions one user (UserOf) has open at
	// once; 0: no cap. Sessions with no user set share the name "".
	MaxSessionsPerUser int

	// AuthFailuresPerAddr is how many connections from one remote address
	// (its IP, without the port) may fail to authenticate within
	// AuthWindow before that address is refused for AuthCooldown; 0: no limit.
	AuthFailuresPerAddr int
	// AuthFailuresPerUser is the same for one SSH login name, whatever
	// the address; 0: no limit.
	AuthFailuresPerUser int
	// AuthWindow is the window the failures above are counted in.
	AuthWindow time.Duration
	// AuthCooldown is how long an address or a login name is refused,
	// without its key being looked at, once it reached its limit.
	AuthCooldown time.Duration
	// MaxTracked bounds how many addresses (and, separately, login names)
	// the rate limit remembers, so that an attacker cycling through
	// addresses or names cannot grow its memory without limit; 0: 10000.
	MaxTracked int

	// IdleTimeout closes a session after this long without input from the
	// client (keys, mouse, paste), whatever the server writes; 0: disabled.
	IdleTimeout time.Duration

	// User names the person a connection authenticated as; nil: UserOf,
	// the value the auth layer stored with SetUser.
	User func(ssh.Context) string
	// MoreMetrics, when set, writes the server's own lines (Prometheus
	// text format) after the Guard's on /metrics.
	MoreMetrics func(io.Writer)

	// Logger receives the connect, disconnect, refusal and panic lines;
	// nil: slog.Default().
	Logger *slog.Logger
}

// DefaultConfig returns the limits a production server starts from.
func DefaultConfig() Config {
	return Config{
		// 200 sessions: the console's target is under 10 MB per session,
		// so 200 stay under 2 GB, and a team of admins never gets near.
		MaxSessions: 200,
		// 10 per user: room for a person's few terminals and their cron
		// scripts running at once, while one leaked key or a runaway
		// script loop cannot take every slot from the others.
		MaxSessionsPerUser: 10,
		// 5 failed connections a minute per address: a person whose key
		// is wrong retries a couple of times; a scanner tries far more.
		AuthFailuresPerAddr: 5,
		// 20 a minute per login name: higher than per address because
		// every address shares it, and an attacker who can lock a name
		// out locks its owner out too; it still stops a spread-out
		// guessing run against one name.
		AuthFailuresPerUser: 20,
		AuthWindow:          time.Minute,
		// 5 minutes: long enough to make guessing pointless, short enough
		// that a person who locked themselves out is back after a coffee.
		AuthCooldown: 5 * time.Minute,
		// 10000 entries: about 1.3 MB per limiter (measured with IPv6
		// addresses), and more addresses than a team ever fails from at once.
		MaxTracked: 10000,
		// 30 minutes without a keystroke: an abandoned console holds a
		// session slot, a database pool connection's worth of refreshes
		// and an authenticated terminal someone else may sit down at.
		IdleTimeout: 30 * time.Minute,
	}
}
