// Package demofleet seeds the demo fleet: the real platform's shape (one
// shared legacy n8n holding the oldest clients, one n8n per newer tenant),
// every workspace status, every campaign status, and executions whose
// failures look like the real fixtures. It writes Postgres through db.Store
// and n8n through fresh n8ntest fakes, the way production state comes to
// be, so `godmode demo` and the UI tests drive the real model over it.
// Every campaign's workflow is rendered from the demo blueprint, which the
// seed imports through the model's vault (checked and audited like any
// import), so a workspace captured from the demo has real values to turn
// into variables. The whole fleet also holds a client that is in n8n but
// not yet in godmode (NewClient), for onboarding.
//
// It lives under db because what it mostly does is fill a database; it
// imports n8n/n8ntest because the fleet's workflows and executions must
// exist in an n8n for the model to read them. Only cmd (the demo) and
// tests import it.
package demofleet
