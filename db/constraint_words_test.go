package db_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/godmode-console/godmode/db"
	"github.com/godmode-console/godmode/model"
)

func TestConstraintRefusalsAreSaidInWords(t *testing.T) {
	s, ctx := newStore(t)
	inst, ws := fleet(t, s, ctx)
	_, badSlug := s.CreateWorkspace(ctx, "Ohio Roofing!", "Ohio", &inst.ID)
	_, dupSlug := s.CreateWorkspace(ctx, ws.Slug, "Ohio again", &inst.ID)
	_, dupInst := s.AddInstance(ctx, db.NewInstance{Name: "ohio", BaseURL: "http://127.0.0.1:5679", APIKey: "n8n_api_other"})
	_, badName := s.AddInstance(ctx, db.NewInstance{Name: "Texas West", BaseURL: "http://127.0.0.1:5679", APIKey: "n8n_api_other"})
	inUse := s.RemoveInstance(ctx, inst.Name)
	for _, tc := range []struct {
		name       string
		err        error
		kind       error
		words      string
		constraint string
	}{
		{"workspace slug not allowed", badSlug, model.ErrInvalid, "a workspace slug is 1 to 63 lowercase letters, digits and dashes", "workspaces_slug_check"},
		{"duplicate workspace slug", dupSlug, model.ErrConflict, "a workspace with this slug already exists", "workspaces_slug_key"},
		{"duplicate instance name", dupInst, model.ErrConflict, "an n8n instance with this name already exists", "n8n_instances_name_key"},
		{"instance name not allowed", badName, model.ErrInvalid, "an n8n instance name is 1 to 63 lowercase letters", "n8n_instances_name_check"},
		{"instance still in use", inUse, model.ErrInvalid, "it is still used by workspaces", "workspaces_instance_id_fkey"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.err == nil {
				t.Fatal("accepted")
			}
			msg := tc.err.Error()
			if !strings.Contains(msg, tc.words) {
				t.Errorf("error %q does not say %q", msg, tc.words)
			}
			for _, raw := range []string{"violates", "duplicate key", "Failing row", "SQLSTATE"} {
				if strings.Contains(msg, raw) {
					t.Errorf("error %q carries Postgres's raw text %q", msg, raw)
				}
			}
			if !errors.Is(tc.err, tc.kind) {
				t.Errorf("error %q is not %v", msg, tc.kind)
			}
			var pg *pgconn.PgError
			if !errors.As(tc.err, &pg) || pg.ConstraintName != tc.constraint {
				t.Errorf("the original Postgres error (constraint %s) is not kept: %#v", tc.constraint, pg)
			}
		})
	}
}
