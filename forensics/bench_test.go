package forensics

import (
	"bytes"
	"io"
	"os/exec"
	"runtime"
	"runtime/metrics"
	"sync/atomic"
	"testing"
	"time"
)

// firstFrame is what opening the forensics screen costs: open (validate +
// sanitize), the timeline, the error hunter, the failed run's input as a
// document, and its first screenful of lines.
func firstFrame(b *testing.B, raw []byte) *Execution {
	e := mustOpen(b, raw)
	tl := e.Timeline()
	f := e.FirstFailure()
	if f == nil || !f.Ran {
		b.Fatal("no failed run")
	}
	in, err := e.Input(tl[f.Run])
	if err != nil {
		b.Fatal(err)
	}
	d, err := NewDocument(in)
	if err != nil {
		b.Fatal(err)
	}
	if lines := d.Window(0, 60); len(lines) != 60 {
		b.Fatalf("first screen has %d lines", len(lines))
	}
	return e
}

// mustOpen opens raw, failing the benchmark if it cannot.
func mustOpen(b *testing.B, raw []byte) *Execution {
	b.Helper()
	e, err := Open(raw)
	if err != nil {
		b.Fatal(err)
	}
	return e
}

// askHidden asks every question about what n8n hides that a screen may
// ask before drawing an execution: the swallowed errors, each run's flags
// and sub-execution, the parent, the verdict and the first problem.
func askHidden(e *Execution) {
	e.SoftFailures()
	for j := range e.Timeline() {
		e.Flags(j)
		e.SubExecutionOf(j)
	}
	e.Parent()
	e.Verdict()
	e.FirstProblem()
}

// peakHeap samples the heap (runtime/metrics: live and not yet collected
// objects, every 200µs) while fn runs, and returns the peak above the heap
// before fn, after a GC so that earlier iterations' garbage and other
// benchmarks' data do not count. Callers add the document itself, which fn's
// caller holds throughout.
func peakHeap(fn func()) uint64 {
	runtime.GC()
	base := heapObjects()
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	var peak atomic.Uint64
	read := func() {
		metrics.Read(sample)
		if v := sample[0].Value.Uint64(); v > peak.Load() {
			peak.Store(v)
		}
	}
	done := make(chan struct{})
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		t := time.NewTicker(200 * time.Microsecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				read()
			}
		}
	}()
	read()
	fn()
	read()
	close(done)
	<-stopped
	return peak.Load() - min(base, peak.Load())
}

func heapObjects() uint64 {
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

func benchFirstFrame(b *testing.B, raw []byte) { benchFrame(b, raw, func() { firstFrame(b, raw) }) }

// benchFrame times frame over doc (its bytes/s are doc's) and reports the
// worst peak heap of an iteration, doc included, per byte of doc: each
// iteration starts after a GC, outside the timer.
func benchFrame(b *testing.B, doc []byte, frame func()) {
	var worst uint64
	b.SetBytes(int64(len(doc)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		runtime.GC()
		b.StartTimer()
		p := peakHeap(frame)
		worst = max(worst, p)
	}
	b.ReportMetric(float64(worst+uint64(len(doc)))/float64(len(doc)), "peakheap/doc")
}

// BenchmarkFirstFrame42MB: target ≤ 500 ms and peak heap ≤ 3× the document
// (the heap includes the 42 MB input itself).
func BenchmarkFirstFrame42MB(b *testing.B) { benchFirstFrame(b, bigRaw(b)) }

// BenchmarkFirstFrameHidden42MB is the first frame plus every question
// about what n8n hides that a screen may ask before drawing it: the
// swallowed errors, each run's flags and sub-execution, the parent, the
// verdict and the first problem (askHidden). Beside
// BenchmarkFirstFrame42MB (same harness) the difference is their cost.
func BenchmarkFirstFrameHidden42MB(b *testing.B) {
	raw := bigRaw(b)
	benchFrame(b, raw, func() { askHidden(firstFrame(b, raw)) })
}

// BenchmarkHiddenQuestions42MB is those questions alone, on an execution
// already opened with its timeline built (their answers are cached on the
// execution, so each iteration starts from a fresh cache).
func BenchmarkHiddenQuestions42MB(b *testing.B) {
	e := mustOpen(b, bigRaw(b))
	e.Timeline()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		e.hid = nil
		askHidden(e)
	}
}

// BenchmarkSummary42MB is `inspect --summary` in process: open the 42 MB
// execution and write its text summary.
func BenchmarkSummary42MB(b *testing.B) {
	raw := bigRaw(b)
	b.SetBytes(int64(len(raw)))
	for i := 0; i < b.N; i++ {
		if err := WriteSummary(io.Discard, mustOpen(b, raw)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkFirstFrame2MB: target ≤ 50 ms.
func BenchmarkFirstFrame2MB(b *testing.B) {
	benchFirstFrame(b, readFixture(b, "testdata/execution-error-http-429-with-binary.json"))
}

// BenchmarkDocumentWhole42MB indexes the whole sanitized 42 MB execution
// and renders its first screen: the inspector must cope with it too.
func BenchmarkDocumentWhole42MB(b *testing.B) {
	doc := mustOpen(b, bigRaw(b)).Bytes()
	benchFrame(b, doc, func() {
		d, err := NewDocument(doc)
		if err != nil {
			b.Fatal(err)
		}
		d.Window(d.Lines()/2, 60)
	})
}

// BenchmarkJQBaseline42MB is `jq -c .` over the same decompressed file,
// the baseline godmode must beat.
func BenchmarkJQBaseline42MB(b *testing.B) {
	jq, err := exec.LookPath("jq")
	if err != nil {
		b.Skip("jq not installed: no baseline")
	}
	raw := bigRaw(b)
	b.SetBytes(int64(len(raw)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		cmd := exec.Command(jq, "-c", ".")
		cmd.Stdin = bytes.NewReader(raw)
		cmd.Stdout = io.Discard
		if err := cmd.Run(); err != nil {
			b.Fatal(err)
		}
	}
}
