package blueprint

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Reads are capped: a workflow file is rarely past 200 KB (the largest
// real template here is 97 KB); 16 MiB leaves room for pinned data while
// keeping one import from holding a server's memory.
const (
	MaxFileBytes  = 16 << 20
	MaxFiles      = 500
	MaxTotalBytes = 128 << 20
)

// Source is one file as read: Name is its base name, which names it in
// every message and in the stored version.
type Source struct {
	Name string
	Data []byte
}

// ReadSources reads the files named, a directory standing for the *.json
// files directly in it (sorted by name). Two files of the same base name are
// refused, since the name is how every message and the export refer to them.
func ReadSources(args []string) ([]Source, error) {
	var paths []string
	for _, a := range args {
		st, err := os.Stat(a)
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrRefused, err)
		}
		if !st.IsDir() {
			paths = append(paths, a)
			continue
		}
		ents, err := os.ReadDir(a)
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrRefused, err)
		}
		var in []string
		for _, e := range ents {
			if !e.IsDir() && strings.EqualFold(filepath.Ext(e.Name()), ".json") {
				in = append(in, filepath.Join(a, e.Name()))
			}
		}
		if len(in) == 0 {
			return nil, fmt.Errorf("%w: directory %s holds no .json file", ErrRefused, a)
		}
		sort.Strings(in)
		paths = append(paths, in...)
	}
	if len(paths) == 0 {
		return nil, fmt.Errorf("%w: no file given", ErrRefused)
	}
	if len(paths) > MaxFiles {
		return nil, fmt.Errorf("%w: %d files, more than the %d one import takes", ErrRefused, len(paths), MaxFiles)
	}
	var out []Source
	seen := map[string]string{}
	total := 0
	for _, p := range paths {
		base := filepath.Base(p)
		if prev, dup := seen[base]; dup {
			return nil, fmt.Errorf("%w: two files are named %s (%s and %s): rename one", ErrRefused, base, prev, p)
		}
		seen[base] = p
		data, err := readCapped(p)
		if err != nil {
			return nil, err
		}
		if total += len(data); total > MaxTotalBytes {
			return nil, fmt.Errorf("%w: the files add up to more than %d MiB", ErrRefused, MaxTotalBytes>>20)
		}
		out = append(out, Source{Name: base, Data: data})
	}
	return out, nil
}

func readCapped(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrRefused, err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxFileBytes+1))
	if err != nil {
		return nil, fmt.Errorf("%w: file %s: %v", ErrRefused, filepath.Base(path), err)
	}
	if len(data) > MaxFileBytes {
		return nil, fmt.Errorf("%w: file %s is larger than %d MiB", ErrRefused, filepath.Base(path), MaxFileBytes>>20)
	}
	return data, nil
}
