package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// BenchmarkStartup is `godmode version` as a whole process: ns/op is one
// process, from exec to exit (target: under 15 ms). The binary is built
// outside the timed loop, once per test binary.
func BenchmarkStartup(b *testing.B) {
	bin := buildGodmode(b)
	b.Run("version", func(b *testing.B) {
		for b.Loop() {
			out, err := exec.Command(bin, "version").Output()
			if err != nil || !bytes.HasPrefix(out, []byte("godmode ")) {
				b.Fatalf("godmode version: %v %q", err, out)
			}
		}
	})
}

// BenchmarkInspectSummaryWholeProcess is `godmode inspect --summary FILE`
// on the 42 MB execution as a whole process (start-up, reading, summary),
// beside the same summary in-process and `jq -c . FILE` on the same file,
// in the same run. The jq sub-benchmark reports how many times faster
// godmode is than jq (target ≥ 7), the godmode one how many times its
// in-process cost the process takes (target ≤ 2). The sub-benchmarks run in
// the order written, so each ratio uses the latest figure of the ones before.
func BenchmarkInspectSummaryWholeProcess(b *testing.B) {
	jq, err := exec.LookPath("jq")
	if err != nil {
		b.Fatalf("jq is not on PATH (install it: apt-get install jq); it is this benchmark's baseline: %v", err)
	}
	bin := buildGodmode(b)
	file := filepath.Join(b.TempDir(), "execution-error-42mb.json")
	gunzip(b, filepath.Join("..", "..", "forensics", "testdata", "execution-error-42mb.json.gz"), file)
	st, err := os.Stat(file)
	if err != nil {
		b.Fatal(err)
	}
	var inProcess, whole time.Duration // per op, of the latest run of each
	b.Run("in-process", func(b *testing.B) {
		b.SetBytes(st.Size())
		for b.Loop() {
			var out, errs bytes.Buffer
			if code := run(context.Background(), []string{"inspect", "--summary", file}, strings.NewReader(""), &out, &errs); code != 0 || !strings.Contains(out.String(), "OpenAI Agent") {
				b.Fatalf("inspect --summary exited %d: %s%s", code, out.String(), errs.String())
			}
		}
		inProcess = b.Elapsed() / time.Duration(b.N)
	})
	b.Run("godmode", func(b *testing.B) {
		b.SetBytes(st.Size())
		for b.Loop() {
			out, err := exec.Command(bin, "inspect", "--summary", file).Output()
			if err != nil || !bytes.Contains(out, []byte("OpenAI Agent")) {
				b.Fatalf("godmode inspect --summary: %v %q", err, out)
			}
		}
		whole = b.Elapsed() / time.Duration(b.N)
		if inProcess > 0 {
			b.ReportMetric(float64(whole)/float64(inProcess), "x-in-process")
		}
	})
	b.Run("jq", func(b *testing.B) {
		b.SetBytes(st.Size())
		for b.Loop() {
			cmd := exec.Command(jq, "-c", ".", file)
			cmd.Stdout = io.Discard
			if err := cmd.Run(); err != nil {
				b.Fatalf("jq -c . %s: %v", file, err)
			}
		}
		if whole > 0 {
			b.ReportMetric(float64(b.Elapsed()/time.Duration(b.N))/float64(whole), "x-godmode")
		}
	})
}

func gunzip(tb testing.TB, from, to string) {
	tb.Helper()
	f, err := os.Open(from)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		tb.Fatal(err)
	}
	out, err := os.Create(to)
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := io.Copy(out, zr); err != nil {
		tb.Fatal(err)
	}
	if err := out.Close(); err != nil {
		tb.Fatal(err)
	}
}
