package model

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
)

// Audit actions of the user commands.
const (
	AuditUserAdd       = "users.add"
	AuditUserAddKey    = "users.add_key"
	AuditUserList      = "users.list"
	AuditUserRemoveKey = "users.remove_key"
	AuditUserGrant     = "users.grant"
	AuditUserRevoke    = "users.revoke"
)

// CheckRole parses a workspace role, naming the ones there are.
func CheckRole(s string) (Role, error) {
	for _, r := range Roles {
		if string(r) == s {
			return r, nil
		}
	}
	names := make([]string, len(Roles))
	for i, r := range Roles {
		names[i] = string(r)
	}
	return "", fmt.Errorf("%w: role %q: say one of %s", ErrInvalid, s, strings.Join(names, ", "))
}

// UserEntry is a registered person with their workspace roles and keys,
// as `users list` shows them.
type UserEntry struct {
	User
	Workspaces []WorkspaceRole
	Keys       []UserKey
}

var emailRule = regexp.MustCompile(`^[^@\s]+@[^@\s]+$`)

// CheckEmail says what is wrong with an email address, the database's rule.
func CheckEmail(email string) error {
	if !emailRule.MatchString(email) {
		return fmt.Errorf("%w: %q is not an email address (NAME@DOMAIN)", ErrInvalid, email)
	}
	return nil
}

// AddUser registers a person. Only a super admin registers people, and only
// a super admin makes another one.
func (a *Admin) AddUser(ctx context.Context, actor Actor, email, name string, superAdmin bool) (User, error) {
	at, err := a.begin(ctx, actor, AuditUserAdd, ActionManageUsers, map[string]any{"user": email, "super_admin": superAdmin})
	if err != nil {
		return User{}, err
	}
	if err := CheckEmail(email); err != nil {
		return User{}, at.fail(ctx, err)
	}
	u, err := a.store.CreateUser(ctx, email, strings.TrimSpace(name), superAdmin)
	if err != nil {
		return u, at.fail(ctx, err)
	}
	at.ok(ctx)
	return u, nil
}

// AddUserWithKey registers a person and their first SSH key as one
// audited step. A key already registered is refused before the person is
// created, so a refusal leaves nothing half done.
func (a *Admin) AddUserWithKey(ctx context.Context, actor Actor, email, name string, superAdmin bool, key UserKey) (User, UserKey, error) {
	at, err := a.begin(ctx, actor, AuditUserAdd, ActionManageUsers, map[string]any{"user": email, "super_admin": superAdmin, "fingerprint": key.Fingerprint})
	if err != nil {
		return User{}, UserKey{}, err
	}
	if err := CheckEmail(email); err != nil {
		return User{}, UserKey{}, at.fail(ctx, err)
	}
	if !strings.HasPrefix(key.Fingerprint, "SHA256:") || key.PublicKey == "" {
		return User{}, UserKey{}, at.fail(ctx, fmt.Errorf("%w: an SSH public key with a SHA256 fingerprint is needed", ErrInvalid))
	}
	switch owner, err := a.store.UserByKey(ctx, key.Fingerprint); {
	case err == nil:
		return User{}, UserKey{}, at.fail(ctx, fmt.Errorf("key %s: %w: it is already registered for %s", key.Fingerprint, ErrConflict, owner.Email))
	case !errors.Is(err, ErrNotFound):
		return User{}, UserKey{}, at.fail(ctx, err)
	}
	u, err := a.store.CreateUser(ctx, email, strings.TrimSpace(name), superAdmin)
	if err != nil {
		return u, UserKey{}, at.fail(ctx, err)
	}
	k, err := a.store.AddUserKey(ctx, u.ID, key.Fingerprint, key.PublicKey, key.Comment)
	if err != nil {
		return u, k, at.fail(ctx, fmt.Errorf("added %s, but not their key: %w", email, err))
	}
	at.ok(ctx)
	return u, k, nil
}

// AddUserKey registers an SSH public key for a user: holding its private
// key is then how that user proves who they are. fingerprint is the key's
// SHA256 fingerprint, publicKey its authorized_keys line.
func (a *Admin) AddUserKey(ctx context.Context, actor Actor, email string, key UserKey) (UserKey, error) {
	at, err := a.begin(ctx, actor, AuditUserAddKey, ActionManageUsers, map[string]any{"user": email, "fingerprint": key.Fingerprint})
	if err != nil {
		return UserKey{}, err
	}
	if err := CheckEmail(email); err != nil {
		return UserKey{}, at.fail(ctx, err)
	}
	if !strings.HasPrefix(key.Fingerprint, "SHA256:") || key.PublicKey == "" {
		return UserKey{}, at.fail(ctx, fmt.Errorf("%w: an SSH public key with a SHA256 fingerprint is needed", ErrInvalid))
	}
	u, err := a.store.UserByEmail(ctx, email)
	if err != nil {
		return UserKey{}, at.fail(ctx, fmt.Errorf("%w (register the person first: godmode users add %s)", err, email))
	}
	k, err := a.store.AddUserKey(ctx, u.ID, key.Fingerprint, key.PublicKey, key.Comment)
	if err != nil {
		return k, at.fail(ctx, err)
	}
	at.ok(ctx)
	return k, nil
}

// Users lists every registered person; who may act on the platform is
// itself for super admins only.
func (a *Admin) Users(ctx context.Context, actor Actor) ([]UserEntry, error) {
	at, err := a.begin(ctx, actor, AuditUserList, ActionManageUsers, map[string]any{})
	if err != nil {
		return nil, err
	}
	users, err := a.store.Users(ctx)
	if err != nil {
		return nil, at.fail(ctx, err)
	}
	list := make([]UserEntry, 0, len(users))
	for _, u := range users {
		e := UserEntry{User: u}
		if e.Workspaces, err = a.store.UserWorkspaces(ctx, u.ID); err != nil {
			return nil, at.fail(ctx, err)
		}
		if e.Keys, err = a.store.UserKeys(ctx, u.ID); err != nil {
			return nil, at.fail(ctx, err)
		}
		list = append(list, e)
	}
	at.state["count"] = len(list)
	at.ok(ctx)
	return list, nil
}

// RemoveUserKey takes one SSH key, by fingerprint, from a user: it proves
// nobody from the next command on.
func (a *Admin) RemoveUserKey(ctx context.Context, actor Actor, email, fingerprint string) error {
	at, err := a.begin(ctx, actor, AuditUserRemoveKey, ActionManageUsers, map[string]any{"user": email, "fingerprint": fingerprint})
	if err != nil {
		return err
	}
	u, err := a.store.UserByEmail(ctx, email)
	if err != nil {
		return at.fail(ctx, err)
	}
	if err := a.store.RemoveUserKey(ctx, u.ID, fingerprint); err != nil {
		if errors.Is(err, ErrNotFound) {
			err = fmt.Errorf("%s has no key %s: %w", email, fingerprint, ErrNotFound)
		}
		return at.fail(ctx, err)
	}
	at.ok(ctx)
	return nil
}

// GrantRole gives a user a role in a workspace, replacing any earlier one.
// Authorisation re-reads roles from Postgres, so open sessions see it at
// their next action.
func (a *Admin) GrantRole(ctx context.Context, actor Actor, email, slug string, role Role) error {
	at, err := a.begin(ctx, actor, AuditUserGrant, ActionManageUsers, map[string]any{"user": email, "workspace": slug, "role": role})
	if err != nil {
		return err
	}
	if _, err := CheckRole(string(role)); err != nil {
		return at.fail(ctx, err)
	}
	u, ws, err := a.userAndWorkspace(ctx, at, email, slug)
	if err != nil {
		return at.fail(ctx, err)
	}
	if err := a.store.SetMember(ctx, ws.ID, u.ID, role); err != nil {
		return at.fail(ctx, err)
	}
	at.ok(ctx)
	return nil
}

// RevokeRole takes a user out of a workspace; sessions already open are
// refused from their next action, as authorisation re-reads roles.
func (a *Admin) RevokeRole(ctx context.Context, actor Actor, email, slug string) error {
	at, err := a.begin(ctx, actor, AuditUserRevoke, ActionManageUsers, map[string]any{"user": email, "workspace": slug})
	if err != nil {
		return err
	}
	u, ws, err := a.userAndWorkspace(ctx, at, email, slug)
	if err != nil {
		return at.fail(ctx, err)
	}
	if err := a.store.RemoveMember(ctx, ws.ID, u.ID); err != nil {
		if errors.Is(err, ErrNotFound) {
			err = fmt.Errorf("%s has no role in workspace %s: %w", email, slug, ErrNotFound)
		}
		return at.fail(ctx, err)
	}
	at.ok(ctx)
	return nil
}

func (a *Admin) userAndWorkspace(ctx context.Context, at *attempt, email, slug string) (User, Workspace, error) {
	u, err := a.store.UserByEmail(ctx, email)
	if err != nil {
		return u, Workspace{}, fmt.Errorf("%w (register the person first: godmode users add %s)", err, email)
	}
	ws, err := a.store.WorkspaceBySlug(ctx, slug)
	if err != nil {
		return u, ws, err
	}
	at.wsID = &ws.ID
	return u, ws, nil
}
