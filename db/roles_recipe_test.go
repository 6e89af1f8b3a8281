package db_test

import (
	"context"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/godmode-console/godmode/db"
)

// TestReadmeRoleRecipe runs the README's "Database roles" SQL on a fresh
// server, as an administrator that is not a superuser (as on Supabase), in
// a database of godmode's own and in an existing one; then migrates as the
// owner and opens a session as the runtime role. Before the recipe, an owner
// that may not create roles is told what is missing.
func TestReadmeRoleRecipe(t *testing.T) {
	ctx := context.Background()
	s, err := db.StartThrowaway(ctx, db.ThrowawayOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	exec := func(url string, qs ...string) {
		t.Helper()
		c, err := pgx.Connect(ctx, url)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close(ctx)
		for _, q := range qs {
			if _, err := c.Exec(ctx, q); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		}
	}
	exec(s.URL(), `DROP ROLE godmode_app`, `DROP ROLE godmode_owner`, `DROP ROLE godmode_runtime`,
		`CREATE ROLE admin LOGIN CREATEROLE CREATEDB`, `CREATE DATABASE supa OWNER admin`,
		`CREATE ROLE lonely LOGIN`, `CREATE DATABASE lonely OWNER lonely`)
	lonely, err := db.Connect(ctx, s.DatabaseURLAs("lonely", "lonely"))
	if err != nil {
		t.Fatal(err)
	}
	err = db.Migrate(ctx, lonely)
	lonely.Close()
	if err == nil || !strings.Contains(err.Error(), "godmode_runtime does not exist") || !strings.Contains(err.Error(), "Database roles") {
		t.Fatalf("migrating without the runtime group and without CREATEROLE: %v", err)
	}
	exec(s.DatabaseURLAs("admin", "postgres"),
		`CREATE ROLE godmode_owner LOGIN PASSWORD 'owner-secret'`,
		`CREATE ROLE godmode_runtime NOLOGIN`,
		`CREATE ROLE godmode_app LOGIN PASSWORD 'app-secret' IN ROLE godmode_runtime`,
		`GRANT godmode_owner TO CURRENT_USER`,
		`CREATE DATABASE godmode OWNER godmode_owner`)
	exec(s.DatabaseURLAs("admin", "supa"), `GRANT USAGE, CREATE ON SCHEMA public TO godmode_owner`)
	for _, name := range []string{"godmode", "supa"} {
		owner, err := db.Connect(ctx, s.DatabaseURLAs("godmode_owner", name))
		if err != nil {
			t.Fatal(err)
		}
		if err := db.Migrate(ctx, owner); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		owner.Close()
		app, err := db.Connect(ctx, s.DatabaseURLAs("godmode_app", name))
		if err != nil {
			t.Fatal(err)
		}
		if err := db.CheckSession(ctx, app, "x"); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		st := db.NewStore(app, nil)
		if _, err := st.CreateWorkspace(ctx, "ohio", "Ohio", nil); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if _, err := app.Exec(ctx, `ALTER TABLE audit_log DISABLE TRIGGER ALL`); err == nil {
			t.Fatalf("%s: runtime may disable triggers", name)
		}
		app.Close()
	}
}
