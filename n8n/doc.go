// Package n8n is godmode's client of n8n's public REST API (/api/v1): typed
// requests and responses, typed errors a caller can branch on, timeouts,
// safe retries and a per-instance limit on requests in flight.
//
// It imports only the standard library, so every other package may use its
// types; n8n/n8ntest holds an in-memory n8n that behaves like the real one.
package n8n
