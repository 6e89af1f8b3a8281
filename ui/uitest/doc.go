// Package uitest builds the real domain for the console's tests: a fresh
// database on the package's throwaway Postgres (db/dbtest, as the runtime
// role), the demo fleet seeded through db.Store into fake n8n servers
// (db/demofleet, n8n/n8ntest), and model.NewConsole over them. A screen
// test gets console.As(actor) as its ui.Backend, so every rule it meets
// (who may toggle, what a freeze does, what a retry records) is the
// model's own; the fixture only adds n8n's fault knobs, a fixed clock, and
// a count of the calls the screens made.
//
// It is test support: only _test.go files import it (ui/layering_test.go
// checks), because it starts Postgres and fake n8n servers.
package uitest
