package blueprint

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/godmode-console/godmode/forensics/safetext"
)

// ExportNames gives each workflow a file name that stays in the folder
// (safetext.FileName of the file it was imported from, or of its name)
// and that no other workflow of the version has.
func ExportNames(files, names []string) []string {
	out := make([]string, len(names))
	used := map[string]bool{}
	for i := range names {
		base := names[i]
		if i < len(files) && files[i] != "" {
			base = strings.TrimSuffix(files[i], filepath.Ext(files[i]))
		}
		stem := safetext.FileName(base)
		name := stem + ".json"
		for n := 2; used[strings.ToLower(name)]; n++ {
			name = fmt.Sprintf("%s-%d.json", stem, n)
		}
		used[strings.ToLower(name)] = true
		out[i] = name
	}
	return out
}

// Export writes one indented file per workflow into dir (made if missing).
// Unless force, it refuses before writing anything when any of the files
// exists.
func Export(dir string, files, names []string, workflows []json.RawMessage, force bool) ([]string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	fnames := ExportNames(files, names)
	var exist []string
	for _, f := range fnames {
		if _, err := os.Lstat(filepath.Join(dir, f)); err == nil {
			exist = append(exist, f)
		}
	}
	if len(exist) > 0 && !force {
		return nil, fmt.Errorf("%s already holds %s: nothing written (--force overwrites)", dir, strings.Join(exist, ", "))
	}
	var written []string
	for i, w := range workflows {
		var v any
		dec := json.NewDecoder(bytes.NewReader(w))
		dec.UseNumber() // numbers as stored, not through float64
		if err := dec.Decode(&v); err != nil {
			return written, fmt.Errorf("workflow %s: %v", names[i], err)
		}
		var b bytes.Buffer
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		if err := enc.Encode(v); err != nil {
			return written, err
		}
		path := filepath.Join(dir, fnames[i])
		flag := os.O_WRONLY | os.O_CREATE | os.O_EXCL
		if force {
			flag = os.O_WRONLY | os.O_CREATE | os.O_TRUNC
		}
		f, err := os.OpenFile(path, flag, 0o644)
		if err != nil {
			return written, err
		}
		_, err = f.Write(b.Bytes())
		err = errors.Join(err, f.Close())
		if err != nil {
			return written, err
		}
		written = append(written, path)
	}
	return written, nil
}
