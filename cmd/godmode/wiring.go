package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/godmode-console/godmode/db"
	"github.com/godmode-console/godmode/model"
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
	keys  *db.Keyring // nil unless opened with needKeys
}

// ownerURLHint says where the owner's URL goes, for messages.
const ownerURLHint = envOwnerURL + ", or owner_database_url / owner_database_url_env in the config"

// open connects to the context's database as the runtime role and checks
// the schema is current; only `godmode migrate`, with the owner's URL,
// changes the schema. needKeys loads the master key too, for commands that
// read or write n8n API keys.
func (g *globals) open(ctx context.Context, needKeys bool) (*session, error) {
	cfg, pool, err := g.connect(ctx)
	if err != nil {
		return nil, err
	}
	if err := db.CheckSession(ctx, pool, ownerURLHint); err != nil {
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
	sess := &session{cfg: cfg, pool: pool, store: db.NewStore(pool, kr), keys: kr}
	if needKeys {
		if err := g.applyConfiguredInstances(ctx, sess); err != nil {
			sess.close()
			return nil, err
		}
	}
	return sess, nil
}

// applyConfiguredInstances records the n8n instances the context names, so
// a config file is enough to start: each is added, or updated when its URLs
// or key changed. A key variable that is unset keeps the stored key.
func (g *globals) applyConfiguredInstances(ctx context.Context, s *session) error {
	for _, in := range s.cfg.Instances {
		key := ""
		if in.APIKeyEnv != "" {
			key = strings.TrimSpace(os.Getenv(in.APIKeyEnv))
		}
		if key == "" {
			if _, err := s.store.InstanceByName(ctx, in.Name); err == nil {
				continue
			}
			return fmt.Errorf("context %q, instance %s: its API key variable %s is empty and no key is stored yet (export %s, or godmode instances add)",
				s.cfg.Name, in.Name, dashIfEmpty(in.APIKeyEnv), dashIfEmpty(in.APIKeyEnv))
		}
		did, err := s.store.EnsureInstance(ctx, db.NewInstance{Name: in.Name, BaseURL: in.BaseURL, WebhookBaseURL: in.WebhookBaseURL, APIKey: key})
		if err != nil {
			return fmt.Errorf("context %q: %w", s.cfg.Name, err)
		}
		if did != "unchanged" {
			fmt.Fprintf(g.stderr, "godmode: %s instance %s from the config\n", did, in.Name)
		}
	}
	return nil
}

func dashIfEmpty(s string) string {
	if s == "" {
		return "(api_key_env not set)"
	}
	return s
}

// openAs opens the context with its keys, for commands that act, and says
// who is acting.
func (g *globals) openAs(ctx context.Context) (*session, model.Actor, error) {
	s, err := g.open(ctx, true)
	if err != nil {
		return nil, model.Actor{}, err
	}
	actor, err := localActor(ctx, s.store)
	if err != nil {
		s.close()
		return nil, model.Actor{}, err
	}
	return s, actor, nil
}

func (s *session) close() {
	s.store.Close()
	s.pool.Close()
}
