package model

import (
	"context"
	"errors"
	"fmt"
)

// RoleReader reads a user's rights as Postgres holds them now; db.Store
// implements it. It is apart from Store so fakes made before it still
// satisfy Store (they keep the roles the actor was built with).
type RoleReader interface {
	UserRoles(ctx context.Context, userID int64) (superAdmin bool, roles map[int64]Role, err error)
}

// current is the actor with the rights Postgres gives them now, not those
// read when the session began: a membership revoked (or a super admin
// demoted) in another process holds at the next authorisation. Actors that
// are no registered user (the local operator, sync) are what they are.
func (c *Console) current(ctx context.Context, a Actor) (Actor, error) {
	rr, ok := c.store.(RoleReader)
	if a.UserID == 0 || !ok {
		return a, nil
	}
	super, roles, err := rr.UserRoles(ctx, a.UserID)
	switch {
	case errors.Is(err, ErrNotFound):
		super, roles = false, nil // the user was removed: no rights left
	case err != nil:
		// Fail closed: rights that cannot be read are not granted.
		return a, fmt.Errorf("%w: the rights of %s could not be read: %v", ErrForbidden, a.display(), err)
	}
	a.SuperAdmin, a.Roles = super, roles
	return a, nil
}

// authorize is Authorize on the actor's rights as they are now.
func (c *Console) authorize(ctx context.Context, actor Actor, action Action, workspaceID int64) error {
	a, err := c.current(ctx, actor)
	if err != nil {
		return err
	}
	return Authorize(a, action, workspaceID)
}
