package model

import (
	"context"
	"fmt"
	"regexp"
	"strings"
)

// Audit actions of the user commands.
const (
	AuditUserAdd    = "users.add"
	AuditUserAddKey = "users.add_key"
	AuditUserList   = "users.list"
)

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
func (a *Admin) Users(ctx context.Context, actor Actor) ([]User, error) {
	at, err := a.begin(ctx, actor, AuditUserList, ActionManageUsers, map[string]any{})
	if err != nil {
		return nil, err
	}
	list, err := a.store.Users(ctx)
	if err != nil {
		return nil, at.fail(ctx, err)
	}
	at.state["count"] = len(list)
	at.ok(ctx)
	return list, nil
}
