package ui

import (
	"strings"
	"testing"
)

// A step left incomplete says why on the screen, at 80×24 as at 160×45:
// enter on an empty variable stays on it and names it, instead of doing
// nothing visible.
func TestProvisionWizardSaysWhatAnEmptyVariableNeeds(t *testing.T) {
	t.Parallel()
	f := provisionFixture(t)
	for _, size := range [][2]int{{80, 24}, {160, 45}} {
		r := onIdaho(t, f, f.AsSuper(), Options{}, size[0], size[1])
		keys(r, "p", "enter", "enter")
		mustContain(t, plain(r.Render()), "step 3/6 variables")
		keys(r, "enter")
		s := plain(r.Render())
		if !strings.Contains(s, "YOUR_LEADS_TABLE needs a value") || !strings.Contains(s, "step 3/6 variables") {
			t.Errorf("%dx%d: enter on an empty variable does not say what it needs:\n%s", size[0], size[1], s)
		}
		if n := len(strings.Split(s, "\n")); n > size[1] {
			t.Errorf("%dx%d: %d lines", size[0], size[1], n)
		}
	}
}

// The empty campaigns pane of a workspace awaiting setup offers p only
// where p works.
func TestAwaitingSetupOffersProvisioningWherePWorks(t *testing.T) {
	t.Parallel()
	f := provisionFixture(t)
	const offer = "p provisions it from a blueprint"
	if s := plain(onIdaho(t, f, f.AsSuper(), Options{}, 160, 45).Render()); !strings.Contains(s, offer) {
		t.Errorf("a super admin is not told p provisions idaho:\n%s", s)
	}
	if s := plain(onIdaho(t, f, f.AsSuper(), Options{ReadOnly: true}, 160, 45).Render()); strings.Contains(s, offer) || !strings.Contains(s, "awaiting setup") {
		t.Errorf("a read-only session is offered p, or not told idaho awaits setup:\n%s", s)
	}
}

// On an active workspace p is the re-apply, and opens the wizard there.
func TestPReappliesAnActiveWorkspace(t *testing.T) {
	t.Parallel()
	f := provisionFixture(t)
	r := newRoot(f.AsSuper(), Options{})
	sized(r, 160, 45)
	deliver(r, r.Init())
	keys(r, "/", "texas", "enter")
	if s := plain(r.footer()); !strings.Contains(s, "p re-apply") {
		t.Fatalf("an active workspace's footer does not offer p re-apply: %s", s)
	}
	keys(r, "p")
	if r.topID() != "provision" {
		t.Fatalf("p on active texas opened %q, want the wizard", r.topID())
	}
}
