package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// openForensicsOver opens the newest execution of Email-1 in a member's
// console over SSH.
func openForensicsOver(t *testing.T, sv *served, f scriptFleet) *screen {
	t.Helper()
	sc := openConsoleOver(t, sv.dial(t, f.member), 250, 40, nil)
	sc.waitScreen(10*time.Second, append(fleetScreen, "Executions of Email-1")...)
	sc.typeKeys("\t\t\r") // the executions pane, enter on its first row
	sc.waitScreen(15*time.Second, "Timeline [")
	return sc
}

func TestSaveOverSSHLandsInTheUsersFolderOnly(t *testing.T) {
	f := newScriptFleet(t)
	root := t.TempDir()
	sv := startServe(t, "--save-dir", root)
	sc := openForensicsOver(t, sv, f)
	sc.typeKeys("x")
	dir := filepath.Join(root, "member_ohio.io")
	want := filepath.Join(dir, "execution-"+f.failed.ID+".json")
	sc.waitScreen(5*time.Second, "saved the sanitized execution to "+want)
	st, err := os.Stat(dir)
	if err != nil || st.Mode().Perm() != 0o700 {
		t.Errorf("the user's folder: %v %v, want mode 0700", st.Mode(), err)
	}
	if b, err := os.ReadFile(want); err != nil || !strings.Contains(string(b), f.failed.ID) {
		t.Errorf("the saved file: %v %.80q", err, b)
	}
	entries, _ := os.ReadDir(root)
	if len(entries) != 1 {
		t.Errorf("--save-dir holds %d entries, want the user's folder only", len(entries))
	}
}

func TestSaveOverSSHIsRefusedWithoutASaveDir(t *testing.T) {
	f := newScriptFleet(t)
	wd := t.TempDir()
	t.Chdir(wd)
	sv := startServe(t)
	sc := openForensicsOver(t, sv, f)
	sc.typeKeys("x")
	sc.waitScreen(5*time.Second, "saving is off over SSH", "--save-dir")
	if entries, _ := os.ReadDir(wd); len(entries) != 0 {
		t.Errorf("the server's working directory got %d files", len(entries))
	}
}

func TestCopyReachesTheSSHClientAsOSC52(t *testing.T) {
	f := newScriptFleet(t)
	sv := startServe(t)
	sc := openForensicsOver(t, sv, f)
	m := sc.mark()
	sc.typeKeys("Y")
	sc.waitScreen(5*time.Second, "copied")
	if !strings.Contains(sc.raw()[m:], "\x1b]52;c;") {
		t.Errorf("no OSC 52 sequence reached the client after the copy:\n%q", sc.raw()[m:])
	}
}
