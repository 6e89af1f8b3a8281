package forensics

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/godmode-console/godmode/themes"
)

// x saves under a name built from the execution id, which n8n (or a file)
// supplies: a crafted id must not lead the file out of the folder.
func TestSaveKeepsACraftedIDInTheFolder(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "a", "b")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"/../../x", "/../../../z", ".hidden", "a/b"} {
		raw := []byte(`{"id":` + quote(id) + `,"status":"success","data":{"resultData":{"runData":{}}}}`)
		v, err := Prepare(raw)
		if err != nil {
			t.Fatal(err)
		}
		m := New(nil, Options{Theme: themes.MustLoad("dark"), SaveDir: dir})
		m.SetSize(100, 30)
		m.Show(Source{File: "crafted.json"}, v)
		msg := m.save()().(savedMsg)
		if msg.err != nil {
			t.Fatalf("id %q: %v", id, msg.err)
		}
		if filepath.Dir(msg.path) != dir || strings.HasPrefix(filepath.Base(msg.path), ".") {
			t.Fatalf("id %q saved to %s, outside %s", id, msg.path, dir)
		}
	}
	// Nothing was written anywhere else under root.
	filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && filepath.Dir(p) != dir {
			t.Errorf("file written outside the folder: %s", p)
		}
		return nil
	})
}

func quote(s string) string { return `"` + strings.ReplaceAll(s, `"`, `\"`) + `"` }
