package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/godmode-console/godmode/db"
	"github.com/godmode-console/godmode/forensics/safetext"
	"github.com/godmode-console/godmode/model"
)

// config loads the context once: commands check it before connecting.
func (g *globals) config() (*Context, error) {
	if g.cfg == nil {
		cfg, err := loadConfig(g.configPath, g.contextName)
		if err != nil {
			return nil, err
		}
		g.cfg = cfg
	}
	return g.cfg, nil
}

// connect loads the context and opens its database.
func (g *globals) connect(ctx context.Context) (*Context, *pgxpool.Pool, error) {
	cfg, err := g.config()
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
// file, then $XDG_CONFIG_HOME/godmode/master.key. A key file others may
// read is used, with a warning: refusing it would stop an operator in the
// middle of an incident.
func (g *globals) keyring(cfg *Context) (*db.Keyring, error) {
	file := cfg.MasterKeyFile
	if file == "" {
		file = filepath.Join(filepath.Dir(defaultConfigPath()), "master.key")
		if _, err := os.Stat(file); err != nil {
			file = ""
		}
	}
	kr, err := db.KeyringFromEnv(file)
	if err != nil {
		return nil, err
	}
	if f := db.MasterKeyFile(file); f != "" {
		if st, err := os.Stat(f); err == nil && st.Mode().Perm()&0o077 != 0 {
			fmt.Fprintf(g.stderr, "godmode: warning: master key file %s is readable by group or others (mode %04o): chmod 600 %s\n", f, st.Mode().Perm(), f)
		}
	}
	return kr, nil
}

// session is what most commands work on: the context, its database with
// the schema up to date, the repositories and who is acting.
type session struct {
	cfg   *Context
	pool  *pgxpool.Pool
	store *db.Store
	keys  *db.Keyring // nil unless opened with needKeys
	actor model.Actor
	admin *model.Admin
	// shared says the pool and store are the serving process's, which
	// outlive the command: close leaves them open.
	shared bool
}

// ownerURLHint says where the owner's URL goes, for messages.
const ownerURLHint = envOwnerURL + ", or owner_database_url / owner_database_url_env in the config"

// open connects to the context's database as the runtime role, checks the
// schema is current (only `godmode migrate`, with the owner's URL, changes
// it) and says who is acting. needKeys loads the master key too, for
// commands that read or write n8n API keys, and with it the instances the
// config names.
func (g *globals) open(ctx context.Context, needKeys bool) (*session, error) {
	if g.remote != nil {
		return g.remote.session(g), nil
	}
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
		if kr, err = g.keyring(cfg); err != nil {
			pool.Close()
			return nil, err
		}
	}
	store := db.NewStore(pool, kr)
	sess := &session{cfg: cfg, pool: pool, store: store, keys: kr,
		admin: model.NewAdmin(store, slog.New(slog.NewTextHandler(g.stderr, nil)))}
	if sess.actor, err = localActor(ctx, store); err != nil {
		sess.close()
		return nil, err
	}
	if needKeys {
		if err := g.applyConfiguredInstances(ctx, sess); err != nil {
			sess.close()
			return nil, err
		}
	}
	return sess, nil
}

// applyConfiguredInstances brings in the n8n instances the context names.
// One that is not in the database yet is added with the key its variable
// holds, as `instances add` by whoever is acting (so a config file is
// enough to start). One that is stored keeps its stored URL and key: a key
// in this person's environment is used by this process only, and only
// `godmode instances set-key` replaces what the team shares.
func (g *globals) applyConfiguredInstances(ctx context.Context, s *session) error {
	for _, in := range s.cfg.Instances {
		key := ""
		if in.APIKeyEnv != "" {
			key = strings.TrimSpace(os.Getenv(in.APIKeyEnv))
		}
		cur, err := s.store.InstanceByName(ctx, in.Name)
		switch {
		case errors.Is(err, model.ErrNotFound) && key == "":
			return fmt.Errorf("context %q, instance %s: its API key variable %s is empty and no key is stored yet (export %s, or godmode instances add)",
				s.cfg.Name, in.Name, dashIfEmpty(in.APIKeyEnv), dashIfEmpty(in.APIKeyEnv))
		case errors.Is(err, model.ErrNotFound):
			if _, err := s.admin.AddInstance(ctx, s.actor, model.NewInstance{Name: in.Name, BaseURL: in.BaseURL,
				WebhookBaseURL: in.WebhookBaseURL, APIKey: key, InsecureHTTP: in.InsecureHTTP}); err != nil {
				return fmt.Errorf("context %q, instance %s from the config: %w", s.cfg.Name, in.Name, err)
			}
			fmt.Fprintf(g.stderr, "godmode: added instance %s from the config\n", in.Name)
			continue
		case err != nil:
			return fmt.Errorf("context %q: %w", s.cfg.Name, err)
		}
		if in.BaseURL != cur.BaseURL {
			fmt.Fprintf(g.stderr, "godmode: context %q, instance %s: the config says base_url %s, the database %s; using the database's (godmode instances set-url %s --url URL moves it)\n",
				s.cfg.Name, in.Name, in.BaseURL, safetext.Line(cur.BaseURL), in.Name) // the row may have been edited behind godmode
		}
		if key == "" {
			continue
		}
		if stored, err := s.store.InstanceAPIKey(ctx, cur.ID); err != nil || stored != key {
			fmt.Fprintf(g.stderr, "godmode: instance %s: using the API key in %s for this process only; the stored key is unchanged (godmode instances set-key %s --api-key-env %s replaces it)\n",
				in.Name, in.APIKeyEnv, in.Name, in.APIKeyEnv)
		}
		s.store.UseAPIKeyInProcess(cur.ID, key)
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
	if n, err := s.store.LegacySealedKeys(ctx); err == nil && n > 0 {
		fmt.Fprintf(g.stderr, "godmode: warning: %d stored API key(s) are sealed the old way, not bound to their instance's URL: run godmode keys rotate\n", n)
	}
	return s, s.actor, nil
}

func (s *session) close() {
	if s.shared {
		return
	}
	s.store.Close()
	s.pool.Close()
}
