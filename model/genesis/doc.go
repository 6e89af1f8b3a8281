// Package genesis is the domain engine of provisioning a workspace from a
// blueprint version: reading the operator's values file, validating
// credential fields against n8n's credential schemas, and planning, on the
// JSON tree of each workflow, what would be created in n8n and in which
// order. It holds no state and makes no call: n8n and Postgres reach it
// through the small interfaces in ports.go, so the console, the CLI and the
// tests share one engine. It never imports Bubble Tea, the database or the
// n8n client.
package genesis
