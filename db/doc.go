// Package db is godmode's Postgres layer: the pgx pool, the embedded goose
// migrations, the repositories every feature writes through, LISTEN/NOTIFY,
// encryption of n8n API keys at rest, and a throwaway Postgres for tests and
// the demo.
package db
