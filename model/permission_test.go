package model

import (
	"errors"
	"fmt"
	"testing"
)

// allowed is the matrix written out by hand from the platform's rules, so the
// test does not just restate the code's tables.
var allowed = map[Role]map[Action]bool{
	RoleOwner: {ActionView: true, ActionViewExecutions: true, ActionToggle: true, ActionRetry: true, ActionImportLeads: true,
		ActionManageMembers: true, ActionManageKeys: true, ActionDeleteWorkspace: true, ActionEditVariables: true, ActionExportLeads: true},
	RoleAdmin: {ActionView: true, ActionViewExecutions: true, ActionToggle: true, ActionRetry: true, ActionImportLeads: true,
		ActionManageMembers: true, ActionEditVariables: true, ActionExportLeads: true},
	RoleMember: {ActionView: true, ActionViewExecutions: true, ActionToggle: true, ActionRetry: true, ActionExportLeads: true},
	RoleViewer: {ActionView: true, ActionViewExecutions: true, ActionExportLeads: true},
}

func TestAuthorizeEveryRoleActionAndWorkspace(t *testing.T) {
	const own, other = 1, 2
	for _, role := range Roles {
		for _, action := range Actions {
			for _, ws := range []int64{own, other} {
				name := fmt.Sprintf("%s/%s/%s", role, action, map[int64]string{own: "own", other: "other"}[ws])
				t.Run(name, func(t *testing.T) {
					a := Actor{UserID: 7, Name: "ana@example.com", Roles: map[int64]Role{own: role}}
					err := Authorize(a, action, ws)
					want := ws == own && allowed[role][action]
					if (err == nil) != want {
						t.Fatalf("Authorize = %v, want allowed=%v", err, want)
					}
					if err != nil && !errors.Is(err, ErrForbidden) {
						t.Fatalf("refusal %v does not wrap ErrForbidden", err)
					}
				})
			}
		}
	}
}

func TestSuperAdminMayDoEverythingEverywhere(t *testing.T) {
	a := Actor{Name: "root@example.com", SuperAdmin: true}
	for _, action := range Actions {
		for _, ws := range []int64{0, 1, 99} {
			if err := Authorize(a, action, ws); err != nil {
				t.Errorf("super admin %s on %d: %v", action, ws, err)
			}
		}
	}
}

func TestSuperAdminOnlyActions(t *testing.T) {
	owner := Actor{Name: "o@example.com", Roles: map[int64]Role{1: RoleOwner}}
	for _, action := range []Action{ActionProvision, ActionEditBlueprint, ActionFreeze, ActionManageInstances, ActionManageUsers, ActionMigrate, ActionVerifyAudit, ActionManageWorkspaces} {
		err := Authorize(owner, action, 1)
		if err == nil {
			t.Errorf("an owner may %s", action)
		} else if want := fmt.Sprintf("forbidden: %s is for super admins only", action); err.Error() != want {
			t.Errorf("refusal says %q, want %q", err, want)
		}
	}
}

func TestViewerRefusalSaysWhy(t *testing.T) {
	v := Actor{Name: "v@example.com", Roles: map[int64]Role{1: RoleViewer}}
	err := Authorize(v, ActionToggle, 1)
	if err == nil || err.Error() != "forbidden: a viewer may not toggle" {
		t.Fatalf("viewer toggle: %v", err)
	}
	if err := Authorize(v, "launch_rockets", 1); err == nil {
		t.Fatal("an unknown action was allowed")
	}
}
