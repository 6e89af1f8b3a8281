package db

import (
	"context"
	"fmt"

	"github.com/godmode-console/godmode/model"
)

const userCols = `id, email, name, super_admin, created_at`

// CreateUser records a person; emails are unique whatever their case.
func (s *Store) CreateUser(ctx context.Context, email, name string, superAdmin bool) (model.User, error) {
	rows, err := s.pool.Query(ctx, `INSERT INTO users (email, name, super_admin) VALUES ($1, $2, $3) RETURNING `+userCols,
		email, name, superAdmin)
	return one[model.User](fmt.Sprintf("user %q", email), rows, err)
}

// UserByEmail finds a user, case-insensitively.
func (s *Store) UserByEmail(ctx context.Context, email string) (model.User, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+userCols+` FROM users WHERE lower(email) = lower($1)`, email)
	return one[model.User](fmt.Sprintf("user %q", email), rows, err)
}

// Users lists every user by email.
func (s *Store) Users(ctx context.Context) ([]model.User, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+userCols+` FROM users ORDER BY lower(email)`)
	return collect[model.User]("users", rows, err)
}

// UserKeys lists the SSH keys registered for a user.
func (s *Store) UserKeys(ctx context.Context, userID int64) ([]model.UserKey, error) {
	rows, err := s.pool.Query(ctx, `SELECT id, user_id, fingerprint, public_key, comment, created_at FROM user_keys
		WHERE user_id = $1 ORDER BY id`, userID)
	return collect[model.UserKey]("user keys", rows, err)
}

// AddUserKey attaches an SSH public key to a user; a key belongs to one user.
func (s *Store) AddUserKey(ctx context.Context, userID int64, fingerprint, publicKey, comment string) (model.UserKey, error) {
	rows, err := s.pool.Query(ctx, `INSERT INTO user_keys (user_id, fingerprint, public_key, comment) VALUES ($1, $2, $3, $4)
		RETURNING id, user_id, fingerprint, public_key, comment, created_at`, userID, fingerprint, publicKey, comment)
	return one[model.UserKey](fmt.Sprintf("key %s", fingerprint), rows, err)
}

// UserByKey finds the user an SSH key fingerprint belongs to.
func (s *Store) UserByKey(ctx context.Context, fingerprint string) (model.User, error) {
	rows, err := s.pool.Query(ctx, `SELECT u.id, u.email, u.name, u.super_admin, u.created_at
		FROM users u JOIN user_keys k ON k.user_id = u.id WHERE k.fingerprint = $1`, fingerprint)
	return one[model.User](fmt.Sprintf("key %s", fingerprint), rows, err)
}

// SetMember gives a user a role in a workspace, replacing any earlier role.
func (s *Store) SetMember(ctx context.Context, workspaceID, userID int64, role model.Role) error {
	_, err := s.pool.Exec(ctx, `INSERT INTO workspace_members (workspace_id, user_id, role) VALUES ($1, $2, $3)
		ON CONFLICT (workspace_id, user_id) DO UPDATE SET role = EXCLUDED.role`, workspaceID, userID, role)
	return dbErr(fmt.Sprintf("member %d of workspace %d", userID, workspaceID), err)
}

// RemoveMember takes a user out of a workspace.
func (s *Store) RemoveMember(ctx context.Context, workspaceID, userID int64) error {
	tag, err := s.pool.Exec(ctx, `DELETE FROM workspace_members WHERE workspace_id = $1 AND user_id = $2`, workspaceID, userID)
	if err != nil {
		return dbErr("member", err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("user %d in workspace %d: %w", userID, workspaceID, model.ErrNotFound)
	}
	return nil
}

// Members lists a workspace's members.
func (s *Store) Members(ctx context.Context, workspaceID int64) ([]model.Member, error) {
	rows, err := s.pool.Query(ctx, `SELECT workspace_id, user_id, role, created_at FROM workspace_members
		WHERE workspace_id = $1 ORDER BY user_id`, workspaceID)
	return collect[model.Member]("members", rows, err)
}

// Actor builds the acting identity of a user, with every workspace role, for
// model.Authorize. keyFingerprint is the SSH key used, if any.
func (s *Store) Actor(ctx context.Context, u model.User, keyFingerprint string) (model.Actor, error) {
	a := model.Actor{UserID: u.ID, Name: u.Email, KeyFingerprint: keyFingerprint, SuperAdmin: u.SuperAdmin, Roles: map[int64]model.Role{}}
	rows, err := s.pool.Query(ctx, `SELECT workspace_id, role FROM workspace_members WHERE user_id = $1`, u.ID)
	if err != nil {
		return a, dbErr("roles", err)
	}
	defer rows.Close()
	for rows.Next() {
		var ws int64
		var r model.Role
		if err := rows.Scan(&ws, &r); err != nil {
			return a, dbErr("roles", err)
		}
		a.Roles[ws] = r
	}
	return a, dbErr("roles", rows.Err())
}

// RemoveUserKey takes one SSH key from a user; the key no longer proves
// them from the next command or session on.
func (s *Store) RemoveUserKey(ctx context.Context, userID int64, fingerprint string) error {
	tag, err := s.pool.Exec(ctx, `DELETE FROM user_keys WHERE user_id = $1 AND fingerprint = $2`, userID, fingerprint)
	if err != nil {
		return dbErr(fmt.Sprintf("key %s", fingerprint), err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("key %s of user %d: %w", fingerprint, userID, model.ErrNotFound)
	}
	return nil
}

// UserWorkspaces lists a user's workspace roles by workspace slug.
func (s *Store) UserWorkspaces(ctx context.Context, userID int64) ([]model.WorkspaceRole, error) {
	rows, err := s.pool.Query(ctx, `SELECT w.id AS workspace_id, w.slug, m.role FROM workspace_members m
		JOIN workspaces w ON w.id = m.workspace_id WHERE m.user_id = $1 ORDER BY w.slug`, userID)
	return collect[model.WorkspaceRole]("workspace roles", rows, err)
}
