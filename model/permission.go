package model

import (
	"errors"
	"fmt"
)

// Role is a user's role in one workspace.
type Role string

const (
	RoleOwner  Role = "owner"
	RoleAdmin  Role = "admin"
	RoleMember Role = "member"
	RoleViewer Role = "viewer"
)

// Roles lists every workspace role, strongest first.
var Roles = []Role{RoleOwner, RoleAdmin, RoleMember, RoleViewer}

// Action is something an actor may try to do to a workspace.
type Action string

const (
	ActionView            Action = "view"            // see the workspace, its campaigns and audit
	ActionViewExecutions  Action = "view_executions" // open execution data (forensics)
	ActionToggle          Action = "toggle"          // activate or pause a campaign
	ActionRetry           Action = "retry"           // retry an execution
	ActionImportLeads     Action = "import_leads"
	ActionManageMembers   Action = "manage_members"
	ActionManageKeys      Action = "manage_keys" // the workspace's n8n API key
	ActionDeleteWorkspace Action = "delete_workspace"
	ActionFreeze          Action = "freeze"           // kill switch
	ActionProvision       Action = "provision"        // Genesis
	ActionEditBlueprint   Action = "edit_blueprint"   // blueprint changes
	ActionManageInstances Action = "manage_instances" // n8n instances, their API keys, the master key
	ActionManageUsers     Action = "manage_users"     // people and their SSH keys
	ActionMigrate         Action = "migrate"          // schema migrations, with the owner's credentials
	ActionVerifyAudit     Action = "verify_audit"     // recompute the audit trail's hash chain
	ActionAdopt           Action = "adopt"            // n8n workflows become campaigns; re-link, archive
)

// ActionManageWorkspaces creates and archives workspaces (onboarding).
const ActionManageWorkspaces Action = "manage_workspaces"

// ActionEditVariables changes the variables a blueprint marks
// admin_editable on a provisioned workspace and re-applies it; every other
// variable, and provisioning itself, stays ActionProvision's.
const ActionEditVariables Action = "edit_variables"

// ActionExportLeads writes a workspace's leads out (leads export): what
// a reader of the workspace sees on :leads, in bulk, so it is its own
// action (audited on every attempt) with the rights of a read.
const ActionExportLeads Action = "export_leads"

// Actions lists every action.
var Actions = []Action{ActionView, ActionViewExecutions, ActionToggle, ActionRetry, ActionImportLeads,
	ActionManageMembers, ActionManageKeys, ActionDeleteWorkspace, ActionFreeze, ActionProvision,
	ActionEditBlueprint, ActionManageInstances, ActionManageUsers, ActionMigrate, ActionVerifyAudit, ActionAdopt,
	ActionManageWorkspaces, ActionEditVariables, ActionExportLeads}

// capability groups actions the way the platform's own role matrix does:
// owner read/write/manage/keys/delete; admin read/write/manage; member
// read/write; viewer read.
type capability int

const (
	capRead capability = iota
	capWrite
	capManage
	capKeys
	capDelete
	capSuper // platform-wide: no workspace role grants it
)

var actionCap = map[Action]capability{
	ActionView:            capRead,
	ActionViewExecutions:  capRead,
	ActionToggle:          capWrite,
	ActionRetry:           capWrite,
	ActionImportLeads:     capManage, // a file of leads lands in every campaign: an admin's call
	ActionManageMembers:   capManage,
	ActionManageKeys:      capKeys,
	ActionDeleteWorkspace: capDelete,
	ActionFreeze:          capSuper,
	ActionProvision:       capSuper,
	ActionEditBlueprint:   capSuper,
	ActionManageInstances: capSuper,
	ActionManageUsers:     capSuper,
	ActionMigrate:         capSuper,
	ActionVerifyAudit:     capSuper,
	ActionAdopt:           capSuper,
	// Creating or archiving a tenant is the platform's call.
	ActionManageWorkspaces: capSuper,
	// The workspace's owners and admins run it; the blueprint says which
	// variables, so the rest of a re-apply is the values a super admin gave.
	ActionEditVariables: capManage,
	ActionExportLeads:   capRead,
}

var roleCaps = map[Role][]capability{
	RoleOwner:  {capRead, capWrite, capManage, capKeys, capDelete},
	RoleAdmin:  {capRead, capWrite, capManage},
	RoleMember: {capRead, capWrite},
	RoleViewer: {capRead},
}

// Actor is whoever acts: a person (by user and, over SSH, the key used) or
// the sync loop.
type Actor struct {
	UserID         int64
	Name           string // email, or "sync"
	KeyFingerprint string
	SuperAdmin     bool
	Roles          map[int64]Role // workspace id → role
}

// SyncActor is the actor recorded for corrections made by the sync loop.
func SyncActor() Actor { return Actor{Name: "sync", SuperAdmin: true} }

// ErrForbidden is wrapped by every refusal of Authorize.
var ErrForbidden = errors.New("forbidden")

// Authorize answers whether actor may do action on the workspace with the
// given id (0 for platform-wide actions). It returns nil when allowed and an
// error wrapping ErrForbidden that says why when not.
func Authorize(a Actor, action Action, workspaceID int64) error {
	c, ok := actionCap[action]
	if !ok {
		return fmt.Errorf("%w: unknown action %q", ErrForbidden, action)
	}
	if a.SuperAdmin {
		return nil
	}
	if c == capSuper {
		return fmt.Errorf("%w: %s is for super admins only", ErrForbidden, action)
	}
	role, member := a.Roles[workspaceID]
	if !member || workspaceID == 0 {
		return fmt.Errorf("%w: %s is not a member of this workspace", ErrForbidden, a.display())
	}
	for _, have := range roleCaps[role] {
		if have == c {
			return nil
		}
	}
	return fmt.Errorf("%w: a %s may not %s", ErrForbidden, role, action)
}

func (a Actor) display() string {
	if a.Name != "" {
		return a.Name
	}
	return fmt.Sprintf("user %d", a.UserID)
}
