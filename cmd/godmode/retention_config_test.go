package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/godmode-console/godmode/model"
)

func TestRetentionFromConfigAndEnvironment(t *testing.T) {
	isolate(t)
	t.Setenv(envExecutionRetention, "")
	t.Setenv(envFindingRetention, "")
	path := filepath.Join(t.TempDir(), "config.toml")
	os.WriteFile(path, []byte(`current_context = "prod"
[contexts.prod]
database_url = "postgres://localhost/prod"
execution_retention = "45d"
finding_retention = "off"
`), 0o600)
	c, err := loadConfig(path, "")
	if err != nil {
		t.Fatal(err)
	}
	opt := c.syncOptions(model.SyncOptions{})
	if opt.ExecutionRetention != 45*24*time.Hour || opt.FindingRetention >= 0 {
		t.Errorf("from the file: executions %s, findings %s; want 45 days and kept forever", opt.ExecutionRetention, opt.FindingRetention)
	}
	t.Setenv(envExecutionRetention, "240h")
	if c, err := loadConfig(path, ""); err != nil || c.ExecutionRetention.Duration != 10*24*time.Hour {
		t.Errorf("%s=240h: %+v %v", envExecutionRetention, c, err)
	}
	for v, want := range map[string]string{"1h": "below the 48h0m0s minimum", "a month": `"a month" is not a retention`} {
		t.Setenv(envExecutionRetention, v)
		if _, err := loadConfig(path, ""); err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), envExecutionRetention) {
			t.Errorf("%s=%s: %v, want %q", envExecutionRetention, v, err, want)
		}
	}
	// Unset, the model's defaults apply.
	t.Setenv(envExecutionRetention, "")
	os.WriteFile(path, []byte("[contexts.prod]\ndatabase_url = \"x\"\n"), 0o600)
	c, _ = loadConfig(path, "prod")
	if opt := c.syncOptions(model.SyncOptions{}); opt.ExecutionRetention != 0 || opt.FindingRetention != 0 {
		t.Errorf("unset retention: %s %s, want 0 (the defaults)", opt.ExecutionRetention, opt.FindingRetention)
	}
}
