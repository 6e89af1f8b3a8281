package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/BurntSushi/toml"
)

// Config is the config file: named contexts, one of them current.
//
//	current_context = "prod"
//	[contexts.prod]
//	database_url_env = "PROD_DATABASE_URL"   # or database_url = "postgres://…"
//	owner_database_url_env = "PROD_OWNER_DATABASE_URL" # godmode migrate only
//	master_key_file  = "~/.config/godmode/master.key"
//	poll_interval    = "3s"
//	theme            = "dark"
//	[[contexts.prod.instances]]
//	name             = "ohio"
//	base_url         = "https://ohio.n8n.example.com"
//	webhook_base_url = "https://hooks.example.com"
//	api_key_env      = "N8N_OHIO_API_KEY"
type Config struct {
	CurrentContext string              `toml:"current_context"`
	Contexts       map[string]*Context `toml:"contexts"`
	path           string
}

// Context is one environment godmode can operate.
type Context struct {
	Name           string           `toml:"-"`
	DatabaseURL    string           `toml:"database_url"`
	DatabaseURLEnv string           `toml:"database_url_env"`
	MasterKeyFile  string           `toml:"master_key_file"`
	PollInterval   duration         `toml:"poll_interval"`
	Theme          string           `toml:"theme"`
	ThemeFile      string           `toml:"theme_file"`
	Instances      []InstanceConfig `toml:"instances"`

	// The schema owner's URL, for `godmode migrate` only (README,
	// "Database roles"); everything else uses DatabaseURL, a runtime role.
	OwnerDatabaseURL    string `toml:"owner_database_url"`
	OwnerDatabaseURLEnv string `toml:"owner_database_url_env"`
}

// InstanceConfig names an n8n instance and where its API key comes from; the
// key itself is never written in the file.
type InstanceConfig struct {
	Name           string `toml:"name"`
	BaseURL        string `toml:"base_url"`
	WebhookBaseURL string `toml:"webhook_base_url"`
	APIKeyEnv      string `toml:"api_key_env"`
}

type duration struct{ time.Duration }

func (d *duration) UnmarshalText(b []byte) error {
	v, err := time.ParseDuration(string(b))
	if err != nil {
		return fmt.Errorf("%q is not a duration (try \"3s\")", b)
	}
	d.Duration = v
	return nil
}

// Environment variables that override the file.
const (
	envConfig       = "GODMODE_CONFIG"
	envContext      = "GODMODE_CONTEXT"
	envDatabaseURL  = "DATABASE_URL"
	envOwnerURL     = "GODMODE_OWNER_DATABASE_URL"
	envPollInterval = "GODMODE_POLL_INTERVAL"
	envTheme        = "GODMODE_THEME"
)

// MinPollInterval keeps a misconfigured console from hammering n8n.
const MinPollInterval = time.Second

// defaultConfigPath is $XDG_CONFIG_HOME/godmode/config.toml.
func defaultConfigPath() string {
	dir := os.Getenv("XDG_CONFIG_HOME")
	if dir == "" {
		home, _ := os.UserHomeDir()
		dir = filepath.Join(home, ".config")
	}
	return filepath.Join(dir, "godmode", "config.toml")
}

// loadConfig reads the file (missing is fine: environment only) and picks
// the context: --context, then GODMODE_CONTEXT, then current_context.
func loadConfig(path, contextName string) (*Context, error) {
	explicit := path != "" || os.Getenv(envConfig) != ""
	if path == "" {
		path = os.Getenv(envConfig)
	}
	if path == "" {
		path = defaultConfigPath()
	}
	cfg := &Config{Contexts: map[string]*Context{}, path: path}
	md, err := toml.DecodeFile(path, cfg)
	switch {
	case errors.Is(err, os.ErrNotExist) && !explicit:
		// No file: everything comes from the environment.
	case errors.Is(err, os.ErrNotExist):
		return nil, fmt.Errorf("config file %s does not exist", path)
	case err != nil:
		var pe toml.ParseError
		if errors.As(err, &pe) {
			return nil, fmt.Errorf("config file %s, line %d: %s", path, pe.Position.Line, pe.Message)
		}
		return nil, fmt.Errorf("config file %s: %w", path, err)
	default:
		if un := md.Undecoded(); len(un) > 0 {
			return nil, fmt.Errorf("config file %s: unknown key %q", path, un[0].String())
		}
	}
	if contextName == "" {
		contextName = os.Getenv(envContext)
	}
	if contextName == "" {
		contextName = cfg.CurrentContext
	}
	ctx := &Context{Name: "env"}
	if contextName != "" {
		c, ok := cfg.Contexts[contextName]
		if !ok {
			return nil, fmt.Errorf("context %q is not in %s (it has: %s)", contextName, path, strings.Join(cfg.names(), ", "))
		}
		ctx = c
		ctx.Name = contextName
	}
	if ctx.DatabaseURLEnv != "" {
		ctx.DatabaseURL = os.Getenv(ctx.DatabaseURLEnv)
	}
	if v := os.Getenv(envDatabaseURL); v != "" {
		ctx.DatabaseURL = v
	}
	if ctx.OwnerDatabaseURLEnv != "" {
		ctx.OwnerDatabaseURL = os.Getenv(ctx.OwnerDatabaseURLEnv)
	}
	if v := os.Getenv(envOwnerURL); v != "" {
		ctx.OwnerDatabaseURL = v
	}
	if v := os.Getenv(envPollInterval); v != "" {
		if err := ctx.PollInterval.UnmarshalText([]byte(v)); err != nil {
			return nil, fmt.Errorf("%s: %w", envPollInterval, err)
		}
	}
	if v := os.Getenv(envTheme); v != "" {
		ctx.Theme = v
	}
	if ctx.PollInterval.Duration == 0 {
		ctx.PollInterval.Duration = 3 * time.Second
	}
	if ctx.PollInterval.Duration < MinPollInterval {
		return nil, fmt.Errorf("context %q: poll_interval %s is below the %s minimum", ctx.Name, ctx.PollInterval.Duration, MinPollInterval)
	}
	for i, in := range ctx.Instances {
		if in.Name == "" || in.BaseURL == "" {
			return nil, fmt.Errorf("config file %s: context %q, instance %d: name and base_url are required", path, ctx.Name, i+1)
		}
	}
	ctx.MasterKeyFile = expandHome(ctx.MasterKeyFile)
	return ctx, nil
}

func (c *Config) names() []string {
	var out []string
	for n := range c.Contexts {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

func expandHome(p string) string {
	if strings.HasPrefix(p, "~/") {
		home, _ := os.UserHomeDir()
		return filepath.Join(home, p[2:])
	}
	return p
}
