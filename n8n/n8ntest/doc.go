// Package n8ntest is an in-memory n8n that speaks the public API the way
// n8n 1.123 does: same endpoints, same answers, same refusals (read-only
// and unknown fields, limit over 250, bad status filter, bad key, unknown
// ids, no trigger, taken webhook path), offset and lastId cursors, waiting
// executions absent from lists. WithMajor(2) makes it behave like n8n
// 2.41 instead, lags included (see WithMajor for what differs). Unit tests, the demo and benchmarks use it
// where a real n8n would be too slow or too hard to break on purpose.
//
// Beyond the API it offers what tests need: seeding (AddWorkflow,
// AddExecution, production webhooks that run workflows), drift made
// "inside n8n" (SetActive, Delete, Edit) and fault knobs (SetLatency,
// FailNext, HangNext, CloseNext) with a request counter. Every method is
// safe for concurrent use.
//
// Credentials are validated against each major's schemas (1.x's allOf
// conditions included, with n8n's messages); their data stays inside the
// fake, where a Webhook node with header auth checks it, and is never in
// an answer.
//
// Executions are simulated: nodes pass their input items through, a
// SplitInBatches node loops, a Wait node leaves the execution waiting, and
// a Code node whose code is `throw new Error("…")` fails like n8n's does.
// Their JSON has the shape of the real fixtures in ../testdata.
package n8ntest
