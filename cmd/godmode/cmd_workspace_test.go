package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestWorkspaceFreezeSaysFrozenAndUnfrozen(t *testing.T) {
	newSyncFixture(t)
	for _, tc := range []struct{ verb, want string }{{"freeze", "workspace ohio frozen\n"}, {"unfreeze", "workspace ohio unfrozen\n"}} {
		out, errOut, code := godmode(t, "", "workspace", tc.verb, "ohio", "--reason", "cli test")
		if code != 0 || out != tc.want {
			t.Errorf("workspace %s: exit %d, stdout %q (want %q), stderr %q", tc.verb, code, out, tc.want, errOut)
		}
	}
}

func TestToggleTimeoutFromFileAndEnvironment(t *testing.T) {
	isolate(t)
	t.Setenv(envToggleTimeout, "")
	path := filepath.Join(t.TempDir(), "config.toml")
	os.WriteFile(path, []byte("current_context = \"prod\"\n[contexts.prod]\ntoggle_timeout = \"2s\"\n"), 0o600)
	c, err := loadConfig(path, "")
	if err != nil || c.ToggleTimeout.Duration != 2*time.Second {
		t.Fatalf("toggle_timeout from the file: %v, %v", c, err)
	}
	t.Setenv(envToggleTimeout, "750ms")
	if c, err = loadConfig(path, ""); err != nil || c.ToggleTimeout.Duration != 750*time.Millisecond {
		t.Fatalf("%s over the file: %v, %v", envToggleTimeout, c, err)
	}
	t.Setenv(envToggleTimeout, "")
	os.WriteFile(path, []byte("current_context = \"prod\"\n[contexts.prod]\n"), 0o600)
	if c, err = loadConfig(path, ""); err != nil || c.ToggleTimeout.Duration != 5*time.Second {
		t.Fatalf("default toggle_timeout: %v, %v", c, err)
	}
	for _, bad := range []string{"forever", "1ms", "1h"} {
		t.Setenv(envToggleTimeout, bad)
		if _, err := loadConfig(path, ""); err == nil || !strings.Contains(strings.ToLower(err.Error()), "toggle") {
			t.Errorf("%s=%s: %v", envToggleTimeout, bad, err)
		}
	}
}
