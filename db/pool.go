package db

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// ConnectTimeout bounds how long Connect waits for a server before it says
// it cannot reach it: a console must never hang on a dead database.
const ConnectTimeout = 5 * time.Second

// Connect opens a pool on databaseURL and checks the server answers. Errors
// are one line, name the host and the problem, and never carry the password.
func Connect(ctx context.Context, databaseURL string) (*pgxpool.Pool, error) {
	if strings.TrimSpace(databaseURL) == "" {
		return nil, errors.New("database: no URL configured (set DATABASE_URL or database_url in the config file)")
	}
	cfg, err := pgxpool.ParseConfig(databaseURL)
	if err != nil {
		return nil, fmt.Errorf("database URL is malformed: %s", parseProblem(err, databaseURL))
	}
	cfg.ConnConfig.ConnectTimeout = ConnectTimeout
	if cfg.MaxConns < 8 {
		cfg.MaxConns = 8
	}
	ctx, cancel := context.WithTimeout(ctx, ConnectTimeout)
	defer cancel()
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("database: %s", redact(err.Error(), databaseURL))
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("database at %s is unreachable: %s", Where(databaseURL), reachProblem(err, databaseURL))
	}
	return pool, nil
}

// Where names the server of a URL for messages: host:port/dbname, no user
// and no password.
func Where(databaseURL string) string {
	cfg, err := pgconn.ParseConfig(databaseURL)
	if err != nil {
		return "(unparsable URL)"
	}
	host := cfg.Host
	if strings.HasPrefix(host, "/") {
		return fmt.Sprintf("unix socket %s/.s.PGSQL.%d (database %s)", host, cfg.Port, cfg.Database)
	}
	return fmt.Sprintf("%s/%s", net.JoinHostPort(host, fmt.Sprint(cfg.Port)), cfg.Database)
}

func parseProblem(err error, databaseURL string) string {
	// pgconn says "cannot parse `<url, password masked>`: <problem>"; the
	// problem is what the user needs.
	msg := err.Error()
	if i := strings.Index(msg, "`: "); i >= 0 {
		msg = msg[i+3:]
	}
	return redact(msg, databaseURL)
}

func reachProblem(err error, databaseURL string) string {
	var pgErr *pgconn.PgError
	switch {
	case errors.As(err, &pgErr):
		// Authentication and missing-database errors come from the server.
		return redact(pgErr.Message, databaseURL)
	case errors.Is(err, context.DeadlineExceeded):
		return fmt.Sprintf("no answer within %s (is the server up and the host right?)", ConnectTimeout)
	}
	var opErr *net.OpError
	if errors.As(err, &opErr) {
		return redact(opErr.Err.Error(), databaseURL)
	}
	msg := err.Error()
	// pgconn prefixes "failed to connect to `user=… database=…`:"; keep the cause.
	if i := strings.LastIndex(msg, ": "); i >= 0 && strings.Contains(msg, "failed to connect") {
		msg = msg[i+2:]
	}
	return redact(msg, databaseURL)
}

// redact removes the URL's password from a message, wherever a library put it.
func redact(msg, databaseURL string) string {
	if u, err := url.Parse(databaseURL); err == nil && u.User != nil {
		if pw, ok := u.User.Password(); ok && pw != "" {
			msg = strings.ReplaceAll(msg, pw, "xxxxx")
			if esc := url.QueryEscape(pw); esc != pw {
				msg = strings.ReplaceAll(msg, esc, "xxxxx")
			}
		}
	}
	if cfg, err := pgconn.ParseConfig(databaseURL); err == nil && cfg.Password != "" {
		msg = strings.ReplaceAll(msg, cfg.Password, "xxxxx")
	}
	return strings.ReplaceAll(msg, "\n", " ")
}
