package forensics

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"
)

// writeGzipBomb writes mb megabytes of zeros, gzipped, as one gzip member
// per megabyte (readers go through concatenated members): about 1 KB on
// disk per megabyte.
func writeGzipBomb(t testing.TB, path string, mb int) {
	t.Helper()
	var member bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&member, gzip.BestCompression)
	zw.Write(make([]byte, 1<<20))
	zw.Close()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for range mb {
		if _, err := f.Write(member.Bytes()); err != nil {
			t.Fatal(err)
		}
	}
}

// A gzip bomb (1 GB of zeros in about 1 MB) is refused at the cap, and
// refusing it costs no more than the cap: every byte allocated while it is
// read is counted, so the peak heap is at most that.
func TestGzipBombIsRefusedWithinBoundedMemory(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bomb.json.gz")
	writeGzipBomb(t, path, 1024)
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err := OpenFile(path)
	runtime.ReadMemStats(&after)
	if err == nil {
		t.Fatal("a gzip bomb was opened")
	}
	if !strings.Contains(err.Error(), "bomb.json.gz: more than 512 MB after decompression") {
		t.Errorf("error does not say what was cut and where: %v", err)
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 700<<20 {
		t.Errorf("reading the bomb allocated %d MB (peak must stay under 1 GB)", alloc>>20)
	}
}

// A FIFO fed zeros forever (a mistaken `inspect <(cat /dev/zero)`) is
// refused at the cap instead of eating memory until the kernel kills it.
func TestEndlessFIFOIsRefusedAtTheCap(t *testing.T) {
	path := filepath.Join(t.TempDir(), "endless")
	if err := syscall.Mkfifo(path, 0o600); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { // writes until the reader goes away
		defer close(done)
		w, err := os.OpenFile(path, os.O_WRONLY, 0)
		if err != nil {
			return
		}
		defer w.Close()
		zeros := make([]byte, 1<<20)
		for {
			if _, err := w.Write(zeros); err != nil {
				return
			}
		}
	}()
	_, err := OpenFile(path)
	var tb *TooBigError
	if !errors.As(err, &tb) || tb.Limit != DefaultMaxBytes || !strings.Contains(err.Error(), "endless: more than 512 MB") {
		t.Fatalf("endless FIFO: %v", err)
	}
	<-done
}

func TestSmallFilesReadWhole(t *testing.T) {
	dir := t.TempDir()
	raw := []byte(`{"id":"1","status":"success"}`)
	plain, gz := filepath.Join(dir, "e.json"), filepath.Join(dir, "e.json.gz")
	os.WriteFile(plain, raw, 0o600)
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	zw.Write(raw)
	zw.Close()
	os.WriteFile(gz, b.Bytes(), 0o600)
	for _, p := range []string{plain, gz} {
		got, err := ReadFile(t.Context(), p, int64(len(raw)))
		if err != nil || !bytes.Equal(got, raw) {
			t.Errorf("%s at its exact size: %q, %v", p, got, err)
		}
		if _, err := ReadFile(t.Context(), p, int64(len(raw))-1); !errors.As(err, new(*TooBigError)) {
			t.Errorf("%s one byte over the cap: %v", p, err)
		}
	}
}

// A read stops when its context ends: while open(2) waits for a FIFO's
// writer, and while a read waits for the writer's next bytes.
func TestReadStopsWithItsContext(t *testing.T) {
	for _, writer := range []bool{false, true} {
		path := filepath.Join(t.TempDir(), "slow")
		if err := syscall.Mkfifo(path, 0o600); err != nil {
			t.Fatal(err)
		}
		if writer {
			w, err := os.OpenFile(path, os.O_RDWR, 0) // a writer that never writes
			if err != nil {
				t.Fatal(err)
			}
			defer w.Close()
		}
		ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
		_, err := ReadFile(ctx, path, DefaultMaxBytes)
		cancel()
		if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "slow") {
			t.Errorf("writer %v: %v", writer, err)
		}
	}
}
