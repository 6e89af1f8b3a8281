package db

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/godmode-console/godmode/model"
)

// CreateBlueprint records a named blueprint with no version yet.
func (s *Store) CreateBlueprint(ctx context.Context, name, description string) (model.Blueprint, error) {
	rows, err := s.pool.Query(ctx, `INSERT INTO blueprints (name, description) VALUES ($1, $2) RETURNING id, name, description, created_at`, name, description)
	return one[model.Blueprint](fmt.Sprintf("blueprint %q", name), rows, err)
}

// AddBlueprintVersion stores the next version of a blueprint. Versions are
// immutable and numbered in order; the same content twice is refused
// (model.ErrConflict) so nobody publishes a version that changes nothing.
func (s *Store) AddBlueprintVersion(ctx context.Context, v model.BlueprintVersion) (model.BlueprintVersion, error) {
	def := func(b json.RawMessage, d string) string {
		if len(b) == 0 {
			return d
		}
		return string(b)
	}
	sum := sha256.New()
	for _, part := range []json.RawMessage{v.Workflows, v.Variables, v.CredentialSlots, v.WebhookNodes, v.LeadSchema} {
		sum.Write(part)
		sum.Write([]byte{0})
	}
	v.ContentHash = hex.EncodeToString(sum.Sum(nil))
	var out model.BlueprintVersion
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		// The row lock numbers concurrent publishes one after the other.
		if _, err := tx.Exec(ctx, `SELECT 1 FROM blueprints WHERE id = $1 FOR UPDATE`, v.BlueprintID); err != nil {
			return err
		}
		rows, err := tx.Query(ctx, `INSERT INTO blueprint_versions (blueprint_id, version, workflows, variables, credential_slots, webhook_nodes, lead_schema, content_hash, created_by)
			SELECT $1, coalesce(max(version), 0) + 1, $2, $3, $4, $5, $6, $7, $8 FROM blueprint_versions WHERE blueprint_id = $1
			RETURNING id, blueprint_id, version, workflows, variables, credential_slots, webhook_nodes, lead_schema, content_hash, created_by, created_at`,
			v.BlueprintID, def(v.Workflows, "[]"), def(v.Variables, "[]"), def(v.CredentialSlots, "[]"), def(v.WebhookNodes, "[]"),
			def(v.LeadSchema, "{}"), v.ContentHash, v.CreatedBy)
		out, err = one[model.BlueprintVersion]("blueprint version", rows, err)
		return err
	})
	return out, dbErr(fmt.Sprintf("blueprint %d", v.BlueprintID), err)
}

// BlueprintVersions lists a blueprint's versions, newest first.
func (s *Store) BlueprintVersions(ctx context.Context, blueprintID int64) ([]model.BlueprintVersion, error) {
	rows, err := s.pool.Query(ctx, `SELECT id, blueprint_id, version, workflows, variables, credential_slots, webhook_nodes, lead_schema, content_hash, created_by, created_at
		FROM blueprint_versions WHERE blueprint_id = $1 ORDER BY version DESC`, blueprintID)
	return collect[model.BlueprintVersion]("blueprint versions", rows, err)
}
