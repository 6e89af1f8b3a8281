package main

import (
	"context"
	"os"
	"path/filepath"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/godmode-console/godmode/db"
)

// connect loads the context and opens its database.
func (g *globals) connect(ctx context.Context) (*Context, *pgxpool.Pool, error) {
	cfg, err := loadConfig(g.configPath, g.contextName)
	if err != nil {
		return nil, nil, err
	}
	pool, err := db.Connect(ctx, cfg.DatabaseURL)
	if err != nil {
		return nil, nil, err
	}
	return cfg, pool, nil
}

// keyring reads the master keys: environment first, then the context's key
// file, then $XDG_CONFIG_HOME/godmode/master.key.
func keyring(cfg *Context) (*db.Keyring, error) {
	file := cfg.MasterKeyFile
	if file == "" {
		file = filepath.Join(filepath.Dir(defaultConfigPath()), "master.key")
		if _, err := os.Stat(file); err != nil {
			file = ""
		}
	}
	return db.KeyringFromEnv(file)
}

// session is what most commands work on: the context, its database with
// the schema up to date, and the repositories.
type session struct {
	cfg   *Context
	pool  *pgxpool.Pool
	store *db.Store
}

// open connects to the context's database and applies pending migrations.
// needKeys loads the master key too, for commands that read or write n8n
// API keys.
func (g *globals) open(ctx context.Context, needKeys bool) (*session, error) {
	cfg, pool, err := g.connect(ctx)
	if err != nil {
		return nil, err
	}
	if err := db.Migrate(ctx, pool); err != nil {
		pool.Close()
		return nil, err
	}
	var kr *db.Keyring
	if needKeys {
		if kr, err = keyring(cfg); err != nil {
			pool.Close()
			return nil, err
		}
	}
	return &session{cfg: cfg, pool: pool, store: db.NewStore(pool, kr)}, nil
}

func (s *session) close() {
	s.store.Close()
	s.pool.Close()
}
