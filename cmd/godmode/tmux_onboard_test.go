package main

import (
	"strings"
	"testing"
	"time"

	"github.com/godmode-console/godmode/db/demofleet"
)

// TestDemoInTmuxOnboardsAClient is a new operator's first minutes in
// `godmode demo` (must show 4): the demo's newest client runs two
// workflows on its own n8n, tagged ws:colorado, and godmode does not know
// it yet. The operator creates the workspace with n, adopts both from
// :unmanaged (the tag proposes the workspace), finds them as its campaigns
// with the runs they made before (not "never"), and switches one on.
func TestDemoInTmuxOnboardsAClient(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin := buildGodmode(t)
	c := demofleet.NewClient
	email, replies := c.Slug+" · "+demofleet.NewClientCampaigns[0], c.Slug+" · "+demofleet.NewClientCampaigns[1]
	for _, major := range []string{"1", "2"} {
		t.Run("n8n-"+major+".x", func(t *testing.T) {
			x := startTmux(t, 160, 45, "GODMODE_DEMO_N8N_MAJOR="+major+" "+bin+" demo; echo godmode exited $?; sleep 600")
			x.waitFor("the fleet", contains("Workspaces [14]"))

			// First a look at what n8n runs that godmode does not manage: the
			// client's workflows, their tag naming a workspace not there yet.
			x.keys(":unmanaged", "Enter")
			s := x.waitFor("the client's workflows", func(s string) bool { return line(s, email) != "" && line(s, replies) != "" })
			if l := line(s, email); !strings.Contains(l, c.Instance) || taggedWS(l) != "-" {
				t.Fatalf("%s is not listed on %s, untied to a workspace: %q", email, c.Instance, l)
			}
			s = selectUnmanaged(t, x, c.Instance+"/"+email)
			if want := "its tag names workspace " + c.Slug + ", which does not exist on " + c.Instance + " yet"; !strings.Contains(oneLine(s), want) {
				t.Fatalf("the detail of %s does not say %q:\n%s", email, want, s)
			}
			x.keys("Escape")
			x.waitFor("the fleet again", contains("Workspaces [14]"))

			// The workspace: slug, name, and the n8n its workflows live on.
			x.keys("n")
			// Keys go to the form once it has loaded (the slug field focused).
			x.waitFor("the new-workspace form", contains("┃ Slug"))
			x.keys(c.Slug)
			x.waitFor("the slug typed", contains("> "+c.Slug))
			// Focus moves a moment after Tab: type once it has.
			x.keys("Tab")
			x.waitFor("the name field focused", contains("┃ Name"))
			x.keys(c.Name)
			x.waitFor("the name typed", contains("> "+c.Name))
			x.keys("Tab")
			// One step at a time, each seen drawn, to the client's instance.
			chosen := func(s string) string {
				return strings.TrimSpace(strings.Trim(line(s, "> n8n-")+line(s, "> legacy-"), "║┃ "))
			}
			s = x.waitFor("the instance list focused", func(s string) bool { return chosen(s) != "" })
			for i := 0; chosen(s) != "> "+c.Instance; i++ {
				if i > 20 {
					t.Fatalf("%s is not among the instances offered:\n%s", c.Instance, s)
				}
				was := chosen(s)
				x.keys("Down")
				s = x.waitFor("the next instance", func(s string) bool { return chosen(s) != was })
			}
			x.keys("Enter")
			s = x.waitFor("the new workspace", contains("Campaigns of "+c.Slug+" [0]"))
			for _, want := range []string{"Workspaces [15]", "awaiting setup: p provisions it from a blueprint, or adopt in :unmanaged"} {
				if !strings.Contains(s, want) {
					t.Fatalf("after creating %s the screen lacks %q:\n%s", c.Slug, want, s)
				}
			}

			// Its workflows are now tied to it (once the sync has seen it).
			x.keys(":unmanaged", "Enter")
			x.waitFor("the client's workflows tagged for it", func(s string) bool {
				return taggedWS(line(s, email)) == c.Slug && taggedWS(line(s, replies)) == c.Slug
			})
			selectUnmanaged(t, x, c.Instance+"/"+email)
			x.keys("m", "m")
			x.waitFor("both marked", contains("2 marked"))
			x.keys("a")
			s = x.waitFor("the adoption prompt", contains("Adopt 2 workflow(s)?"))
			for _, want := range []string{"Their tag names workspace " + c.Slug + ".", "> " + c.Slug} {
				if !strings.Contains(s, want) {
					t.Fatalf("the prompt lacks %q:\n%s", want, s)
				}
			}
			x.keys("Enter")
			x.waitFor("the list without them", func(s string) bool {
				return strings.Contains(s, "Unmanaged workflows [2]") && line(s, email) == "" && line(s, replies) == ""
			})

			// Back on the fleet: its campaigns, with the runs they made
			// before godmode knew them (Email 1 failed once today).
			x.keys("Escape")
			s = x.waitFor("the client's campaigns", contains("Campaigns of "+c.Slug+" [2]"))
			checkRow := func(s, name string, want ...string) {
				t.Helper()
				l := line(s, name+"  ")
				for _, w := range want {
					if !strings.Contains(l, w) {
						t.Fatalf("%s's row %q lacks %q:\n%s", name, l, w, s)
					}
				}
			}
			// FAIL24H, then LEADS: an adopted campaign holds none yet.
			checkRow(s, email, "◉ on", "active", "success 2h", " 1      0│")
			checkRow(s, replies, "○ off", "paused", "success 2d", " 0      0│")

			// Switch the paused one on.
			x.keys("Tab", "j")
			x.waitFor(replies+" selected", contains("Executions of "+replies+" [2]"))
			x.keys("Space")
			s = x.waitFor("the switch to settle", func(s string) bool {
				l := line(s, replies+"  ")
				return strings.Contains(l, "◉ on") && strings.Contains(l, "active")
			})
			checkRow(s, email, "◉ on", "active")

			// On the record, with who did it.
			x.keys(":audit", "Enter")
			// (The ACTION column is cut at 160 columns: "campaign.ado…".)
			s = x.waitFor("the adoptions in the audit trail", contains("campaign.ado"))
			for _, row := range []string{"workspaces.c", "campaign.ado… " + c.Slug + "     " + email, "campaign.ado… " + c.Slug + "     " + replies[:16], "toggle        " + c.Slug} {
				if l := line(s, row); !strings.Contains(l, "you@godmode.demo") || !strings.Contains(l, " ok ") {
					t.Fatalf("no audit row %q by you@godmode.demo, ok:\n%s", row, s)
				}
			}
			x.keys("q")
			x.waitFor("the console to quit cleanly", contains("godmode exited 0"))
		})
	}
}

// taggedWS is the TAGGED WS cell of a row of :unmanaged (the one before
// FIRST SEEN's "27s ago").
func taggedWS(row string) string {
	f := strings.Fields(row)
	if len(f) < 3 {
		return ""
	}
	return f[len(f)-3]
}

// oneLine is a screen's text with its lines and box borders joined, so a
// wrapped sentence reads whole.
func oneLine(s string) string {
	return strings.Join(strings.Fields(strings.NewReplacer("┃", " ", "│", " ").Replace(s)), " ")
}

// selectUnmanaged moves the cursor of :unmanaged to the workflow the line
// under the list names as INSTANCE/NAME, one row at a time, each move seen
// drawn (down, then up once the bottom is reached: the sync may reorder
// the rows); it returns the screen.
func selectUnmanaged(t *testing.T, x *tmux, what string) string {
	t.Helper()
	detail := func(s string) string { return line(s, "unmanaged · ") }
	s := x.waitFor("a workflow under the cursor", func(s string) bool { return detail(s) != "" })
	dir := "j"
	for i := 0; !strings.Contains(detail(s), what+" ("); i++ {
		if i > 20 {
			t.Fatalf("cannot put the cursor on %s:\n%s", what, s)
		}
		was := detail(s)
		x.keys(dir)
		for end := time.Now().Add(3 * time.Second); detail(s) == was && time.Now().Before(end); time.Sleep(50 * time.Millisecond) {
			s = x.screen()
		}
		if detail(s) == was {
			dir = "k" // the last row
		}
	}
	return s
}

// The same first look at 80x24: the detail under the list still says
// which workspace the tag asks for (two lines cut it off), and the
// adoption prompt wraps inside the screen (it ran off the right edge,
// border and workflow names cut).
func TestDemoInTmuxOnboardingFitsAt80x24(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin := buildGodmode(t)
	c := demofleet.NewClient
	email, replies := c.Slug+" · "+demofleet.NewClientCampaigns[0], c.Slug+" · "+demofleet.NewClientCampaigns[1]
	x := startTmux(t, 80, 24, bin+" demo; echo godmode exited $?; sleep 600")
	x.waitFor("the fleet", contains("Workspaces [14]"))
	x.keys(":unmanaged", "Enter")
	x.waitFor("the client's workflows", func(s string) bool { return line(s, email) != "" && line(s, replies) != "" })
	s := selectUnmanaged(t, x, c.Instance+"/"+email)
	if want := "its tag names workspace " + c.Slug + ", which does not exist on " + c.Instance + " yet"; !strings.Contains(oneLine(s), want) {
		t.Fatalf("at 80x24 the detail of %s does not say %q:\n%s", email, want, s)
	}
	x.keys("m", "m")
	x.waitFor("both marked", contains("2 marked"))
	x.keys("a")
	s = x.waitFor("the adoption prompt", contains("Adopt 2 workflow(s)?"))
	if !strings.Contains(line(s, "Adopt 2 workflow(s)?"), "║ ") || !strings.HasSuffix(strings.TrimRight(line(s, "Adopt 2 workflow(s)?"), " ┃"), "║") {
		t.Fatalf("the prompt's box is cut at the screen's edge:\n%s", s)
	}
	if !strings.Contains(oneLine(strings.ReplaceAll(s, "║", " ")), email+", "+replies+".") {
		t.Fatalf("the prompt does not name both workflows whole:\n%s", s)
	}
	// (An esc and a key sent together read as alt+key: one at a time.)
	x.keys("Escape")
	x.waitFor("the prompt closed", func(s string) bool { return !strings.Contains(s, "Adopt 2 workflow(s)?") })
	x.keys("q")
	x.waitFor("the console to quit cleanly", contains("godmode exited 0"))
}
