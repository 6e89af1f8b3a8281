package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/BurntSushi/toml"

	"github.com/godmode-console/godmode/model"
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
//	toggle_timeout   = "5s"
//	execution_retention = "30d"   # sync deletes older executions ("off" keeps them)
//	finding_retention   = "90d"   # and findings resolved longer ago
//	[[contexts.prod.instances]]
//	name             = "ohio"
//	base_url         = "https://ohio.n8n.example.com"
//	webhook_base_url = "https://hooks.example.com"
//	api_key_env      = "N8N_OHIO_API_KEY"
//	insecure_http    = false                 # plain http to another machine
type Config struct {
	CurrentContext string              `toml:"current_context"`
	Contexts       map[string]*Context `toml:"contexts"`
	path           string
}

// Context is one environment godmode can operate.
type Context struct {
	Name           string   `toml:"-"`
	DatabaseURL    string   `toml:"database_url"`
	DatabaseURLEnv string   `toml:"database_url_env"`
	MasterKeyFile  string   `toml:"master_key_file"`
	PollInterval   duration `toml:"poll_interval"`
	Theme          string   `toml:"theme"`
	ToggleTimeout  duration `toml:"toggle_timeout"` // bound of a toggle's n8n calls (default 5s)
	// ProvisionCalls bounds the provisioning calls in flight to one n8n
	// instance (0: model.DefaultProvisionCalls).
	ProvisionCalls int `toml:"provision_calls_per_instance"`
	// FailureSummaries is the budget of n8n calls each sync cycle of an
	// instance spends on failure summaries for the pulse (absent: the
	// model's default; 0: none).
	FailureSummaries *int   `toml:"failure_summaries_per_cycle"`
	ThemeFile        string `toml:"theme_file"`
	// Retention sync applies (zero: the defaults, 30 and 90 days).
	ExecutionRetention retention        `toml:"execution_retention"`
	FindingRetention   retention        `toml:"finding_retention"`
	Instances          []InstanceConfig `toml:"instances"`

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
	InsecureHTTP   bool   `toml:"insecure_http"` // allow plain http to another machine
}

// checkInstanceConfig applies the rules of `godmode instances add` to an
// instance named in the file, normalising its URLs.
func checkInstanceConfig(in *InstanceConfig) error {
	if err := model.CheckInstanceName(in.Name); err != nil {
		return err
	}
	var err error
	if in.BaseURL, err = model.CheckInstanceURL("base_url", in.BaseURL, in.InsecureHTTP, "insecure_http = true"); err != nil {
		return err
	}
	if in.WebhookBaseURL != "" {
		in.WebhookBaseURL, err = model.CheckInstanceURL("webhook_base_url", in.WebhookBaseURL, in.InsecureHTTP, "insecure_http = true")
	}
	return err
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

// retention is how long sync keeps a kind of row: "30d", "720h", or "off"
// (kept forever, stored as a negative duration).
type retention struct{ time.Duration }

// minRetention keeps sync's own reading intact: summaries count the last
// day's executions.
const minRetention = 48 * time.Hour

func (r *retention) UnmarshalText(b []byte) error {
	s := strings.TrimSpace(string(b))
	if s == "off" {
		r.Duration = -1
		return nil
	}
	d, err := time.ParseDuration(s)
	if days, ok := strings.CutSuffix(s, "d"); ok {
		n, aerr := strconv.Atoi(days)
		d, err = time.Duration(n)*24*time.Hour, aerr
	}
	if err != nil {
		return fmt.Errorf("%q is not a retention (try \"30d\", \"720h\" or \"off\")", s)
	}
	if d < minRetention {
		return fmt.Errorf("retention %q is below the %s minimum (say \"off\" to keep everything)", s, minRetention)
	}
	r.Duration = d
	return nil
}

// Environment variables that override the file.
const (
	envConfig             = "GODMODE_CONFIG"
	envContext            = "GODMODE_CONTEXT"
	envDatabaseURL        = "DATABASE_URL"
	envPollInterval       = "GODMODE_POLL_INTERVAL"
	envTheme              = "GODMODE_THEME"
	envToggleTimeout      = "GODMODE_TOGGLE_TIMEOUT"
	envExecutionRetention = "GODMODE_EXECUTION_RETENTION"
	envFindingRetention   = "GODMODE_FINDING_RETENTION"
	envOwnerURL           = "GODMODE_OWNER_DATABASE_URL"
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
	noFile := errors.Is(err, os.ErrNotExist)
	switch {
	case errors.Is(err, os.ErrNotExist) && !explicit:
		// No file: everything comes from the environment.
	case errors.Is(err, os.ErrNotExist):
		return nil, fmt.Errorf("config file %s does not exist", path)
	case err != nil:
		var pe toml.ParseError
		var fe *fs.PathError
		switch {
		case errors.As(err, &pe):
			return nil, fmt.Errorf("config file %s, line %d: %s", path, pe.Position.Line, pe.Message)
		case errors.As(err, &fe):
			return nil, fmt.Errorf("config file %s: %w", path, fe.Err) // fe would name the path again
		}
		return nil, fmt.Errorf("config file %s: %s", path, strings.TrimPrefix(err.Error(), "toml: "))
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
			has := "it has: " + strings.Join(cfg.names(), ", ")
			switch {
			case noFile:
				has = "the file does not exist"
			case len(cfg.Contexts) == 0:
				has = "it has no contexts"
			}
			return nil, fmt.Errorf("context %q is not in %s (%s)", contextName, path, has)
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
	if ctx.DatabaseURLEnv != "" && ctx.DatabaseURL == "" {
		return nil, fmt.Errorf("context %q: database_url_env names %s, which is not set (export %s, or set %s)",
			ctx.Name, ctx.DatabaseURLEnv, ctx.DatabaseURLEnv, envDatabaseURL)
	}
	for _, r := range []struct {
		env string
		to  *retention
	}{{envExecutionRetention, &ctx.ExecutionRetention}, {envFindingRetention, &ctx.FindingRetention}} {
		if v := os.Getenv(r.env); v != "" {
			if err := r.to.UnmarshalText([]byte(v)); err != nil {
				return nil, fmt.Errorf("%s: %w", r.env, err)
			}
		}
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
		if err := checkInstanceConfig(&ctx.Instances[i]); err != nil {
			return nil, fmt.Errorf("config file %s: context %q, instance %s: %w", path, ctx.Name, in.Name, err)
		}
	}
	if err := ctx.toggleTimeout(); err != nil {
		return nil, err
	}
	if n := ctx.ProvisionCalls; n < 0 || n > maxProvisionCalls {
		return nil, fmt.Errorf("config file %s: context %q: provision_calls_per_instance %d must be between 1 and %d (0 or absent: %d)", path, ctx.Name, n, maxProvisionCalls, model.DefaultProvisionCalls)
	}
	if n := ctx.FailureSummaries; n != nil && (*n < 0 || *n > maxFailureSummaries) {
		return nil, fmt.Errorf("config file %s: context %q: failure_summaries_per_cycle %d must be between 0 (none) and %d (absent: %d)",
			path, ctx.Name, *n, maxFailureSummaries, model.DefaultFailureSummaries)
	}
	ctx.MasterKeyFile = expandHome(ctx.MasterKeyFile)
	return ctx, nil
}

// maxFailureSummaries bounds the summaries' budget: each call may read an
// execution of megabytes, within the cycle's deadline.
const maxFailureSummaries = 1000

// maxProvisionCalls is the most provisioning calls in flight per instance
// a context may ask: more than the n8n client's own eight slots would
// only queue there, starving the console's reads of that instance.
const maxProvisionCalls = 8

// toggleTimeout applies GODMODE_TOGGLE_TIMEOUT and the default, and refuses
// a bound no toggle could meet or one that keeps a person waiting.
func (c *Context) toggleTimeout() error {
	if v := os.Getenv(envToggleTimeout); v != "" {
		if err := c.ToggleTimeout.UnmarshalText([]byte(v)); err != nil {
			return fmt.Errorf("%s: %w", envToggleTimeout, err)
		}
	}
	if c.ToggleTimeout.Duration == 0 {
		c.ToggleTimeout.Duration = model.DefaultToggleTimeout
	}
	if d := c.ToggleTimeout.Duration; d < 100*time.Millisecond || d > 5*time.Minute {
		return fmt.Errorf("context %q: toggle_timeout %s must be between 100ms and 5m", c.Name, d)
	}
	return nil
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
