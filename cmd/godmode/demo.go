package main

import (
	"context"
	"fmt"
	"os"
	"sort"
	"time"

	"github.com/godmode-console/godmode/db"
	"github.com/godmode-console/godmode/db/demofleet"
	"github.com/godmode-console/godmode/model"
)

func runDemo(ctx context.Context, g *globals, args []string) error {
	fs := g.flags("demo")
	readOnly := fs.Bool("read-only", false, "hide and refuse every action that changes anything")
	logPath := fs.String("log", "", "append the console's log (sync, change feed) to this file")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return fmt.Errorf("unexpected argument %q: the demo takes flags only (see godmode demo --help)", pos[0])
	}
	if err := g.needTerminal(); err != nil {
		return err
	}
	logger, closeLog, err := openLog(*logPath)
	if err != nil {
		return err
	}
	defer closeLog()
	step := func(s string) { fmt.Fprintf(g.stderr, "godmode demo: %s\n", s) }
	step("starting a throwaway Postgres…")
	pg, err := db.StartThrowaway(ctx, db.ThrowawayOptions{})
	if err != nil {
		return err
	}
	defer pg.Close()
	// Where it is, for an operator who wants to look inside (psql,
	// pg_dump) while the demo runs: it trusts local connections on its
	// own socket folder and is deleted when the demo ends.
	step("its Postgres: " + pg.DatabaseURL("godmode") + " (gone when the demo ends)")
	// As in production: the owner migrates, the console runs as the
	// runtime role.
	if err := pg.CreateDatabase(ctx, "godmode", ""); err != nil {
		return err
	}
	owner, err := db.Connect(ctx, pg.DatabaseURLAs(db.ThrowawayOwner, "godmode"))
	if err != nil {
		return err
	}
	err = db.Migrate(ctx, owner)
	owner.Close()
	if err != nil {
		return err
	}
	pool, err := db.Connect(ctx, pg.DatabaseURLAs(db.ThrowawayRuntime, "godmode"))
	if err != nil {
		return err
	}
	defer pool.Close()
	if err := db.CheckSession(ctx, pool, "the demo migrates itself"); err != nil {
		return err
	}
	// The demo's master key lives and dies with the demo.
	kr, err := db.NewKeyring([]byte(randomKey()))
	if err != nil {
		return err
	}
	store := db.NewStore(pool, kr)
	defer store.Close()
	step("seeding the demo fleet and its n8n instances…")
	fleet, err := demofleet.Seed(ctx, store, demofleet.Options{Now: time.Now(), SuperEmail: "you@godmode.demo", N8nMajor: demoN8nMajor()})
	if err != nil {
		return err
	}
	defer fleet.Close()
	names := make([]string, 0, len(fleet.Servers))
	for name := range fleet.Servers {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		step("fake n8n " + name + " at " + fleet.Servers[name].URL)
	}
	actor, err := store.Actor(ctx, fleet.Super, "")
	if err != nil {
		return err
	}
	cfg := &Context{Name: "demo", Theme: os.Getenv(envTheme)}
	cfg.PollInterval.Duration = 2 * time.Second
	if v := os.Getenv(envPollInterval); v != "" {
		if err := cfg.PollInterval.UnmarshalText([]byte(v)); err != nil {
			return err
		}
	}
	// Someone keeps changing workflows inside n8n behind godmode's back, as
	// happens on the real platform: sync corrects it and the console says so.
	stopDrift := fleet.DriftNow(ctx, demofleet.DriftEvery)
	defer stopDrift()
	fleet.TakeDown(demofleet.DownInstance)
	syncEvery := 3 * time.Second
	if *readOnly {
		syncEvery = 0
	}
	return openConsole(ctx, g, store, cfg, actor, *readOnly, syncEvery, model.Dialer(dialN8n), logger)
}

func randomKey() string {
	b := make([]byte, 32)
	if _, err := readRandom(b); err != nil {
		panic(err)
	}
	return string(b)
}

// demoN8nMajor is the n8n major the demo's fake instances behave like:
// GODMODE_DEMO_N8N_MAJOR=2 for 2.x (the tmux tests run the demo on both),
// 1.x otherwise.
func demoN8nMajor() int {
	if os.Getenv("GODMODE_DEMO_N8N_MAJOR") == "2" {
		return 2
	}
	return 1
}
