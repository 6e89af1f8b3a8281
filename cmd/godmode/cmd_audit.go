package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/godmode-console/godmode/forensics/safetext"
	"github.com/godmode-console/godmode/model"
)

// maxAuditListed caps one `godmode audit`.
const maxAuditListed = 10000

// auditJSON is one audit row as `audit --json` prints it.
type auditJSON struct {
	ID             int64           `json:"id"`
	At             time.Time       `json:"at"`
	Actor          string          `json:"actor"`
	KeyFingerprint string          `json:"key_fingerprint"`
	Action         string          `json:"action"`
	Workspace      string          `json:"workspace"`
	Campaign       string          `json:"campaign"`
	Outcome        string          `json:"outcome"`
	Error          string          `json:"error"`
	Change         string          `json:"change"`
	Before         json.RawMessage `json:"before"`
	After          json.RawMessage `json:"after"`
}

func runAudit(ctx context.Context, g *globals, args []string) error {
	if len(args) > 0 && args[0] == "verify" {
		return runAuditVerify(ctx, g, args[1:])
	}
	fs := g.flags("audit")
	slug := fs.String("workspace", "", "only the rows of the workspace with this `SLUG`")
	since := fs.String("since", "", "only rows from this `DURATION` ago (e.g. 24h, 90m) or this time (RFC 3339, or YYYY-MM-DD in UTC)")
	limit := fs.Int("limit", 100, "print at most `N` rows, newest first")
	asJSON := fs.Bool("json", false, "print one JSON object {\"entries\": [...]}")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 0 {
		return usageError{"audit takes no arguments: godmode audit [--workspace SLUG] [--since DURATION|TIME] [--limit N]"}
	}
	if err := checkSlug("--workspace", *slug); err != nil {
		return err
	}
	if err := checkLimit(*limit, maxAuditListed); err != nil {
		return err
	}
	var from *time.Time
	if *since != "" {
		t, err := parseSince(*since, time.Now())
		if err != nil {
			return err
		}
		from = &t
	}
	s, console, actor, err := openScript(ctx, g)
	if err != nil {
		return err
	}
	defer s.close()
	sc := model.AuditScope{AuditFilter: model.AuditFilter{Limit: *limit}, Since: from}
	if *slug != "" {
		ws, err := console.WorkspaceBySlug(ctx, *slug)
		if err != nil {
			return err
		}
		sc.WorkspaceID = &ws.ID
	}
	rows, err := console.AuditFor(ctx, actor, sc)
	if err != nil {
		return err
	}
	if *asJSON {
		out := make([]auditJSON, 0, len(rows))
		for _, r := range rows {
			out = append(out, auditJSON{ID: r.ID, At: r.At.UTC(), Actor: r.ActorName, KeyFingerprint: r.KeyFingerprint, Action: r.Action,
				Workspace: r.WorkspaceSlug, Campaign: r.CampaignName, Outcome: string(r.Outcome), Error: r.Error, Change: r.Change(),
				Before: rawOrNull(r.Before), After: rawOrNull(r.After)})
		}
		return writeJSON(g.stdout, map[string]any{"entries": out})
	}
	t := newTable(g.stdout, "AT", "ACTOR", "ACTION", "WORKSPACE", "CAMPAIGN", "OUTCOME", "CHANGE")
	for _, r := range rows {
		t.row(stamp(&r.At), r.ActorName, r.Action, r.WorkspaceSlug, r.CampaignName, string(r.Outcome), r.Change())
	}
	return t.flush()
}

func rawOrNull(b json.RawMessage) json.RawMessage {
	if len(b) == 0 {
		return json.RawMessage("null")
	}
	return b
}

// parseSince reads --since: a duration back from now, an RFC 3339 time,
// or a day (UTC).
func parseSince(s string, now time.Time) (time.Time, error) {
	if d, err := time.ParseDuration(s); err == nil {
		if d <= 0 {
			return time.Time{}, usageError{fmt.Sprintf("--since %s: say how long ago, e.g. 24h", s)}
		}
		return now.Add(-d), nil
	}
	for _, layout := range []string{time.RFC3339, "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	if strings.HasSuffix(s, "d") {
		return time.Time{}, usageError{fmt.Sprintf("--since %s: say days in hours (e.g. 168h for a week)", safetext.Line(s))}
	}
	return time.Time{}, usageError{fmt.Sprintf("--since %q is neither a duration (24h, 90m) nor a time (2026-12-01T09:00:00Z, 2026-12-01)", safetext.Line(s))}
}
