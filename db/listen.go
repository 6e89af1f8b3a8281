package db

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/godmode-console/godmode/model"
)

// Channel is the NOTIFY channel every trigger sends on (godmode_notify()).
const Channel = "godmode"

// ListenApplicationName names the listener's session in pg_stat_activity,
// so an operator (or a test) can tell it from the pool's connections.
const ListenApplicationName = "godmode-listen"

// Default reconnection backoff of a Listener.
const (
	ListenMinBackoff = 100 * time.Millisecond
	ListenMaxBackoff = 10 * time.Second
)

// ListenState is what a Listener reports each time its connection comes or
// goes, for a status line or a log.
type ListenState struct {
	Connected bool
	Err       error         // why the connection went or could not be made
	Attempt   int           // failed attempts in a row
	RetryIn   time.Duration // wait before the next attempt
}

// ListenOptions tune a Listener; zero values take the defaults.
type ListenOptions struct {
	Channel    string
	MinBackoff time.Duration
	MaxBackoff time.Duration
	// OnState is called (from the listener's goroutine) when the
	// connection comes up or goes down.
	OnState func(ListenState)
}

// Listener holds one dedicated connection (LISTEN needs a session, which a
// pooled connection is not) and hands every notification on as a
// model.Change. When the connection is lost it reconnects with capped
// exponential backoff; each time it is (re)connected it hands on a change
// with Op model.OpResync, because notifications sent while nobody listened
// are lost and whoever shows data must re-read it.
type Listener struct {
	cfg      *pgx.ConnConfig
	where    string
	onChange func(model.Change)
	opt      ListenOptions
}

// NewListener returns a listener that connects like pool does.
func NewListener(pool *pgxpool.Pool, onChange func(model.Change), opt ListenOptions) *Listener {
	cfg := pool.Config().ConnConfig.Copy()
	return newListener(cfg, onChange, opt)
}

// NewListenerURL returns a listener on the database at databaseURL.
func NewListenerURL(databaseURL string, onChange func(model.Change), opt ListenOptions) (*Listener, error) {
	cfg, err := pgx.ParseConfig(databaseURL)
	if err != nil {
		return nil, fmt.Errorf("database URL is malformed: %s", parseProblem(err, databaseURL))
	}
	cfg.ConnectTimeout = ConnectTimeout
	return newListener(cfg, onChange, opt), nil
}

func newListener(cfg *pgx.ConnConfig, onChange func(model.Change), opt ListenOptions) *Listener {
	if cfg.RuntimeParams == nil {
		cfg.RuntimeParams = map[string]string{}
	}
	cfg.RuntimeParams["application_name"] = ListenApplicationName
	if opt.Channel == "" {
		opt.Channel = Channel
	}
	if opt.MinBackoff <= 0 {
		opt.MinBackoff = ListenMinBackoff
	}
	if opt.MaxBackoff < opt.MinBackoff {
		opt.MaxBackoff = max(ListenMaxBackoff, opt.MinBackoff)
	}
	return &Listener{cfg: cfg, where: fmt.Sprintf("%s/%s", cfg.Host, cfg.Database), onChange: onChange, opt: opt}
}

// Run listens until ctx ends, reconnecting whenever the connection is
// lost. It returns ctx's error.
func (l *Listener) Run(ctx context.Context) error {
	failures := 0
	for {
		err := l.session(ctx, func() { failures = 0 })
		if ctx.Err() != nil {
			return ctx.Err()
		}
		failures++
		wait := l.backoff(failures)
		l.state(ListenState{Err: err, Attempt: failures, RetryIn: wait})
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
	}
}

// backoff is the wait after n failures in a row: MinBackoff doubled for
// each failure after the first, capped at MaxBackoff.
func (l *Listener) backoff(n int) time.Duration {
	d := l.opt.MinBackoff
	for i := 1; i < n; i++ {
		d *= 2
		if d >= l.opt.MaxBackoff {
			return l.opt.MaxBackoff
		}
	}
	return d
}

func (l *Listener) state(s ListenState) {
	if l.opt.OnState != nil {
		l.opt.OnState(s)
	}
}

// session connects, listens and hands on notifications until the
// connection fails or ctx ends. connected runs once LISTEN is in force.
func (l *Listener) session(ctx context.Context, connected func()) error {
	cctx, cancel := context.WithTimeout(ctx, ConnectTimeout)
	conn, err := pgx.ConnectConfig(cctx, l.cfg)
	cancel()
	if err != nil {
		return fmt.Errorf("listening at %s: %s", l.where, redactConn(err, l.cfg.Password))
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(ctx, "LISTEN "+pgx.Identifier{l.opt.Channel}.Sanitize()); err != nil {
		return fmt.Errorf("listening at %s: LISTEN %s: %s", l.where, l.opt.Channel, redactConn(err, l.cfg.Password))
	}
	connected()
	l.state(ListenState{Connected: true})
	l.onChange(model.Change{Op: model.OpResync})
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			return fmt.Errorf("listening at %s: connection lost: %s", l.where, redactConn(err, l.cfg.Password))
		}
		var c model.Change
		if err := json.Unmarshal([]byte(n.Payload), &c); err != nil || c.Table == "" {
			// Not one of the triggers' payloads (someone NOTIFYing by
			// hand): whatever it was, re-reading is the safe answer.
			c = model.Change{Op: model.OpResync}
		}
		l.onChange(c)
	}
}

// redactConn keeps a connection error to one line without the password.
func redactConn(err error, password string) string {
	msg := err.Error()
	if errors.Is(err, context.DeadlineExceeded) {
		msg = fmt.Sprintf("no answer within %s", ConnectTimeout)
	}
	if password != "" {
		msg = strings.ReplaceAll(msg, password, "xxxxx")
	}
	return strings.ReplaceAll(msg, "\n", " ")
}
