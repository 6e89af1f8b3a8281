package sshd

import (
	"log/slog"
	"net/http"
	"sync"
	"time"

	"charm.land/ssh"
	"charm.land/wish/v2"
)

// Guard holds the limits and the counters of one server. One Guard serves
// every connection of the process: make it once with New, plug its auth
// wrappers and middleware into the wish server, and serve Handler on the
// operator's HTTP port.
type Guard struct {
	cfg     Config
	log     *slog.Logger
	user    func(ssh.Context) string
	start   time.Time
	metrics *metrics

	addrLimit *failureLimiter
	userLimit *failureLimiter

	mu       sync.Mutex
	open     int
	perUser  map[string]int
	draining bool

	// closeGrace is how long a session that was told to close (idle) may
	// take to end by itself before its connection is cut.
	closeGrace time.Duration
}

// New makes a Guard with cfg's limits.
func New(cfg Config) *Guard {
	g := &Guard{
		cfg:        cfg,
		log:        cfg.Logger,
		user:       cfg.User,
		start:      time.Now(),
		metrics:    newMetrics(),
		addrLimit:  newFailureLimiter(cfg.AuthFailuresPerAddr, cfg.AuthWindow, cfg.AuthCooldown, cfg.MaxTracked),
		userLimit:  newFailureLimiter(cfg.AuthFailuresPerUser, cfg.AuthWindow, cfg.AuthCooldown, cfg.MaxTracked),
		perUser:    map[string]int{},
		closeGrace: 2 * time.Second,
	}
	if g.log == nil {
		g.log = slog.Default()
	}
	if g.user == nil {
		g.user = UserOf
	}
	return g
}

// ServerOptions are the wish server options that put the whole Guard in
// place in one line: auth (the auth layer's key check wrapped by the rate
// limit, passwords refused and counted) and the handler, with the Guard's
// middleware outermost so that caps, idle timeout and panic containment
// cover every middleware given (list them as for wish.WithMiddleware: the
// last one runs first).
func (g *Guard) ServerOptions(auth ssh.PublicKeyHandler, mw ...wish.Middleware) []ssh.Option {
	return []ssh.Option{
		wish.WithPublicKeyAuth(g.PublicKeyHandler(auth)),
		wish.WithPasswordAuth(g.PasswordHandler()),
		wish.WithMiddleware(append(append([]wish.Middleware(nil), mw...), g.Middleware())...),
	}
}

// Sessions is how many sessions are open now.
func (g *Guard) Sessions() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.open
}

// Drain marks the server as shutting down: /healthz answers 503 so a load
// balancer stops sending people here, and new sessions are refused while
// the open ones finish.
func (g *Guard) Drain() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.draining = true
}

// ObserveFrame counts one frame that took d to render. TeaMiddleware times
// each View itself; call this only for a program built another way.
func (g *Guard) ObserveFrame(d time.Duration) { g.metrics.observeFrame(d) }

// Handler serves /healthz and /metrics.
func (g *Guard) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", g.serveHealth)
	mux.HandleFunc("GET /metrics", g.serveMetrics)
	return mux
}
