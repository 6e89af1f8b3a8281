package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// provision_calls_per_instance is read from the context, absent is 0 (the
// console's default), and a bound below 1 or above the client's own slots
// is refused naming the key.
func TestProvisionCallsPerInstanceFromFile(t *testing.T) {
	isolate(t)
	path := filepath.Join(t.TempDir(), "config.toml")
	write := func(extra string) {
		if err := os.WriteFile(path, []byte("current_context = \"prod\"\n[contexts.prod]\n"+extra), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("provision_calls_per_instance = 2\n")
	if c, err := loadConfig(path, ""); err != nil || c.ProvisionCalls != 2 {
		t.Fatalf("provision_calls_per_instance = 2: %v, %v", c, err)
	}
	write("")
	if c, err := loadConfig(path, ""); err != nil || c.ProvisionCalls != 0 {
		t.Fatalf("absent: %v, %v", c, err)
	}
	for _, bad := range []string{"-1", "9", "100"} {
		write("provision_calls_per_instance = " + bad + "\n")
		if _, err := loadConfig(path, ""); err == nil || !strings.Contains(err.Error(), "provision_calls_per_instance") {
			t.Errorf("provision_calls_per_instance = %s: %v", bad, err)
		}
	}
}
