package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/godmode-console/godmode/db"
	"github.com/godmode-console/godmode/db/dbtest"
)

func TestMain(m *testing.M) { dbtest.Main(m, removeBuiltGodmode) }

// godmode runs the CLI in-process with a clean environment of its own.
func godmode(t *testing.T, stdin string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(context.Background(), args, strings.NewReader(stdin), &out, &errb)
	return out.String(), errb.String(), code
}

func isolate(t *testing.T) {
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	for _, v := range []string{envConfig, envContext, envDatabaseURL, envOwnerURL, envPollInterval, envTheme, db.EnvMasterKey, db.EnvOldMasterKeys, db.EnvMasterKeyFile, envUser, envAgentSock} {
		t.Setenv(v, "")
	}
}

func TestHelpListsEverySubcommand(t *testing.T) {
	out, _, code := godmode(t, "", "--help")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	for _, c := range commands {
		if !strings.Contains(out, "\n  "+c.name+" ") {
			t.Errorf("--help does not list %s:\n%s", c.name, out)
		}
		sub, _, code := godmode(t, "", c.name, "--help")
		if code != 0 || !strings.Contains(sub, "Usage: godmode "+c.name) {
			t.Errorf("godmode %s --help: exit %d\n%s", c.name, code, sub)
		}
	}
	if _, errOut, code := godmode(t, "", "frobnicate"); code != 2 || !strings.Contains(errOut, `unknown command "frobnicate"`) {
		t.Errorf("unknown command: exit %d, %q", code, errOut)
	}
}

func TestMigrateStatusOnThrowawayPostgres(t *testing.T) {
	isolate(t)
	t.Setenv(envOwnerURL, dbtest.NewDatabase(t))
	out, _, _ := godmode(t, "", "migrate", "status")
	if st := migrationStates(out); st["00001_schema.sql"] != "pending" || len(st) < 2 {
		t.Fatalf("status before up:\n%s", out)
	}
	out, errOut, code := godmode(t, "", "migrate", "up")
	if code != 0 || !strings.Contains(out, "applied  00001  00001_schema.sql") {
		t.Fatalf("up: exit %d\n%s%s", code, out, errOut)
	}
	out, _, code = godmode(t, "", "migrate", "status")
	for name, state := range migrationStates(out) {
		if code != 0 || state != "applied" {
			t.Fatalf("status after up: exit %d, %s is %s\n%s", code, name, state, out)
		}
	}
	out, _, _ = godmode(t, "", "migrate", "up")
	if !strings.Contains(out, "up to date") {
		t.Errorf("second up: %s", out)
	}
}

func TestBadDatabaseURLsFailFastOnOneLine(t *testing.T) {
	isolate(t)
	for _, tc := range []struct{ url, want string }{
		{"postgres://ana:s3cretpw@127.0.0.1:1/godmode", "godmode migrate: database at 127.0.0.1:1/godmode is unreachable: connect: connection refused\n"},
		{"postgres://ana:s3cretpw@127.0.0.1:port/godmode", "godmode migrate: database URL is malformed: invalid port\n"},
		{"", "godmode migrate: database: no URL configured (set DATABASE_URL or database_url in the config file)\n"},
	} {
		t.Setenv(envDatabaseURL, tc.url)
		start := time.Now()
		_, errOut, code := godmode(t, "", "migrate", "status")
		if code != 1 || errOut != tc.want {
			t.Errorf("%q: exit %d, stderr %q, want %q", tc.url, code, errOut, tc.want)
		}
		if time.Since(start) > 5*time.Second {
			t.Errorf("%q took %s", tc.url, time.Since(start))
		}
	}
}

func TestInstancesAddListRemoveNeverShowTheKey(t *testing.T) {
	isolate(t)
	t.Setenv(envDatabaseURL, dbtest.URL(t))
	t.Setenv(db.EnvMasterKey, db.GenerateKey())
	const key = "n8n_api_live_0123456789abcdef"
	out, errOut, code := godmode(t, key+"\n", "instances", "add", "ohio", "--url", "https://ohio.example.com", "--api-key-stdin")
	if code != 0 || !strings.Contains(out, "added instance ohio") {
		t.Fatalf("add: exit %d %s %s", code, out, errOut)
	}
	t.Setenv("OHIO_KEY", key)
	if _, errOut, code := godmode(t, "", "instances", "add", "ohio", "--url", "https://ohio.example.com", "--api-key-env", "OHIO_KEY"); code != 1 || !strings.Contains(errOut, "ohio") {
		t.Errorf("duplicate add: exit %d %q", code, errOut)
	}
	list, _, _ := godmode(t, "", "instances", "list")
	if !strings.Contains(list, "ohio") || !strings.Contains(list, "https://ohio.example.com") || strings.Contains(list, key) {
		t.Fatalf("list:\n%s", list)
	}
	if _, errOut, code := godmode(t, "", "instances", "add", "texas", "--url", "https://t.example.com"); code != 1 || !strings.Contains(errOut, "--api-key-env VAR or --api-key-stdin") {
		t.Errorf("add without a key: exit %d %q", code, errOut)
	}
	if out, _, code := godmode(t, "", "instances", "remove", "ohio"); code != 0 || !strings.Contains(out, "removed") {
		t.Errorf("remove: %d %s", code, out)
	}
}

func TestConfigFileContextsAndErrors(t *testing.T) {
	isolate(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "config.toml")
	os.WriteFile(path, []byte(`current_context = "prod"
[contexts.prod]
database_url_env = "PROD_DB"
poll_interval = "5s"
[[contexts.prod.instances]]
name = "ohio"
base_url = "https://ohio.example.com"
api_key_env = "OHIO_KEY"
[contexts.staging]
database_url = "postgres://localhost/staging"
`), 0o600)
	t.Setenv("PROD_DB", "postgres://localhost/prod")
	c, err := loadConfig(path, "")
	if err != nil || c.Name != "prod" || c.DatabaseURL != "postgres://localhost/prod" || c.PollInterval.Duration != 5*time.Second || c.Instances[0].APIKeyEnv != "OHIO_KEY" {
		t.Fatalf("prod: %+v %v", c, err)
	}
	t.Setenv(envContext, "staging")
	if c, _ := loadConfig(path, ""); c.DatabaseURL != "postgres://localhost/staging" {
		t.Errorf("GODMODE_CONTEXT: %+v", c)
	}
	t.Setenv(envDatabaseURL, "postgres://localhost/override")
	if c, _ := loadConfig(path, "prod"); c.DatabaseURL != "postgres://localhost/override" {
		t.Errorf("DATABASE_URL does not override the file: %+v", c)
	}
	if _, err := loadConfig(path, "nope"); err == nil || !strings.Contains(err.Error(), "it has: prod, staging") {
		t.Errorf("unknown context: %v", err)
	}
	t.Setenv(envPollInterval, "100ms")
	if _, err := loadConfig(path, "prod"); err == nil || !strings.Contains(err.Error(), "minimum") {
		t.Errorf("poll interval under 1s: %v", err)
	}
	t.Setenv(envPollInterval, "")
	os.WriteFile(path, []byte("[contexts.prod]\ndatabase_url = \"x\"\npoll_intervall = \"3s\"\n"), 0o600)
	if _, err := loadConfig(path, "prod"); err == nil || !strings.Contains(err.Error(), `unknown key "contexts.prod.poll_intervall"`) {
		t.Errorf("misspelt key: %v", err)
	}
	os.WriteFile(path, []byte("[contexts.prod]\n\ndatabase_url = postgres://x\n"), 0o600)
	if _, err := loadConfig(path, "prod"); err == nil || !strings.Contains(err.Error(), "line 3") {
		t.Errorf("syntax error: %v", err)
	}
}

// migrationStates reads `migrate status` output: migration file → state.
func migrationStates(out string) map[string]string {
	st := map[string]string{}
	for _, l := range strings.Split(out, "\n")[1:] {
		if f := strings.Fields(l); len(f) >= 3 {
			st[f[1]] = f[2]
		}
	}
	return st
}

func TestConfiguredInstancesAreRecorded(t *testing.T) {
	isolate(t)
	t.Setenv(envDatabaseURL, dbtest.URL(t))
	t.Setenv(db.EnvMasterKey, db.GenerateKey())
	path := filepath.Join(t.TempDir(), "config.toml")
	os.WriteFile(path, []byte(`current_context = "prod"
[contexts.prod]
[[contexts.prod.instances]]
name = "ohio"
base_url = "https://ohio.example.com"
api_key_env = "OHIO_KEY"
`), 0o600)
	t.Setenv(envConfig, path)
	if _, errOut, code := godmode(t, "", "instances", "list"); code != 0 {
		t.Fatalf("list without the instance needing a key: %d %s", code, errOut)
	}
	_, errOut, code := godmode(t, "", "workspace", "freeze", "nope", "--reason", "x")
	if code != 1 || !strings.Contains(errOut, "OHIO_KEY is empty") {
		t.Fatalf("a configured instance without its key: exit %d, %q", code, errOut)
	}
	t.Setenv("OHIO_KEY", "n8n_api_ohio")
	_, errOut, _ = godmode(t, "", "workspace", "freeze", "nope", "--reason", "x")
	if !strings.Contains(errOut, "added instance ohio from the config") || !strings.Contains(errOut, `no workspace "nope"`) {
		t.Fatalf("first use with the key: %q", errOut)
	}
	list, _, _ := godmode(t, "", "instances", "list")
	if !strings.Contains(list, "https://ohio.example.com") || strings.Contains(list, "n8n_api_ohio") {
		t.Fatalf("list:\n%s", list)
	}
	_, errOut, _ = godmode(t, "", "workspace", "freeze", "nope", "--reason", "x")
	if strings.Contains(errOut, "from the config") {
		t.Errorf("an unchanged instance is announced again: %q", errOut)
	}
}
