package main

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/godmode-console/godmode/forensics/safetext"
	"github.com/godmode-console/godmode/model"
)

// leadsExportHelp is its part of `godmode leads --help`.
const leadsExportHelp = `export  --workspace SLUG [--filter EXPR] [--campaign NAME] > out.csv
        writes the workspace's leads as CSV on standard output (over SSH too): email, status,
        campaign, created_at, updated_at, then one column per metadata key the exported leads
        hold, by name (metadata.KEY for a key named like a fixed column). Strings are written
        as they are, numbers and booleans as JSON text, nested values as JSON. --filter takes the :leads screen's filter (terms AND'ed:
        industry="Solar Energy" score>50 status!=bounced email~@acme.com). Rows are streamed
        through a database cursor, so memory does not grow with the number of leads. Readers
        of the workspace may export; every attempt is audited with the filter and the count.`

// The fixed columns of an export, before the metadata keys.
var exportFixed = []string{"email", "status", "campaign", "created_at", "updated_at"}

func leadsExport(ctx context.Context, g *globals, args []string) error {
	fs := g.flags("leads")
	slug := fs.String("workspace", "", "the workspace whose leads to export")
	expr := fs.String("filter", "", "only the leads this filter matches")
	campaign := fs.String("campaign", "", "only the leads of this campaign")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usageError{fmt.Sprintf("export takes no arguments (%q): the CSV goes to standard output, e.g. > out.csv", safetext.Line(pos[0]))}
	}
	if *slug == "" {
		return usageError{"export needs --workspace SLUG"}
	}
	if err := checkSlug("--workspace", *slug); err != nil {
		return err
	}
	f, err := model.ParseLeadFilter(*expr)
	if err != nil {
		return usageError{"--filter: " + err.Error()}
	}
	if safetext.Line(*campaign) != *campaign {
		return usageError{"--campaign holds control characters"}
	}
	s, console, actor, err := openScript(ctx, g)
	if err != nil {
		return err
	}
	defer s.close()
	// A buffer, not a write per row: a million rows over SSH.
	bw := bufio.NewWriterSize(g.stdout, 64<<10)
	w := csv.NewWriter(bw)
	var keys []string
	rec := []string{}
	n, err := console.ExportLeads(ctx, actor, *slug, *campaign, f, model.LeadExport{
		Header: func(ks []string) error {
			keys = ks
			return w.Write(exportHeader(ks))
		},
		Row: func(l model.Lead, camp string) error {
			rec, err = exportRecord(rec[:0], l, camp, keys)
			if err != nil {
				return err
			}
			return w.Write(rec)
		},
	})
	w.Flush()
	if ferr := bw.Flush(); err == nil {
		err = ferr
	}
	if err == nil {
		err = w.Error()
	}
	if err != nil {
		return err
	}
	if n == 1 {
		fmt.Fprintln(g.stderr, "1 lead exported")
	} else {
		fmt.Fprintf(g.stderr, "%d leads exported\n", n)
	}
	return nil
}

// exportHeader is the fixed columns, then the metadata keys; a key that
// would read as a fixed column (a CSV once imported with its own "status"
// or "created_at" column keeps it in metadata) is written metadata.KEY,
// so no header names two columns.
func exportHeader(keys []string) []string {
	h := append(make([]string, 0, len(exportFixed)+len(keys)), exportFixed...)
	for _, k := range keys {
		if slices.ContainsFunc(exportFixed, func(f string) bool { return strings.EqualFold(f, strings.TrimSpace(k)) }) {
			k = "metadata." + k
		}
		h = append(h, k)
	}
	return h
}

// exportRecord is one lead as a CSV record: the fixed columns, then the
// value of each key ("" when the lead does not hold it).
func exportRecord(rec []string, l model.Lead, campaign string, keys []string) ([]string, error) {
	rec = append(rec, l.Email, l.Status, campaign, l.CreatedAt.UTC().Format(time.RFC3339Nano), l.UpdatedAt.UTC().Format(time.RFC3339Nano))
	var md map[string]json.RawMessage
	if err := json.Unmarshal(l.Metadata, &md); err != nil {
		return nil, fmt.Errorf("lead %s: metadata: %w", safetext.Line(l.Email), err)
	}
	for _, k := range keys {
		rec = append(rec, model.LeadValueText(md[k]))
	}
	return rec, nil
}
