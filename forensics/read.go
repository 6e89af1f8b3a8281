package forensics

import (
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
)

// DefaultMaxBytes is the most an execution may hold, after decompression,
// unless the caller says otherwise: well above the biggest real execution
// seen (tens of megabytes), well below what a gzip bomb or an endless pipe
// would take.
const DefaultMaxBytes int64 = 512 << 20

// TooBigError is an input refused because it holds more than Limit bytes.
// Nothing of it is shown: a cut JSON document would not parse.
type TooBigError struct {
	Name         string // the file, or what was read
	Limit        int64
	Decompressed bool // the limit was passed while decompressing
}

func (e *TooBigError) Error() string {
	after := ""
	if e.Decompressed {
		after = " after decompression"
	}
	return fmt.Sprintf("%s: more than %s%s; stopped reading there", e.Name, Size(e.Limit), after)
}

// Size says n bytes the way a person reads it.
func Size(n int64) string {
	switch {
	case n >= 1<<30 && n%(1<<30) == 0:
		return fmt.Sprintf("%d GB", n>>30)
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MB", n>>20)
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KB", n>>10)
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}

// OpenFile opens an execution saved as FILE.json or FILE.json.gz, of at
// most DefaultMaxBytes.
func OpenFile(path string) (*Execution, error) {
	return OpenFileContext(context.Background(), path, DefaultMaxBytes)
}

// OpenFileContext opens an execution file of at most limit bytes (after
// decompression), giving up when ctx is done.
func OpenFileContext(ctx context.Context, path string, limit int64) (*Execution, error) {
	raw, err := ReadFile(ctx, path, limit)
	if err != nil {
		return nil, err
	}
	e, err := Open(raw)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return e, nil
}

// ReadFile reads an execution file: FILE.json, FILE.json.gz, or anything
// that can be opened (a pipe, a FIFO, /dev/stdin). It refuses with a
// *TooBigError past limit bytes (after decompression), and stops, with
// ctx's error, when ctx is done, even while it waits on a FIFO nobody
// writes.
func ReadFile(ctx context.Context, path string, limit int64) ([]byte, error) {
	if limit <= 0 {
		limit = DefaultMaxBytes
	}
	f, err := openContext(ctx, path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	// A read from a pipe blocks until its writer writes; closing the file
	// is what wakes it when ctx ends.
	stop := context.AfterFunc(ctx, func() { f.Close() })
	defer stop()
	var r io.Reader = f
	var hint int64
	gz := strings.HasSuffix(path, ".gz")
	if st, err := f.Stat(); err == nil && st.Mode().IsRegular() && !gz {
		if st.Size() > limit {
			return nil, &TooBigError{Name: path, Limit: limit}
		}
		hint = st.Size()
	}
	if gz {
		zr, err := gzip.NewReader(f)
		if err != nil {
			if ctx.Err() != nil {
				return nil, fmt.Errorf("%s: %w", path, ctx.Err())
			}
			return nil, fmt.Errorf("%s: not gzip: %w", path, err)
		}
		defer zr.Close()
		r = zr
	}
	raw, err := readAtMost(ctx, r, limit, hint)
	switch {
	case errors.Is(err, errTooBig):
		return nil, &TooBigError{Name: path, Limit: limit, Decompressed: gz}
	case ctx.Err() != nil:
		return nil, fmt.Errorf("%s: stopped reading: %w", path, ctx.Err())
	case err != nil:
		return nil, fmt.Errorf("reading %s: %w", path, err)
	}
	return raw, nil
}

// openContext opens path for reading without letting a FIFO that no one
// writes hold the caller past ctx: open(2) of a FIFO blocks until a writer
// comes. Should one come later, the file is closed.
func openContext(ctx context.Context, path string) (*os.File, error) {
	type opened struct {
		f   *os.File
		err error
	}
	ch := make(chan opened, 1)
	go func() {
		f, err := os.Open(path)
		ch <- opened{f, err}
	}()
	select {
	case o := <-ch:
		return o.f, o.err
	case <-ctx.Done():
		go func() {
			if o := <-ch; o.f != nil {
				o.f.Close()
			}
		}()
		return nil, fmt.Errorf("%s: stopped waiting for a writer: %w", path, ctx.Err())
	}
}

var errTooBig = errors.New("too big")

// readAtMost reads r to its end, or fails with errTooBig as soon as it has
// seen more than limit bytes. It reads into chunks and joins them at the
// end, so a refused input never costs more than limit bytes of memory
// (growing one buffer by doubling would cost half as much again). hint,
// when known, is the exact size.
func readAtMost(ctx context.Context, r io.Reader, limit, hint int64) ([]byte, error) {
	var chunks [][]byte
	var total int64
	size := int64(64 << 10)
	if hint > 0 {
		size = hint + 1 // one chunk of the known size, and a byte to see a file that grew meanwhile
	}
	for {
		c := make([]byte, 0, min(size, limit+1-total))
		c, err := fill(ctx, r, c, limit-total)
		total += int64(len(c))
		if len(c) > 0 {
			chunks = append(chunks, c)
		}
		if errors.Is(err, errChunkFull) {
			size = min(max(size, 64<<10)*2, 16<<20)
			continue
		}
		if err != nil {
			return nil, err
		}
		break
	}
	switch len(chunks) {
	case 0:
		return []byte{}, nil
	case 1:
		return chunks[0], nil
	}
	out := make([]byte, 0, total)
	for _, c := range chunks {
		out = append(out, c...)
	}
	return out, nil
}

var errChunkFull = errors.New("chunk full")

// fill reads into buf up to its capacity. It returns buf at io.EOF with a
// nil error, errChunkFull when the capacity is reached (for readAtMost to
// go on), and errTooBig when more than limit bytes went in.
func fill(ctx context.Context, r io.Reader, buf []byte, limit int64) ([]byte, error) {
	for {
		if err := ctx.Err(); err != nil {
			return buf, err
		}
		if len(buf) == cap(buf) {
			if int64(len(buf)) > limit {
				return buf, errTooBig
			}
			return buf, errChunkFull
		}
		n, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if int64(len(buf)) > limit {
			return buf, errTooBig
		}
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return buf, err
		}
	}
}
