package db

import (
	"context"
	"fmt"

	"github.com/godmode-console/godmode/model"
)

var _ model.RoleReader = (*Store)(nil)

// UserRoles reads what a user may do now: whether they are a super admin
// and their role in each workspace. model reads it at every authorisation,
// so a revoked membership holds in sessions already open.
func (s *Store) UserRoles(ctx context.Context, userID int64) (bool, map[int64]model.Role, error) {
	var super bool
	if err := s.pool.QueryRow(ctx, `SELECT super_admin FROM users WHERE id = $1`, userID).Scan(&super); err != nil {
		return false, nil, dbErr(fmt.Sprintf("user %d", userID), err)
	}
	rows, err := s.pool.Query(ctx, `SELECT workspace_id, role FROM workspace_members WHERE user_id = $1`, userID)
	if err != nil {
		return false, nil, dbErr("roles", err)
	}
	defer rows.Close()
	roles := map[int64]model.Role{}
	for rows.Next() {
		var ws int64
		var r model.Role
		if err := rows.Scan(&ws, &r); err != nil {
			return false, nil, dbErr("roles", err)
		}
		roles[ws] = r
	}
	return super, roles, dbErr("roles", rows.Err())
}
