package db

import (
	"regexp"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/godmode-console/godmode/model"
)

// ConstraintError is a refusal by one of the schema's rules, said in plain
// words naming the field. Postgres's own text ("violates check constraint
// …", with the failing row) stays reachable through errors.As for logs and
// tests, but is not what a person reads.
type ConstraintError struct {
	Words string          // what was wrong, e.g. "a workspace with this slug already exists"
	Kind  error           // model.ErrConflict or model.ErrInvalid
	PG    *pgconn.PgError // the original
}

func (e *ConstraintError) Error() string   { return e.Words }
func (e *ConstraintError) Unwrap() []error { return []error{e.Kind, e.PG} }

// constraintWords names, for each rule of the schema a person can break
// through godmode, what the rule wants.
var constraintWords = map[string]string{
	"workspaces_slug_check": "a workspace slug is 1 to 63 lowercase letters, digits and dashes, starting with a letter or digit",
	"workspaces_slug_key":   "a workspace with this slug already exists",
	"workspaces_name_check": "a workspace needs a name",
	"workspaces_check":      "a frozen workspace needs a reason",
	"n8n_instances_name_check": "an n8n instance name is 1 to 63 lowercase letters, digits, dots, dashes and underscores, " +
		"starting with a letter or digit",
	"n8n_instances_name_key":                           "an n8n instance with this name already exists",
	"n8n_instances_base_url_check":                     "an n8n instance's base URL starts with http:// or https:// and has no spaces",
	"n8n_instances_webhook_base_url_check":             "a webhook base URL starts with http:// or https:// and has no spaces",
	"users_email_check":                                "an email address is NAME@DOMAIN, without spaces",
	"users_email_idx":                                  "a user with this email address already exists",
	"user_keys_fingerprint_check":                      "an SSH key fingerprint starts with SHA256:",
	"user_keys_fingerprint_key":                        "this SSH key is already registered",
	"blueprints_name_check":                            "a blueprint needs a name",
	"blueprints_name_key":                              "a blueprint with this name already exists",
	"blueprint_versions_blueprint_id_content_hash_key": "this blueprint already has a version with the same content",
	"campaigns_name_check":                             "a campaign needs a name",
	"campaigns_n8n_workflow_id_check":                  "a campaign needs the id of its n8n workflow",
	"campaigns_workspace_id_name_key":                  "the workspace already has a campaign with this name",
	"campaigns_instance_id_n8n_workflow_id_key":        "another campaign already owns this n8n workflow",
	"leads_email_check":                                "a lead's email address is NAME@DOMAIN, without spaces",
	"leads_status_check":                               "a lead's status is new, contacted, replied, bounced, unsubscribed or do_not_contact",
	"leads_workspace_email_idx":                        "the workspace already has a lead with this email address",
	"provisioning_runs_one_open_idx":                   "the workspace already has a provisioning run planned or applying",
}

// keyDetail reads the columns out of Postgres's "Key (slug)=(ohio) already
// exists." or "Key (workspace_id)=(5) is not present in table …".
var keyDetail = regexp.MustCompile(`^Key \((.+?)\)=`)

// fkDetail reads a foreign key's refusal: which way, and which table.
var fkDetail = regexp.MustCompile(`(is still referenced from|is not present in) table "([^"]+)"`)

// constraintError says a Postgres refusal in words, or returns nil when
// the error is not a constraint's.
func constraintError(pg *pgconn.PgError) *ConstraintError {
	var kind error
	switch pg.Code {
	case "23505": // unique_violation
		kind = model.ErrConflict
	case "23503", "23514", "23502", "23P01": // fk, check, not null, exclusion
		kind = model.ErrInvalid
	default:
		return nil
	}
	if w, ok := constraintWords[pg.ConstraintName]; ok {
		return &ConstraintError{Words: w, Kind: kind, PG: pg}
	}
	what := strings.TrimSuffix(strings.ReplaceAll(pg.TableName, "_", " "), "s")
	if what == "" {
		what = "row"
	}
	field := ""
	if m := keyDetail.FindStringSubmatch(pg.Detail); m != nil {
		field = strings.ReplaceAll(m[1], "_", " ")
	}
	var w string
	switch pg.Code {
	case "23505":
		w = "a " + what + " with this " + orWord(field, "value") + " already exists"
	case "23503":
		if m := fkDetail.FindStringSubmatch(pg.Detail); m != nil && m[1] == "is still referenced from" {
			w = "it is still used by " + strings.ReplaceAll(m[2], "_", " ") // TableName is theirs, not the deleted row's
		} else if m != nil {
			w = "the " + orWord(field, "reference") + " names a " + strings.TrimSuffix(strings.ReplaceAll(m[2], "_", " "), "s") + " that does not exist"
		} else {
			w = "the " + what + "'s " + orWord(field, "reference") + " names something that does not exist or is still in use"
		}
	case "23502":
		w = "a " + what + " needs a " + orWord(strings.ReplaceAll(pg.ColumnName, "_", " "), "value")
	default:
		w = "a " + what + " value is not allowed (rule " + pg.ConstraintName + ")"
	}
	return &ConstraintError{Words: w, Kind: kind, PG: pg}
}

func orWord(s, alt string) string {
	if s == "" {
		return alt
	}
	return s
}
