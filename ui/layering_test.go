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
}

var layerRules = []layerRule{
	{dir: "model", withTests: true, forbidden: terminalUI, why: "model is the use cases: no Bubble Tea"},
	{dir: "model", forbidden: []string{module + "/ui", module + "/db", module + "/themes"}, why: "model depends on no adapter: db and ui depend on it"},
	{dir: "forensics", tree: true, withTests: true, forbidden: append([]string{module + "/ui", module + "/db"}, terminalUI...), why: "forensics reads executions: no Bubble Tea, no adapter"},
	{dir: "forensics/safetext", withTests: true, forbidden: append([]string{module + "/"}, terminalUI...), why: "safetext is a leaf that everything may use"},
	{dir: "ui", tree: true, forbidden: []string{module + "/n8n", module + "/db"}, why: "views never call n8n or SQL: they go through model"},
	{dir: "n8n", forbidden: []string{module + "/"}, why: "the n8n client knows nothing of godmode"},
}

func TestLayering(t *testing.T) {
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

// The top level of the repository is fixed (DESIGN.md, "Layout"): a new
// package goes below one of these, never beside them.
func TestTopLevelIsTheFixedLayout(t *testing.T) {
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
