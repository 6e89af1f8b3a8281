// Package model holds godmode's domain: the types every other package speaks
// in (workspaces, campaigns, members, audit entries), the permission rules,
// and the use cases (toggle, sync, provision, leads import).
//
// It talks to Postgres and n8n only through small interfaces it declares, so
// it never imports db, ui or Bubble Tea, and it can be tested with fakes.
package model
