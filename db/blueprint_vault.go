package db

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/godmode-console/godmode/model"
)

const versionCols = `v.id, v.blueprint_id, v.version, v.workflows, v.variables, v.credential_slots, v.webhook_nodes, v.lead_schema,
	v.content_hash, v.created_by, v.created_at, v.files, v.report, v.allowed_secrets, v.origin, v.substitutions,
	v.lead_schema_edited_by, v.lead_schema_edited_at`

// StoreBlueprintVersion stores v as the next version of the blueprint named
// name, creating the blueprint on its first version, in one transaction so
// a failed import leaves nothing. When a version with the same content hash
// exists it is returned instead, with created false: the same files
// imported twice make no new version.
func (s *Store) StoreBlueprintVersion(ctx context.Context, name string, v model.BlueprintVersion) (model.BlueprintVersion, bool, error) {
	def := func(b json.RawMessage, d string) string {
		if len(b) == 0 {
			return d
		}
		return string(b)
	}
	var out model.BlueprintVersion
	created := false
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		var id int64
		// The upsert's row lock numbers concurrent imports one after the other.
		if err := tx.QueryRow(ctx, `INSERT INTO blueprints (name) VALUES ($1)
			ON CONFLICT (name) DO UPDATE SET name = excluded.name RETURNING id`, name).Scan(&id); err != nil {
			return err
		}
		rows, err := tx.Query(ctx, `SELECT `+versionCols+` FROM blueprint_versions v WHERE v.blueprint_id = $1 AND v.content_hash = $2`, id, v.ContentHash)
		same, err := collect[model.BlueprintVersion]("blueprint version", rows, err)
		if err != nil {
			return err
		}
		if len(same) > 0 {
			out = same[0]
			return nil
		}
		origin := v.Origin
		if origin == "" {
			origin = "import"
		}
		rows, err = tx.Query(ctx, `INSERT INTO blueprint_versions AS v (blueprint_id, version, workflows, variables, credential_slots, webhook_nodes,
				lead_schema, content_hash, created_by, files, report, allowed_secrets, origin, substitutions)
			SELECT $1, coalesce(max(version), 0) + 1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13 FROM blueprint_versions WHERE blueprint_id = $1
			RETURNING `+versionCols,
			id, def(v.Workflows, "[]"), def(v.Variables, "[]"), def(v.CredentialSlots, "[]"), def(v.WebhookNodes, "[]"),
			def(v.LeadSchema, "{}"), v.ContentHash, v.CreatedBy, def(v.Files, "[]"), def(v.Report, "{}"), def(v.AllowedSecrets, "[]"), origin, def(v.Substitutions, "[]"))
		out, err = one[model.BlueprintVersion]("blueprint version", rows, err)
		created = err == nil
		return err
	})
	return out, created, dbErr(fmt.Sprintf("blueprint %q", name), err)
}

// BlueprintSummaries lists every blueprint with its newest version, by name.
func (s *Store) BlueprintSummaries(ctx context.Context) ([]model.BlueprintSummary, error) {
	rows, err := s.pool.Query(ctx, `SELECT b.id, b.name, b.description, b.created_at,
			coalesce(max(v.version), 0) AS latest, count(v.id) AS versions, max(v.created_at) AS latest_at
		FROM blueprints b LEFT JOIN blueprint_versions v ON v.blueprint_id = b.id
		GROUP BY b.id ORDER BY b.name`)
	return collect[model.BlueprintSummary]("blueprints", rows, err)
}

// BlueprintVersionByName reads one version of the blueprint named name; version
// 0 is the newest.
func (s *Store) BlueprintVersionByName(ctx context.Context, name string, version int) (model.BlueprintVersion, error) {
	what := fmt.Sprintf("blueprint %q", name)
	if version > 0 {
		what = fmt.Sprintf("blueprint %q version %d", name, version)
	}
	rows, err := s.pool.Query(ctx, `SELECT `+versionCols+` FROM blueprint_versions v JOIN blueprints b ON b.id = v.blueprint_id
		WHERE b.name = $1 AND ($2 = 0 OR v.version = $2) ORDER BY v.version DESC LIMIT 1`, name, version)
	return one[model.BlueprintVersion](what, rows, err)
}

// SetBlueprintLeadSchema replaces the lead schema's columns of one version,
// recording who did it, only if they are still before: two edits at once
// do not lose one (the second is refused, model.ErrConflict, and can be
// tried again on what the first left).
func (s *Store) SetBlueprintLeadSchema(ctx context.Context, versionID int64, before, after []string, by *int64) (model.BlueprintVersion, error) {
	b, err := json.Marshal(before)
	if err != nil {
		return model.BlueprintVersion{}, err
	}
	a, err := json.Marshal(after)
	if err != nil {
		return model.BlueprintVersion{}, err
	}
	rows, err := s.pool.Query(ctx, `UPDATE blueprint_versions AS v
		SET lead_schema = jsonb_set(v.lead_schema, '{columns}', $3::jsonb), lead_schema_edited_by = $4, lead_schema_edited_at = now()
		WHERE v.id = $1 AND coalesce(v.lead_schema -> 'columns', '[]') = $2::jsonb
		RETURNING `+versionCols, versionID, string(b), string(a), by)
	out, err := collect[model.BlueprintVersion]("blueprint version", rows, err)
	if err != nil {
		return model.BlueprintVersion{}, err
	}
	if len(out) == 0 {
		return model.BlueprintVersion{}, fmt.Errorf("%w: the lead schema changed meanwhile (or the version is gone): read it again and retry", model.ErrConflict)
	}
	return out[0], nil
}

// SetBlueprintLeadSchemaRequired replaces a version's lead schema columns
// and required list together, only if both are still before (as
// SetBlueprintLeadSchema does for the columns).
func (s *Store) SetBlueprintLeadSchemaRequired(ctx context.Context, versionID int64, beforeCols, afterCols, beforeReq, afterReq []string, by *int64) (model.BlueprintVersion, error) {
	js := func(v []string) string {
		if v == nil {
			v = []string{}
		}
		b, _ := json.Marshal(v)
		return string(b)
	}
	rows, err := s.pool.Query(ctx, `UPDATE blueprint_versions AS v
		SET lead_schema = jsonb_set(jsonb_set(v.lead_schema, '{columns}', $3::jsonb), '{required}', $5::jsonb),
			lead_schema_edited_by = $6, lead_schema_edited_at = now()
		WHERE v.id = $1 AND coalesce(v.lead_schema -> 'columns', '[]') = $2::jsonb AND coalesce(v.lead_schema -> 'required', '[]') = $4::jsonb
		RETURNING `+versionCols, versionID, js(beforeCols), js(afterCols), js(beforeReq), js(afterReq), by)
	out, err := collect[model.BlueprintVersion]("blueprint version", rows, err)
	if err != nil {
		return model.BlueprintVersion{}, err
	}
	if len(out) == 0 {
		return model.BlueprintVersion{}, fmt.Errorf("%w: the lead schema changed meanwhile (or the version is gone): read it again and retry", model.ErrConflict)
	}
	return out[0], nil
}
