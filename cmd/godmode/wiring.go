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
