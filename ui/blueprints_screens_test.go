package ui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/godmode-console/godmode/model"
	"github.com/godmode-console/godmode/model/blueprint"
)

// :blueprints lists the vault, and enter shows the newest version: its
// workflows and what was found in them.
func TestScreenBlueprints(t *testing.T) {
	t.Parallel()
	f := fleetFixture(t)
	paths, _ := filepath.Glob("../model/blueprint/testdata/base/*.json")
	var src []blueprint.Source
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		src = append(src, blueprint.Source{Name: filepath.Base(p), Data: data})
	}
	b := f.As(f.Super())
	if _, err := model.NewVault(f.Store, nil, nil).ImportBlueprint(t.Context(), b.Actor(), "base-cold-email", src, nil); err != nil {
		t.Fatal(err)
	}
	out := screen(t, b, 160, 45, func(tm *teatest.TestModel) {
		tm.Type(":blueprints")
		tm.Send(tea.KeyPressMsg{Code: tea.KeyEnter})
		teatest.WaitFor(t, tm.Output(), func(o []byte) bool { return strings.Contains(plain(string(o)), "base-cold-email") }, teatest.WithDuration(5*time.Second))
		tm.Send(tea.KeyPressMsg{Code: tea.KeyEnter})
	}, "Research Report.json")
	s := plain(string(out))
	mustContain(t, s, "blueprint base-cold-email version 1", "workflows (6):", "Research Report                    43 nodes  Research Report.json",
		"credential slots (", "lead columns (")
}
