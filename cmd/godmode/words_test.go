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

func TestConsoleHelpReadsRight(t *testing.T) {
	out, _, code := godmode(t, "", "console", "--help")
	if code != 0 || !strings.Contains(out, "\n  -no-sync\n") || strings.Contains(out, "-no-sync godmode") {
		t.Errorf("console --help: exit %d\n%s", code, out)
	}
	// Each flag's value has a name that says what it is.
	for cmd, want := range map[string]string{"workspace": "\n  -reason TEXT\n", "sync": "\n  -listen ADDR\n",
		"inspect": "\n  -instance NAME\n    \tthe n8n instance NAME that holds the execution", "version": "Usage: godmode version\n"} {
		if out, _, _ := godmode(t, "", cmd, "--help"); !strings.Contains(out, want) {
			t.Errorf("%s --help lacks %q:\n%s", cmd, want, out)
		}
	}
}

func TestArgumentsAreCheckedBeforeConnecting(t *testing.T) {
	isolate(t)
	// Nothing listens there: a command that connects first says so.
	t.Setenv(envDatabaseURL, "postgres://ana:pw@127.0.0.1:1/godmode")
	for _, tc := range []struct {
		env  string
		args []string
		want string
	}{
		{"", []string{"workspace", "freeze", "ohio"}, "a freeze needs --reason TEXT"},
		{"", []string{"workspace", "unfreeze", "Ohio Roofing", "--reason", "paid"}, `"Ohio Roofing" is not a workspace slug`},
		{"", []string{"sync", "ohio"}, `unexpected argument "ohio"`},
		{"", []string{"console", "ohio"}, `unexpected argument "ohio"`},
		{"", []string{"console", "--sync-every", "10ms"}, "below the 1s minimum"},
		{"nope", []string{"console"}, `unknown theme "nope"`},
		{"", []string{"inspect", "42", "--summary", "--instance", "Ohio West"}, `--instance "Ohio West" is not an n8n instance name`},
		{"", []string{"inspect", "42"}, "godmode needs a terminal; for scripts use the subcommands: godmode inspect --summary (or --json) 42"},
	} {
		t.Setenv(envTheme, tc.env)
		_, errOut, code := godmode(t, "", tc.args...)
		if code == 0 || !strings.Contains(errOut, tc.want) || strings.Contains(errOut, "unreachable") {
			t.Errorf("godmode %s: exit %d, %q; want %q before any connection", strings.Join(tc.args, " "), code, errOut, tc.want)
		}
	}
}

func TestConsoleWithoutATerminalSaysSo(t *testing.T) {
	isolate(t)
	t.Setenv(envDatabaseURL, dbtest.NewDatabase(t))
	t.Setenv(db.EnvMasterKey, db.GenerateKey())
	devNull, err := os.Open(os.DevNull)
	if err != nil {
		t.Fatal(err)
	}
	defer devNull.Close()
	for _, cmd := range []string{"console", "demo"} {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		var out, errb bytes.Buffer
		code := run(ctx, []string{cmd}, devNull, &out, &errb)
		cancel()
		if code != 2 || errb.String() != "godmode needs a terminal; for scripts use the subcommands (godmode --help lists them)\n" {
			t.Errorf("godmode %s </dev/null: exit %d, stderr %q", cmd, code, errb.String())
		}
	}
}

func TestErrorsNameThingsOnce(t *testing.T) {
	isolate(t)
	dir := t.TempDir()
	if _, errOut, _ := godmode(t, "", "--config", dir, "sync"); strings.Count(errOut, dir) != 1 {
		t.Errorf("a config path that is a folder: %q names it %d times", errOut, strings.Count(errOut, dir))
	}
	missing := filepath.Join(dir, "gone.json")
	if _, errOut, _ := godmode(t, "", "inspect", "--summary", missing); strings.Count(errOut, missing) != 1 {
		t.Errorf("a missing execution file: %q names it %d times", errOut, strings.Count(errOut, missing))
	}
	bad := filepath.Join(dir, "bad.json")
	os.WriteFile(bad, []byte("{"), 0o600)
	if _, errOut, _ := godmode(t, "", "inspect", "--summary", bad); strings.Count(errOut, bad) != 1 {
		t.Errorf("a broken execution file: %q names it %d times", errOut, strings.Count(errOut, bad))
	}
}

func TestUnsetDatabaseURLEnvIsNamed(t *testing.T) {
	isolate(t)
	path := filepath.Join(t.TempDir(), "config.toml")
	os.WriteFile(path, []byte("current_context = \"prod\"\n[contexts.prod]\ndatabase_url_env = \"PROD_DATABASE_URL\"\n"), 0o600)
	t.Setenv("PROD_DATABASE_URL", "")
	_, errOut, code := godmode(t, "", "--config", path, "sync")
	if code != 1 || !strings.Contains(errOut, "database_url_env names PROD_DATABASE_URL, which is not set") {
		t.Errorf("database_url_env naming an unset variable: exit %d, %q", code, errOut)
	}
}

func TestCommandLineMistakesAreSaidOnStderrInOneLine(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--bogus"}, "godmode: flag provided but not defined: -bogus (see godmode --help)\n"},
		{[]string{"sync", "--every", "abc"}, "godmode sync: invalid value \"abc\" for flag -every: parse error (see godmode sync --help)\n"},
		{[]string{"workspace", "thaw", "ohio"}, "godmode workspace: \"thaw\" is not a workspace action: say create, list, show, archive, restore, freeze or unfreeze: " +
			"godmode workspace create SLUG --name NAME --instance NAME | list | show SLUG | archive SLUG | restore SLUG | freeze|unfreeze SLUG --reason TEXT\n"},
	} {
		out, errOut, code := godmode(t, "", tc.args...)
		if code != 2 || out != "" || errOut != tc.want {
			t.Errorf("godmode %s: exit %d, stdout %q, stderr %q; want 2, nothing, %q", strings.Join(tc.args, " "), code, out, errOut, tc.want)
		}
	}
	// A usage printed for a mistake goes to stderr, not into a pipe.
	if out, errOut, code := godmode(t, "", "instances"); code != 2 || out != "" || !strings.Contains(errOut, "Usage: godmode instances") {
		t.Errorf("godmode instances: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
}

func TestAContextNotInTheConfigSaysWhy(t *testing.T) {
	isolate(t)
	if _, errOut, _ := godmode(t, "", "--context", "prod", "sync"); !strings.Contains(errOut, `context "prod" is not in`) || !strings.HasSuffix(errOut, "(the file does not exist)\n") {
		t.Errorf("--context without a config file: %q", errOut)
	}
	path := filepath.Join(t.TempDir(), "config.toml")
	os.WriteFile(path, []byte("# nothing yet\n"), 0o600)
	if _, errOut, _ := godmode(t, "", "--config", path, "--context", "prod", "sync"); !strings.HasSuffix(errOut, "(it has no contexts)\n") {
		t.Errorf("--context with an empty config file: %q", errOut)
	}
}

// Every command's summary starts in one column of `godmode --help`, the
// longest name included (with "executions" it used to touch its summary).
func TestHelpListsCommandsInOneColumn(t *testing.T) {
	out, _, code := godmode(t, "", "--help")
	if code != 0 {
		t.Fatalf("--help: exit %d", code)
	}
	col := -1
	for _, c := range commands {
		line := ""
		for _, l := range strings.Split(out, "\n") {
			if strings.HasPrefix(l, "  "+c.name+" ") {
				line = l
			}
		}
		at := strings.Index(line, c.summary)
		if line == "" || at < len("  "+c.name+"  ") {
			t.Fatalf("command %s: line %q has no summary two spaces after the name", c.name, line)
		}
		if col >= 0 && at != col {
			t.Errorf("command %s: summary at column %d, others at %d", c.name, at, col)
		}
		col = at
	}
}
