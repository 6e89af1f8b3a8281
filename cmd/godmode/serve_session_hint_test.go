package main

import (
	"strings"
	"testing"
)

// The way out a served console gives for importing files is a command an
// SSH session runs as typed: its first word after HOST is a command that
// may run over SSH (it once began "godmode blueprint", which is no command).
func TestHostFilesHintIsARunnableSSHCommand(t *testing.T) {
	_, after, ok := strings.Cut(hostFilesOverSSH, "ssh HOST ")
	if !ok {
		t.Fatalf("no ssh command in %q", hostFilesOverSSH)
	}
	words := strings.Fields(after)
	found := false
	for _, c := range commands {
		if c.name == words[0] {
			found = true
		}
	}
	if _, refused := notOverSSH[words[0]]; !found || refused {
		t.Fatalf("%q: %q is not a command an SSH session may run", hostFilesOverSSH, words[0])
	}
	if words[0] != "blueprint" || words[1] != "import" || !strings.Contains(after, " - < FILE") {
		t.Fatalf("the hint %q does not import from standard input", after)
	}
}
