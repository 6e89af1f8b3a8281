package db

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/godmode-console/godmode/model"
)

const editableCols = `b.id, b.name, b.admin_editable, b.admin_editable_edited_by, b.admin_editable_edited_at`

// BlueprintEditable reads the variables the blueprint named name marks
// admin_editable.
func (s *Store) BlueprintEditable(ctx context.Context, name string) (model.BlueprintEditable, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+editableCols+` FROM blueprints b WHERE b.name = $1`, name)
	return one[model.BlueprintEditable](fmt.Sprintf("blueprint %q", name), rows, err)
}

// SetBlueprintEditable replaces the blueprint's admin_editable list,
// recording who did it, only if it is still before: of two edits at once
// the second is refused (model.ErrConflict) and can be tried again.
func (s *Store) SetBlueprintEditable(ctx context.Context, blueprintID int64, before, after []string, by *int64) (model.BlueprintEditable, error) {
	rows, err := s.pool.Query(ctx, `UPDATE blueprints AS b
		SET admin_editable = $3, admin_editable_edited_by = $4, admin_editable_edited_at = now()
		WHERE b.id = $1 AND b.admin_editable = $2
		RETURNING `+editableCols, blueprintID, nonNilStrings(before), nonNilStrings(after), by)
	out, err := collect[model.BlueprintEditable]("blueprint", rows, err)
	if err != nil {
		return model.BlueprintEditable{}, err
	}
	if len(out) == 0 {
		return model.BlueprintEditable{}, fmt.Errorf("%w: the admin_editable variables changed meanwhile (or the blueprint is gone): read them again and retry", model.ErrConflict)
	}
	return out[0], nil
}

// BlueprintVersionsByName lists every version of the blueprint named
// name, newest first (a blueprint has a few dozen at most; capped).
func (s *Store) BlueprintVersionsByName(ctx context.Context, name string) ([]model.BlueprintVersion, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+versionCols+` FROM blueprint_versions v JOIN blueprints b ON b.id = v.blueprint_id
		WHERE b.name = $1 ORDER BY v.version DESC LIMIT 1000`, name)
	return collect[model.BlueprintVersion](fmt.Sprintf("versions of blueprint %q", name), rows, err)
}

// BlueprintSecretVariables are the variables some run of some version of
// the blueprint was given as secrets, sorted.
func (s *Store) BlueprintSecretVariables(ctx context.Context, blueprintID int64) ([]string, error) {
	rows, err := s.pool.Query(ctx, `SELECT DISTINCT unnest(r.secret_variables) AS name FROM provisioning_runs r
		JOIN blueprint_versions v ON v.id = r.blueprint_version_id WHERE v.blueprint_id = $1 ORDER BY 1`, blueprintID)
	if err != nil {
		return nil, dbErr("secret variables", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, dbErr("secret variables", err)
		}
		out = append(out, n)
	}
	return out, dbErr("secret variables", rows.Err())
}

// RecordRunValues keeps with a run what it may keep of its values: the
// non-secret ones, the secret ones' names, the credential ids given.
func (s *Store) RecordRunValues(ctx context.Context, runID int64, v model.RunValues) error {
	vals, err := json.Marshal(nonNilMap(v.Values))
	if err != nil {
		return err
	}
	ids, err := json.Marshal(nonNilMap(v.CredentialIDs))
	if err != nil {
		return err
	}
	secret := slices.Clone(nonNilStrings(v.Secret))
	slices.Sort(secret)
	tag, err := s.pool.Exec(ctx, `UPDATE provisioning_runs SET variable_values = $2, secret_variables = $3, credential_ids = $4 WHERE id = $1`,
		runID, string(vals), secret, string(ids))
	if err == nil && tag.RowsAffected() == 0 {
		return fmt.Errorf("run %d: %w", runID, model.ErrNotFound)
	}
	return dbErr(fmt.Sprintf("values of run %d", runID), err)
}

// LastSucceededRun is the workspace's newest succeeded run with the values
// it recorded; model.ErrNotFound when it has none.
func (s *Store) LastSucceededRun(ctx context.Context, workspaceID int64) (model.ProvisioningRun, model.RunValues, error) {
	what := fmt.Sprintf("succeeded run of workspace %d", workspaceID)
	var run model.ProvisioningRun
	var vals, ids []byte
	var secret []string
	err := s.pool.QueryRow(ctx, `SELECT id, workspace_id, blueprint_version_id, status, started_by, error, started_at, finished_at, activate,
			variable_values, secret_variables, credential_ids
		FROM provisioning_runs WHERE workspace_id = $1 AND status = 'succeeded' ORDER BY id DESC LIMIT 1`, workspaceID).
		Scan(&run.ID, &run.WorkspaceID, &run.BlueprintVersionID, &run.Status, &run.StartedBy, &run.Error, &run.StartedAt, &run.FinishedAt, &run.Activate,
			&vals, &secret, &ids)
	if err != nil {
		return run, model.RunValues{}, dbErr(what, err)
	}
	rv := model.RunValues{Secret: nonNilStrings(secret)}
	if err := json.Unmarshal(vals, &rv.Values); err != nil {
		return run, rv, fmt.Errorf("%s: recorded values: %w", what, err)
	}
	if err := json.Unmarshal(ids, &rv.CredentialIDs); err != nil {
		return run, rv, fmt.Errorf("%s: recorded credential ids: %w", what, err)
	}
	return run, rv, nil
}

func nonNilMap(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return m
}

func nonNilStrings(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
