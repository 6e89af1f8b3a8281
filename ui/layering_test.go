package ui

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// The dependency rules of DESIGN.md, checked on the imports of every file:
// ui -> model <- db, n8n. A screen that called n8n or SQL, or a use case
// that drew with Bubble Tea, would make the console untestable without a
// terminal and the commands for scripts unlike the screens.
const module = "github.com/godmode-console/godmode"

// terminalUI are the packages that draw: only ui, themes and cmd use them.
var terminalUI = []string{"charm.land/", "github.com/charmbracelet/"}

type layerRule struct {
	dir       string   // a package's directory, from the module root
	tree      bool     // the rule holds for every package under dir too
	withTests bool     // test files are held to it as well
	forbidden []string // import path prefixes
	why       string
	// except is a directory under dir the rule does not hold for, and
	// exceptWhy the reason.
	except, exceptWhy string
}

// testSupport are the packages that build the real domain for tests:
// ui/uitest starts a throwaway Postgres (db/dbtest), seeds the demo fleet
// (db/demofleet) into fake n8n servers (n8n/n8ntest) and runs model over
// them, so it must import db and n8n, which views may not. Only _test.go
// files may import it (TestTestSupportOnlyFromTests), so none of it
// reaches the binary and no view can lean on it.
var testSupport = []string{"ui/uitest"}

var layerRules = []layerRule{
	{dir: "model", withTests: true, forbidden: terminalUI, why: "model is the use cases: no Bubble Tea"},
	{dir: "model", forbidden: []string{module + "/ui", module + "/db", module + "/themes"}, why: "model depends on no adapter: db and ui depend on it"},
	{dir: "forensics", tree: true, withTests: true, forbidden: append([]string{module + "/ui", module + "/db"}, terminalUI...), why: "forensics reads executions: no Bubble Tea, no adapter"},
	{dir: "forensics/safetext", withTests: true, forbidden: append([]string{module + "/"}, terminalUI...), why: "safetext is a leaf that everything may use"},
	{dir: "ui", tree: true, forbidden: []string{module + "/n8n", module + "/db"}, why: "views never call n8n or SQL: they go through model",
		except: "ui/uitest", exceptWhy: "test support: it builds the real domain the screens' tests drive (see testSupport)"},
	{dir: "n8n", forbidden: []string{module + "/"}, why: "the n8n client knows nothing of godmode"},
}

func TestLayering(t *testing.T) {
	t.Parallel()
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("module root not found at %s: %v", root, err)
	}
	for _, r := range layerRules {
		checked := 0
		base := filepath.Join(root, r.dir)
		err := filepath.WalkDir(base, func(path string, d os.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() {
				if path != base && (!r.tree || d.Name() == "testdata") {
					return filepath.SkipDir
				}
				if r.except != "" && path == filepath.Join(root, r.except) {
					return filepath.SkipDir
				}
				return nil
			}
			if !strings.HasSuffix(path, ".go") || (!r.withTests && strings.HasSuffix(path, "_test.go")) {
				return nil
			}
			f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ImportsOnly)
			if err != nil {
				return err
			}
			checked++
			rel, _ := filepath.Rel(root, path)
			for _, imp := range f.Imports {
				p, _ := strconv.Unquote(imp.Path.Value)
				for _, bad := range r.forbidden {
					if p == strings.TrimSuffix(bad, "/") || strings.HasPrefix(p, strings.TrimSuffix(bad, "/")+"/") {
						t.Errorf("%s imports %s: %s", rel, p, r.why)
					}
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if checked == 0 {
			t.Errorf("rule for %s checked no file: is the directory still there?", r.dir)
		}
	}
}

// Test support is imported by tests only: a non-test file importing
// ui/uitest would put a throwaway Postgres and fake n8n servers in the
// binary, and give a view a way around the layering above.
func TestTestSupportOnlyFromTests(t *testing.T) {
	t.Parallel()
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	for _, dir := range testSupport {
		if _, err := os.Stat(filepath.Join(root, dir)); err != nil {
			t.Errorf("test support %s is gone: update testSupport and the ui rule's exception", dir)
		}
	}
	importers := 0
	err = filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if n := d.Name(); path != root && (n == "testdata" || strings.HasPrefix(n, ".")) {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") {
			return nil
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		for _, imp := range f.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			for _, dir := range testSupport {
				if p != module+"/"+dir {
					continue
				}
				importers++
				if !strings.HasSuffix(path, "_test.go") {
					t.Errorf("%s imports %s, which is test support: only _test.go files may", rel, p)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if importers == 0 {
		t.Error("no file imports the test support: the check proves nothing")
	}
}

// The top level of the repository is fixed (DESIGN.md, "Layout"): a new
// package goes below one of these, never beside them.
func TestTopLevelIsTheFixedLayout(t *testing.T) {
	t.Parallel()
	allowed := map[string]bool{"cmd": true, "ui": true, "model": true, "n8n": true, "db": true, "forensics": true,
		"themes": true, "go.mod": true, "go.sum": true, "README.md": true, ".ci": true, ".git": true, ".gitignore": true}
	// What .gitignore names at the top (the binary of `go build`) is not
	// part of the tree.
	if ignore, err := os.ReadFile("../.gitignore"); err == nil {
		for _, l := range strings.Split(string(ignore), "\n") {
			if name, ok := strings.CutPrefix(strings.TrimSpace(l), "/"); ok && !strings.Contains(name, "/") {
				allowed[name] = true
			}
		}
	}
	entries, err := os.ReadDir("..")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if !allowed[e.Name()] {
			t.Errorf("top level holds %s, outside the fixed layout: move it below cmd, ui, model, n8n, db, forensics or themes", e.Name())
		}
	}
}
