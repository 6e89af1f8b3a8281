package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/godmode-console/godmode/db"
	"github.com/godmode-console/godmode/db/dbtest"
	"github.com/godmode-console/godmode/n8n/n8ntest"
)

// unreachable is a database no command should get to: argument errors must
// come first.
const unreachable = "postgres://ana:pw@127.0.0.1:1/godmode"

func TestInstanceURLsRefuseClearHTTPAndCredentials(t *testing.T) {
	isolate(t)
	t.Setenv(envDatabaseURL, unreachable)
	t.Setenv("K", "n8n_api_k")
	for _, tc := range []struct {
		args []string
		want []string // in stderr
	}{
		{[]string{"instances", "add", "ohio", "--url", "http://ohio.example.com", "--api-key-env", "K"}, []string{"--url", "plain http", "--insecure-http"}},
		{[]string{"instances", "add", "ohio", "--url", "http://10.0.0.7:5678", "--api-key-env", "K"}, []string{"--url", "--insecure-http"}},
		{[]string{"instances", "add", "ohio", "--url", "https://ohio.example.com", "--webhook-url", "http://hooks.example.com", "--api-key-env", "K"}, []string{"--webhook-url", "--insecure-http"}},
		{[]string{"instances", "add", "ohio", "--url", "https://admin:s3cretpw@ohio.example.com", "--api-key-env", "K"}, []string{"--url carries credentials (user:password@)"}},
		{[]string{"instances", "set-url", "ohio", "--url", "http://ohio.example.com"}, []string{"--url", "--insecure-http"}},
	} {
		_, errOut, code := godmode(t, "", tc.args...)
		if code != 1 {
			t.Errorf("%v: exit %d %q", tc.args, code, errOut)
		}
		for _, w := range tc.want {
			if !strings.Contains(errOut, w) {
				t.Errorf("%v: stderr %q does not say %q", tc.args, errOut, w)
			}
		}
		if strings.Contains(errOut, "s3cretpw") || strings.Contains(errOut, "unreachable") {
			t.Errorf("%v: stderr %q", tc.args, errOut)
		}
	}
	// Loopback may be plain http; anything else with the flag.
	t.Setenv(envDatabaseURL, dbtest.URL(t))
	t.Setenv(db.EnvMasterKey, db.GenerateKey())
	for _, args := range [][]string{
		{"instances", "add", "local", "--url", "http://127.0.0.1:5678", "--api-key-env", "K"},
		{"instances", "add", "lan", "--url", "http://10.0.0.7:5678", "--insecure-http", "--api-key-env", "K"},
	} {
		if _, errOut, code := godmode(t, "", args...); code != 0 {
			t.Errorf("%v: exit %d %q", args, code, errOut)
		}
	}
	// The config file obeys the same rules and names its own setting.
	path := filepath.Join(t.TempDir(), "config.toml")
	os.WriteFile(path, []byte("[contexts.prod]\n[[contexts.prod.instances]]\nname = \"ohio\"\nbase_url = \"http://ohio.example.com\"\napi_key_env = \"K\"\n"), 0o600)
	_, errOut, code := godmode(t, "", "--config", path, "--context", "prod", "instances", "list")
	if code != 1 || !strings.Contains(errOut, "instance ohio: invalid: base_url") || !strings.Contains(errOut, "insecure_http = true") {
		t.Errorf("plain http in the config: exit %d %q", code, errOut)
	}
}

func TestArgumentsAreCheckedBeforeTheDatabase(t *testing.T) {
	isolate(t)
	t.Setenv(envDatabaseURL, unreachable)
	t.Setenv("K", "n8n_api_k")
	for _, args := range [][]string{
		{"instances", "add", "Bad Name", "--url", "https://x.example.com", "--api-key-env", "K"},
		{"instances", "add", "ohio", "--url", "https://x.example.com"},
		{"instances", "add", "ohio", "--url", "https://x.example.com", "--api-key-env", "UNSET_VAR"},
		{"instances", "add", "ohio", "--url", "not a url", "--api-key-env", "K"},
		{"instances", "remove"},
		{"instances", "remove", "a", "b"},
		{"instances", "set-key", "ohio"},
		{"instances", "set-url", "ohio"},
		{"instances", "list", "extra"},
		{"instances", "frobnicate"},
		{"users", "add", "not-an-email"},
		{"users", "add-key", "ana@example.com", "/nonexistent/id.pub"},
		{"users", "add-key", "ana@example.com", "-"},
		{"users", "add-key", "ana@example.com"},
		{"users", "list", "extra"},
	} {
		_, errOut, code := godmode(t, "garbage, not a key\n", args...)
		if code == 0 || strings.Contains(errOut, "unreachable") || errOut == "" {
			t.Errorf("%v: exit %d, stderr %q: want an argument error before connecting", args, code, errOut)
		}
	}
}

func TestMasterKeyFileReadableByOthersWarns(t *testing.T) {
	isolate(t)
	file := filepath.Join(t.TempDir(), "master.key")
	os.WriteFile(file, []byte(db.GenerateKey()+"\n"), 0o644)
	os.Chmod(file, 0o644)
	t.Setenv(db.EnvMasterKeyFile, file)
	_, errOut, code := godmode(t, "", "keys", "id")
	if code != 0 || !strings.Contains(errOut, "warning: master key file "+file+" is readable by group or others (mode 0644): chmod 600") {
		t.Fatalf("0644 key file: exit %d %q", code, errOut)
	}
	os.Chmod(file, 0o600)
	if _, errOut, _ := godmode(t, "", "keys", "id"); errOut != "" {
		t.Errorf("0600 key file: %q", errOut)
	}
}

func TestAKeyInTheEnvironmentIsUsedButNotStored(t *testing.T) {
	isolate(t)
	url := dbtest.URL(t)
	t.Setenv(envDatabaseURL, url)
	t.Setenv(db.EnvMasterKey, db.GenerateKey())
	store := testStore(t, url)
	ctx := context.Background()
	srv := n8ntest.New()
	defer srv.Close()
	// The stored key is not the one n8n accepts; this person's is.
	inst, err := store.AddInstance(ctx, db.NewInstance{Name: "ohio", BaseURL: srv.URL, APIKey: "n8n_api_shared_stale"})
	if err != nil {
		t.Fatal(err)
	}
	ohio, _ := store.CreateWorkspace(ctx, "ohio", "Ohio Roofing", &inst.ID)
	seedDemoLikeFailure(t, store, srv, ohio)
	execs := srv.Executions()
	id := execs[len(execs)-1].ID
	var before []byte
	store.Pool().QueryRow(ctx, `SELECT api_key_ciphertext FROM n8n_instances WHERE id = $1`, inst.ID).Scan(&before)

	path := filepath.Join(t.TempDir(), "config.toml")
	os.WriteFile(path, []byte("[contexts.prod]\n[[contexts.prod.instances]]\nname = \"ohio\"\nbase_url = \""+srv.URL+"\"\napi_key_env = \"OHIO_KEY\"\n"), 0o600)
	t.Setenv(envConfig, path)
	t.Setenv(envContext, "prod")
	t.Setenv("OHIO_KEY", srv.APIKey)
	out, errOut, code := godmode(t, "", "inspect", "--summary", id)
	if code != 0 || !strings.Contains(out, "FAILED at Email Sender") {
		t.Fatalf("inspect with this person's key: exit %d\n%s%s", code, out, errOut)
	}
	if !strings.Contains(errOut, "for this process only") {
		t.Errorf("no word that the stored key stays: %q", errOut)
	}
	var after []byte
	store.Pool().QueryRow(ctx, `SELECT api_key_ciphertext FROM n8n_instances WHERE id = $1`, inst.ID).Scan(&after)
	if !bytes.Equal(before, after) {
		t.Fatal("a read-only command replaced the stored ciphertext with this person's key")
	}
	if k, _ := store.InstanceAPIKey(ctx, inst.ID); k != "n8n_api_shared_stale" {
		t.Fatalf("stored key now %q", k)
	}
	// Garbage in one person's environment breaks only their own process.
	t.Setenv("OHIO_KEY", "garbage")
	if _, errOut, code := godmode(t, "", "inspect", "--summary", id); code != 1 || !strings.Contains(errOut, "401") && !strings.Contains(strings.ToLower(errOut), "unauthori") {
		t.Errorf("inspect with a garbage key: exit %d %q", code, errOut)
	}
	store.Pool().QueryRow(ctx, `SELECT api_key_ciphertext FROM n8n_instances WHERE id = $1`, inst.ID).Scan(&after)
	if !bytes.Equal(before, after) {
		t.Fatal("the garbage key was stored")
	}
	// Storing it is the explicit, audited set-key.
	t.Setenv("OHIO_KEY", srv.APIKey)
	if _, errOut, code := godmode(t, "", "instances", "set-key", "ohio", "--api-key-env", "OHIO_KEY"); code != 0 {
		t.Fatalf("set-key: %q", errOut)
	}
	if k, _ := store.InstanceAPIKey(ctx, inst.ID); k != srv.APIKey {
		t.Fatalf("after set-key the stored key is %q", k)
	}
}

// A base URL edited in the database behind godmode's back reaches the
// operator in a warning: it is data, so it is printed without its escapes.
func TestAStoredBaseURLInAWarningIsCleaned(t *testing.T) {
	isolate(t)
	d := dbtest.Fresh(t)
	t.Setenv(envDatabaseURL, d.Runtime)
	t.Setenv(db.EnvMasterKey, db.GenerateKey())
	store := testStore(t, d.Runtime)
	ctx := context.Background()
	if _, err := store.AddInstance(ctx, db.NewInstance{Name: "ohio", BaseURL: "https://ohio.example.com", APIKey: "n8n_api_x"}); err != nil {
		t.Fatal(err)
	}
	super := testStore(t, d.Super)
	if _, err := super.Pool().Exec(ctx, "UPDATE n8n_instances SET base_url = $1 WHERE name = 'ohio'", "https://evil.example.com/\x1b]52;c;aGk=\x07\x1b[2J"); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "config.toml")
	os.WriteFile(path, []byte("[contexts.prod]\n[[contexts.prod.instances]]\nname = \"ohio\"\nbase_url = \"https://ohio.example.com\"\napi_key_env = \"OHIO_KEY\"\n"), 0o600)
	t.Setenv(envConfig, path)
	t.Setenv(envContext, "prod")
	_, errOut, _ := godmode(t, "", "campaigns")
	if !strings.Contains(errOut, "the config says base_url https://ohio.example.com") {
		t.Fatalf("no warning about the differing base_url: %q", errOut)
	}
	for i := 0; i < len(errOut); i++ {
		if c := errOut[i]; c < 0x20 && c != '\n' && c != '\t' || c == 0x7f {
			t.Fatalf("control byte %#x in %q", c, errOut)
		}
	}
}
