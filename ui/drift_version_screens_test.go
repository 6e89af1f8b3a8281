package ui

import (
	"strings"
	"testing"

	"github.com/godmode-console/godmode/ui/uitest"
)

// A provisioned campaign whose workflow no longer hashes to what was
// applied is a version_mismatch finding: :drift shows it as kind
// "version", needing a person, and t narrows the list to it.
func TestScreenDriftShowsVersionMismatch(t *testing.T) {
	t.Parallel()
	opt := fleetOptions
	opt.NoSync = true
	f := uitest.New(t, opt)
	c := f.Campaign("florida", "Email 1")
	if _, err := f.Store.Pool().Exec(t.Context(), `UPDATE campaigns SET applied_hash = $2 WHERE id = $1`, c.ID, strings.Repeat("0", 64)); err != nil {
		t.Fatal(err)
	}
	f.Sync()
	r := newRoot(f.AsSuper(), Options{})
	sized(r, 160, 45)
	deliver(r, r.Init())
	keys(r, ":", "drift", "enter")
	for range 5 { // orphan_workflow … version_mismatch
		keys(r, "t")
	}
	s := plain(r.Render())
	mustContain(t, s, "kind version_mismatch", "Drift [1] · 1 need you")
	mustContain(t, line(s, " Email 1 "), "needs you", "version", "florida", "workflow florida · Email 1")
	mustContain(t, s, "was edited in n8n since it was provisioned from its blueprint version")
	mustContain(t, s, "re-apply with `godmode provision --workspace florida")
}
