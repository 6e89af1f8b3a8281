package main

import (
	"context"
	"fmt"
	"strconv"
	"text/tabwriter"

	"github.com/godmode-console/godmode/db"
)

func runMigrate(ctx context.Context, g *globals, args []string) error {
	fs := g.flags("migrate")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) == 0 {
		fs.Usage()
		return errUsage
	}
	_, pool, err := g.connect(ctx)
	if err != nil {
		return err
	}
	defer pool.Close()
	m, err := db.NewMigrator(pool)
	if err != nil {
		return err
	}
	defer m.Close()
	switch pos[0] {
	case "up":
		res, err := m.Up(ctx)
		for _, r := range res {
			fmt.Fprintf(g.stdout, "applied  %05d  %s  (%s)\n", r.Source.Version, shortPath(r.Source.Path), r.Duration.Round(1000))
		}
		if err != nil {
			return err
		}
		if len(res) == 0 {
			fmt.Fprintln(g.stdout, "nothing to apply: the schema is up to date")
		}
		return nil
	case "status":
		st, err := m.Status(ctx)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(g.stdout, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "VERSION\tMIGRATION\tSTATE\tAPPLIED AT")
		for _, s := range st {
			at := "-"
			if !s.AppliedAt.IsZero() {
				at = s.AppliedAt.UTC().Format("2006-01-02 15:04:05Z")
			}
			fmt.Fprintf(tw, "%05d\t%s\t%s\t%s\n", s.Source.Version, shortPath(s.Source.Path), s.State, at)
		}
		return tw.Flush()
	case "down-to":
		if len(pos) != 2 {
			return fmt.Errorf("down-to needs a version (0 removes the whole schema)")
		}
		v, err := strconv.ParseInt(pos[1], 10, 64)
		if err != nil || v < 0 {
			return fmt.Errorf("down-to: %q is not a migration version", pos[1])
		}
		res, err := m.DownTo(ctx, v)
		for _, r := range res {
			fmt.Fprintf(g.stdout, "rolled back  %05d  %s\n", r.Source.Version, shortPath(r.Source.Path))
		}
		return err
	}
	return fmt.Errorf("unknown action %q (want up, status or down-to)", pos[0])
}

func shortPath(p string) string {
	for i := len(p) - 1; i >= 0; i-- {
		if p[i] == '/' {
			return p[i+1:]
		}
	}
	return p
}
