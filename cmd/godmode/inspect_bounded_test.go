package main

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// A 1 GB gzip bomb (about 1 MB on disk) is refused by the binary with a
// message saying what was cut, and the process's peak memory (its max
// RSS, from the kernel) stays under 1 GB.
func TestInspectRefusesAGzipBombWithinBoundedMemory(t *testing.T) {
	bin := buildGodmode(t)
	bomb := filepath.Join(t.TempDir(), "bomb.json.gz")
	var member bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&member, gzip.BestCompression)
	zw.Write(make([]byte, 1<<20))
	zw.Close()
	f, err := os.Create(bomb)
	if err != nil {
		t.Fatal(err)
	}
	for range 1024 {
		f.Write(member.Bytes())
	}
	f.Close()

	cmd := exec.Command(bin, "inspect", "--summary", bomb)
	cmd.Env = append(os.Environ(), "XDG_CONFIG_HOME="+t.TempDir())
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err = cmd.Run()
	if err == nil {
		t.Fatal("the bomb was accepted")
	}
	if want := "bomb.json.gz: more than 512 MB after decompression; stopped reading there; raise --max-bytes"; !strings.Contains(stderr.String(), want) {
		t.Errorf("stderr %q lacks %q", stderr.String(), want)
	}
	rss := cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss << 10 // KB on Linux
	t.Logf("max RSS %d MB", rss>>20)
	if rss >= 1<<30 {
		t.Errorf("max RSS %d MB: reading a refused input must stay under 1 GB", rss>>20)
	}
}

// `godmode inspect FIFO` fed slowly obeys SIGTERM within a second, saying
// it was interrupted, instead of reading on.
func TestInspectOfAFIFOObeysSIGTERM(t *testing.T) {
	bin := buildGodmode(t)
	fifo := filepath.Join(t.TempDir(), "exec.json")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	stop := make(chan struct{})
	defer close(stop)
	go func() { // a writer that never ends: zeros, slowly
		w, err := os.OpenFile(fifo, os.O_WRONLY, 0)
		if err != nil {
			return
		}
		defer w.Close()
		w.Write([]byte(`{"id":"1","data":"`))
		zeros := bytes.Repeat([]byte("0"), 4<<10)
		for {
			select {
			case <-stop:
				return
			case <-time.After(10 * time.Millisecond):
			}
			if _, err := w.Write(zeros); err != nil {
				return
			}
		}
	}()
	cmd := exec.Command(bin, "inspect", "--summary", fifo)
	cmd.Env = append(os.Environ(), "XDG_CONFIG_HOME="+t.TempDir())
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	time.Sleep(500 * time.Millisecond) // reading by now
	cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-exited:
		if err == nil {
			t.Errorf("exit 0 after SIGTERM mid-read")
		}
		if s := stderr.String(); !strings.Contains(s, "interrupted") || !strings.Contains(s, "exec.json") {
			t.Errorf("stderr does not say the read of exec.json was interrupted: %q", s)
		}
	case <-time.After(time.Second):
		cmd.Process.Kill()
		<-exited
		t.Fatalf("SIGTERM not obeyed within 1 s (stderr %q)", stderr.String())
	}
}

// Must show: inspect --summary of an execution whose node name, workflow
// name and error carry escape sequences prints no byte below 0x20 but
// newline and tab, no DEL and no C1 control; --json keeps them exact.
func TestInspectSummaryPrintsNoControlCharacters(t *testing.T) {
	isolate(t)
	const evil = "\x1b]52;c;cm0gLXJmIH4=\x07\x1b[2J\x1b]0;owned\x07\u009b31m\r\x7f!"
	node := "Send " + evil
	doc := map[string]any{"id": "7", "status": "error", "mode": "webhook",
		"startedAt": "2026-11-21T23:15:56.593Z", "stoppedAt": "2026-11-21T23:15:56.622Z",
		"workflowData": map[string]any{"name": "Ohio " + evil, "nodes": []any{map[string]any{"name": node, "type": "n8n-nodes-base.code"}}},
		"data": map[string]any{"resultData": map[string]any{"runData": map[string]any{node: []any{map[string]any{
			"startTime": 1795302956601, "executionTime": 3, "executionStatus": "error",
			"error": map[string]any{"message": "SMTP " + evil}}}}}}}
	raw, _ := json.Marshal(doc)
	path := filepath.Join(t.TempDir(), "evil.json")
	if err := os.WriteFile(path, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	out, errOut, code := godmode(t, "", "inspect", "--summary", path)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for i, r := range out {
		if r < 0x20 && r != '\n' && r != '\t' || r >= 0x7f && r <= 0x9f {
			t.Fatalf("offset %d: control %U printed:\n%q", i, r, out)
		}
	}
	if !strings.Contains(out, "FAILED at Send ␛]52;c;") || !strings.Contains(out, "workflow  Ohio ␛]52;") {
		t.Errorf("the names are not shown, cleaned:\n%s", out)
	}
	js, _, code := godmode(t, "", "inspect", "--json", path)
	var s struct {
		WorkflowName string `json:"workflow_name"`
		Failure      struct{ Node, Message string }
	}
	if err := json.Unmarshal([]byte(js), &s); code != 0 || err != nil || s.WorkflowName != "Ohio "+evil || s.Failure.Node != node || s.Failure.Message != "SMTP "+evil {
		t.Errorf("--json is not exact (exit %d, %v): %+v", code, err, s)
	}
}
