// Package detect finds what a blueprint's workflow files need and what they
// must not carry: variables (the platform's YOUR_* tokens, $env, $vars and
// {{NAME}} placeholders), credential slots, webhooks, triggers, hardcoded
// values a workspace would have to change, the lead columns the workflows
// use, and secrets, each named by file, node and JSON path.
//
// It only reads bytes: no UI, no database, no n8n client, so the importer,
// the capture from a live workspace and the tests share one analysis.
// Analyze never panics and always returns its lists sorted, so a report can
// be stored per blueprint version and compared across versions.
package detect
