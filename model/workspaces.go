package model

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// The workspace use cases: onboarding a tenant (create), reading it (list,
// show) and retiring it (archive). Creating and archiving are for super
// admins and leave one audit row per attempt, refused ones included;
// reads are narrowed to what the actor may view, as the other reads are.

// Audit actions of the workspace commands.
const (
	AuditWorkspaceCreate  = "workspaces.create"
	AuditWorkspaceArchive = "workspaces.archive"
	AuditWorkspaceShow    = "workspaces.show" // refused reads only
	AuditWorkspaceRestore = "workspaces.restore"
	// AuditWorkspaceSetUp is a workspace awaiting setup turning active
	// because its first campaign was adopted.
	AuditWorkspaceSetUp = "workspaces.setup"
)

// NewWorkspace is what creating a workspace records: nothing is
// provisioned, so the instance is only where its workflows will live.
type NewWorkspace struct {
	Slug     string
	Name     string
	Instance string // the n8n instance's name
}

// WorkspaceMember is a person of a workspace and their role there.
type WorkspaceMember struct {
	UserID int64
	Email  string
	Name   string
	Role   Role
}

// WorkspaceDetail is one workspace as `workspace show` prints it.
type WorkspaceDetail struct {
	WorkspaceSummary
	Members []WorkspaceMember
}

// WorkspaceStore is what the workspace use cases need of Postgres beyond
// Store; db.Store implements it.
type WorkspaceStore interface {
	CreateWorkspace(ctx context.Context, slug, name string, instanceID *int64) (Workspace, error)
	InstanceByName(ctx context.Context, name string) (Instance, error)
	WorkspaceMembers(ctx context.Context, workspaceID int64) ([]WorkspaceMember, error)
	// ArchiveWorkspace archives the workspace and its campaigns in one
	// transaction, returning the names of the campaigns it archived.
	ArchiveWorkspace(ctx context.Context, id int64) (Workspace, []string, error)
	// RestoreWorkspace puts an archived workspace back to the status it
	// had and the campaigns its archive retired back to theirs (never
	// active), returning the names of the campaigns restored.
	RestoreWorkspace(ctx context.Context, id int64) (Workspace, []string, error)
}

// MaxSlug and MaxWorkspaceName bound what a new workspace is called: a
// slug goes into n8n tags (ws:SLUG), table names and webhook paths.
const (
	MaxSlug          = 40
	MaxWorkspaceName = 100
)

var newSlugRule = regexp.MustCompile(`^[a-z0-9][a-z0-9-]*[a-z0-9]$`)

// SlugRule is the rule a new workspace's slug follows, as errors say it.
const SlugRule = "2 to 40 characters: lowercase letters, digits and hyphens, starting and ending with a letter or digit"

// CheckSlug says what is wrong with a new workspace's slug, naming the rule.
// Workspaces created before the rule (the schema allows 1 to 63) are still
// found by their slug.
func CheckSlug(slug string) error {
	n := utf8.RuneCountInString(slug)
	switch {
	case slug == "":
		return fmt.Errorf("%w: a workspace needs a slug (%s)", ErrInvalid, SlugRule)
	case n < 2 || n > MaxSlug:
		return fmt.Errorf("%w: slug %q has %d characters: a slug is %s", ErrInvalid, clip(slug), n, SlugRule)
	case !newSlugRule.MatchString(slug):
		for i, r := range slug {
			if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
				return fmt.Errorf("%w: slug %q: %q at position %d is not allowed: a slug is %s", ErrInvalid, clip(slug), r, i+1, SlugRule)
			}
		}
		return fmt.Errorf("%w: slug %q starts or ends with a hyphen: a slug is %s", ErrInvalid, slug, SlugRule)
	}
	return nil
}

// checkWorkspaceName refuses an empty name, one too long, and one carrying
// control characters (it is printed on terminals and kept in the audit).
func checkWorkspaceName(name string) error {
	switch n := utf8.RuneCountInString(name); {
	case strings.TrimSpace(name) == "":
		return fmt.Errorf("%w: a workspace needs a name (e.g. \"Ohio Roofing\")", ErrInvalid)
	case !utf8.ValidString(name):
		return fmt.Errorf("%w: the workspace name is not valid UTF-8 text", ErrInvalid)
	case n > MaxWorkspaceName:
		return fmt.Errorf("%w: the workspace name has %d characters; the limit is %d", ErrInvalid, n, MaxWorkspaceName)
	}
	for i, r := range name {
		if unicode.IsControl(r) {
			return fmt.Errorf("%w: the workspace name contains a control character (%U at byte %d)", ErrInvalid, r, i)
		}
	}
	return nil
}

// clip shortens a quoted value in an error: it came from a person.
func clip(s string) string {
	if utf8.RuneCountInString(s) <= 60 {
		return s
	}
	return string([]rune(s)[:60]) + "…"
}

func (c *Console) workspaceStore() (WorkspaceStore, error) {
	ws, ok := c.store.(WorkspaceStore)
	if !ok {
		return nil, errors.New("this store cannot create or archive workspaces")
	}
	return ws, nil
}

// beginOnWorkspace starts an attempt on an existing workspace: allowed,
// the workspace read by slug and named in the audit row, the store that
// changes it; a failure is audited already.
func (c *Console) beginOnWorkspace(ctx context.Context, actor Actor, action, slug string) (*attempt, Workspace, WorkspaceStore, error) {
	at, err := c.beginWorkspace(ctx, actor, action, map[string]any{"workspace": slug})
	if err != nil {
		return at, Workspace{}, nil, err
	}
	ws, err := c.WorkspaceBySlug(ctx, slug)
	if err != nil {
		return at, ws, nil, at.fail(ctx, err)
	}
	at.wsID = &ws.ID
	store, err := c.workspaceStore()
	if err != nil {
		return at, ws, nil, at.fail(ctx, err)
	}
	return at, ws, store, nil
}

// beginWorkspace authorises a create or archive for the actor's current
// rights; the attempt it returns records the outcome.
func (c *Console) beginWorkspace(ctx context.Context, actor Actor, action string, state map[string]any) (*attempt, error) {
	at := &attempt{store: c.store, log: c.log, actor: actor, action: action, state: state}
	if c.readOnly {
		return at, at.fail(ctx, fmt.Errorf("%w: this session is read-only", ErrForbidden))
	}
	if err := c.authorize(ctx, actor, ActionManageWorkspaces, 0); err != nil {
		return at, at.fail(ctx, err)
	}
	return at, nil
}

// CreateWorkspace records a new tenant on an n8n instance, status
// awaiting_setup. It provisions nothing: its workflows are adopted from
// :unmanaged or provisioned from a blueprint afterwards.
func (c *Console) CreateWorkspace(ctx context.Context, actor Actor, in NewWorkspace) (Workspace, error) {
	in.Name = strings.TrimSpace(in.Name)
	at, err := c.beginWorkspace(ctx, actor, AuditWorkspaceCreate, map[string]any{"workspace": in.Slug, "name": in.Name, "instance": in.Instance})
	if err != nil {
		return Workspace{}, err
	}
	if err := CheckSlug(in.Slug); err != nil {
		return Workspace{}, at.fail(ctx, err)
	}
	if err := checkWorkspaceName(in.Name); err != nil {
		return Workspace{}, at.fail(ctx, err)
	}
	store, err := c.workspaceStore()
	if err != nil {
		return Workspace{}, at.fail(ctx, err)
	}
	inst, err := c.instanceNamed(ctx, store, in.Instance)
	if err != nil {
		return Workspace{}, at.fail(ctx, err)
	}
	switch cur, err := c.store.WorkspaceBySlug(ctx, in.Slug); {
	case err == nil:
		return Workspace{}, at.fail(ctx, fmt.Errorf("%w: workspace %s exists already (%s, %s): choose another slug", ErrConflict, cur.Slug, cur.Name, cur.Status))
	case !errors.Is(err, ErrNotFound):
		return Workspace{}, at.fail(ctx, err)
	}
	ws, err := store.CreateWorkspace(ctx, in.Slug, in.Name, &inst.ID)
	if err != nil {
		return ws, at.fail(ctx, err)
	}
	at.wsID = &ws.ID
	at.state["status"] = ws.Status
	at.ok(ctx)
	return ws, nil
}

// instanceNamed finds the instance a workspace goes on, naming the ones
// there are when it is not one of them.
func (c *Console) instanceNamed(ctx context.Context, store WorkspaceStore, name string) (Instance, error) {
	if name == "" {
		return Instance{}, fmt.Errorf("%w: say which n8n instance the workspace runs on (%s)", ErrInvalid, c.instanceNames(ctx))
	}
	if err := CheckInstanceName(name); err != nil {
		return Instance{}, err
	}
	inst, err := store.InstanceByName(ctx, name)
	if errors.Is(err, ErrNotFound) {
		return inst, fmt.Errorf("no n8n instance %q: %s", name, c.instanceNames(ctx))
	}
	return inst, err
}

func (c *Console) instanceNames(ctx context.Context) string {
	insts, err := c.store.Instances(ctx)
	if err != nil || len(insts) == 0 {
		return "register one first with godmode instances add"
	}
	names := make([]string, len(insts))
	for i, in := range insts {
		names[i] = in.Name
	}
	sort.Strings(names)
	return "the instances are " + strings.Join(names, ", ")
}

// ListWorkspaces lists the workspaces the actor may view (a super admin:
// all), with their counts and their instance's reach.
func (c *Console) ListWorkspaces(ctx context.Context, actor Actor) ([]WorkspaceSummary, error) {
	_, ids, err := c.visible(ctx, actor)
	if err != nil {
		return nil, err
	}
	wss, err := c.Workspaces(ctx)
	if err != nil || ids == nil {
		return wss, err
	}
	may := make(map[int64]bool, len(ids))
	for _, id := range ids {
		may[id] = true
	}
	out := make([]WorkspaceSummary, 0, len(ids))
	for _, ws := range wss {
		if may[ws.ID] {
			out = append(out, ws)
		}
	}
	return out, nil
}

// ShowWorkspace is one workspace the actor may view: its instance, status,
// campaign counts and members. Asking for one the actor may not view is
// refused and audited.
func (c *Console) ShowWorkspace(ctx context.Context, actor Actor, slug string) (WorkspaceDetail, error) {
	ws, err := c.WorkspaceBySlug(ctx, slug)
	if err != nil {
		return WorkspaceDetail{}, err
	}
	if err := c.authorize(ctx, actor, ActionView, ws.ID); err != nil {
		c.auditRefusedRead(ctx, actor, AuditWorkspaceShow, ws.ID, 0, map[string]any{"workspace": slug}, err)
		return WorkspaceDetail{}, err
	}
	wss, err := c.Workspaces(ctx)
	if err != nil {
		return WorkspaceDetail{}, err
	}
	var d WorkspaceDetail
	for _, s := range wss {
		if s.ID == ws.ID {
			d.WorkspaceSummary = s
		}
	}
	if d.ID == 0 {
		return d, fmt.Errorf("no workspace %q", slug)
	}
	store, err := c.workspaceStore()
	if err != nil {
		return d, err
	}
	if d.Members, err = store.WorkspaceMembers(ctx, ws.ID); err != nil {
		return d, err
	}
	return d, nil
}

// ArchiveWorkspace retires a workspace: it and every campaign of it turn
// archived, kept with their audit trail, and nothing in it runs again
// (toggles and the kill switch refuse it; sync reports a workflow that runs
// anyway). It is refused while a campaign is active or switching, so
// archiving never stops a running campaign behind anyone's back: pause
// them, or freeze the workspace, first. It returns the campaigns it archived.
func (c *Console) ArchiveWorkspace(ctx context.Context, actor Actor, slug string) (Workspace, []string, error) {
	at, ws, store, err := c.beginOnWorkspace(ctx, actor, AuditWorkspaceArchive, slug)
	if err != nil {
		return ws, nil, err
	}
	var names []string
	var refusal error
	// Exclusive, as a freeze: no toggle starts or is in flight meanwhile.
	err = c.store.WithWorkspaceLock(ctx, ws.ID, LockExclusive, func(ctx context.Context) error {
		if ws, err = c.store.Workspace(ctx, ws.ID); err != nil {
			return err
		}
		if refusal = archivable(ws); refusal != nil {
			return nil
		}
		camps, err := c.store.Campaigns(ctx, ws.ID)
		if err != nil {
			return err
		}
		var running []string
		for _, cp := range camps {
			if cp.Status == CampaignActive || cp.PendingStatus != nil {
				running = append(running, cp.Name)
			}
		}
		if len(running) > 0 {
			refusal = fmt.Errorf("workspace %s has %d campaign(s) active or switching (%s): pause them, or freeze the workspace (godmode workspace freeze %s --reason …), then archive it",
				ws.Slug, len(running), joinMax(running, 10), ws.Slug)
			return nil
		}
		ws, names, err = store.ArchiveWorkspace(ctx, ws.ID)
		return err
	})
	if err == nil {
		err = refusal
	}
	if err != nil {
		return ws, nil, at.fail(ctx, err)
	}
	at.state["status"] = ws.Status
	at.state["campaigns_archived"] = append([]string{}, names...)
	at.ok(ctx)
	return ws, names, nil
}

// RestoreWorkspace brings an archived workspace back: to the status it
// had when archived (a frozen one comes back frozen, with its reason; one
// awaiting setup is active if campaigns come back), and the campaigns its
// archive retired back to paused or error, as they were.
// Nothing is switched on: each campaign is activated again by a toggle,
// and a workflow someone activated in n8n meanwhile is adopted by the
// next sync as n8n's truth. Campaigns archived on their own stay archived.
// Super admins only; every attempt is audited.
func (c *Console) RestoreWorkspace(ctx context.Context, actor Actor, slug string) (Workspace, []string, error) {
	at, ws, store, err := c.beginOnWorkspace(ctx, actor, AuditWorkspaceRestore, slug)
	if err != nil {
		return ws, nil, err
	}
	var names []string
	err = c.store.WithWorkspaceLock(ctx, ws.ID, LockExclusive, func(ctx context.Context) error {
		if ws, err = c.store.Workspace(ctx, ws.ID); err != nil {
			return err
		}
		if ws.Status != WorkspaceArchived {
			return fmt.Errorf("%w: workspace %s is not archived (it is %s): there is nothing to restore", ErrInvalid, ws.Slug, ws.Status)
		}
		ws, names, err = store.RestoreWorkspace(ctx, ws.ID)
		return err
	})
	if err != nil {
		return ws, nil, at.fail(ctx, err)
	}
	at.state["status"] = ws.Status
	at.state["campaigns_restored"] = append([]string{}, names...)
	at.ok(ctx)
	return ws, names, nil
}

// archivable says why a workspace cannot be archived in its state.
func archivable(ws Workspace) error {
	switch {
	case ws.Status == WorkspaceArchived:
		return fmt.Errorf("workspace %s is archived already", ws.Slug)
	case ws.Status == WorkspaceProvisioning:
		return fmt.Errorf("workspace %s is being provisioned: let the run finish or roll it back, then archive it", ws.Slug)
	case ws.FreezingSince != nil:
		return fmt.Errorf("a freeze of workspace %s is under way (by %s): let it finish, then archive it", ws.Slug, ws.FreezingBy)
	}
	return nil
}

// ErrArchived is wrapped when an action meets an archived workspace.
var ErrArchived = errors.New("the workspace is archived")

// archivedError is what starting anything in an archived workspace
// answers: what is wrong, and the way back.
func archivedError(slug string) error {
	return &archivedErr{slug: slug}
}

type archivedErr struct{ slug string }

func (e *archivedErr) Error() string {
	return fmt.Sprintf("workspace %s is archived: restore it first with godmode workspace restore %s", e.slug, e.slug)
}

func (e *archivedErr) Is(target error) bool { return target == ErrArchived }
