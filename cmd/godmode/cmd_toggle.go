package main

import (
	"context"
	"fmt"

	"github.com/godmode-console/godmode/forensics/safetext"
	"github.com/godmode-console/godmode/model"
)

// toggleJSON is what `toggle --json` prints, refused or failed toggles
// included (then the exit code is 1 too).
type toggleJSON struct {
	Workspace string `json:"workspace"`
	Campaign  string `json:"campaign"`
	ID        int64  `json:"id"`
	Wanted    string `json:"wanted"`
	Outcome   string `json:"outcome"` // ok, noop, failed, rolled_back
	Status    string `json:"status"`
	Error     string `json:"error"`
}

func runToggle(ctx context.Context, g *globals, args []string) error {
	fs := g.flags("toggle")
	on := fs.Bool("on", false, "activate the campaign's workflow in n8n")
	off := fs.Bool("off", false, "pause the campaign's workflow in n8n")
	asJSON := fs.Bool("json", false, "print the outcome as one JSON object")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usageError{"say which campaign: godmode toggle WORKSPACE/CAMPAIGN --on|--off"}
	}
	if *on == *off {
		return usageError{"say --on or --off (one of them)"}
	}
	slug, name, err := campaignPath(pos[0])
	if err != nil {
		return err
	}
	want := model.CampaignPaused
	if *on {
		want = model.CampaignActive
	}
	s, console, actor, err := openScript(ctx, g)
	if err != nil {
		return err
	}
	defer s.close()
	res := console.ToggleAt(ctx, actor, slug, name, want)
	out := toggleJSON{Workspace: slug, Campaign: name, ID: res.Campaign.ID, Wanted: string(want), Outcome: string(res.Outcome)}
	if res.Campaign.ID != 0 {
		out.Status = string(res.Campaign.Status)
	}
	if res.Err != nil {
		out.Error = res.Err.Error()
	}
	if *asJSON {
		if err := writeJSON(g.stdout, out); err != nil {
			return err
		}
	}
	if res.Err != nil || (res.Outcome != model.OutcomeOK && res.Outcome != model.OutcomeNoop) {
		// Exit 1, with the refusal's or n8n's words on stderr.
		return fmt.Errorf("%s/%s: %s: %w", slug, name, res.Outcome, res.Err)
	}
	if !*asJSON {
		what := map[model.Outcome]string{model.OutcomeOK: "now", model.OutcomeNoop: "already"}[res.Outcome]
		fmt.Fprintf(g.stdout, "%s/%s: %s %s\n", slug, safetext.Line(name), what, res.Campaign.Status)
	}
	return nil
}
