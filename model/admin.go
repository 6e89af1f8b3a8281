package model

import (
	"context"
	"encoding/json"
	"log/slog"
)

// AdminStore is what the platform-wide admin use cases (instances, their
// API keys, the master key, users) need of Postgres; db.Store implements it.
type AdminStore interface {
	InstanceByName(ctx context.Context, name string) (Instance, error)
	AddInstance(ctx context.Context, in NewInstance) (Instance, error)
	RemoveInstance(ctx context.Context, name string) error
	SetInstanceKey(ctx context.Context, name, key string) (Instance, error)
	SetInstanceURLs(ctx context.Context, name, baseURL, webhookURL string) (Instance, error)
	RotateKeys(ctx context.Context) (int, error)
	CreateUser(ctx context.Context, email, name string, superAdmin bool) (User, error)
	UserByEmail(ctx context.Context, email string) (User, error)
	AddUserKey(ctx context.Context, userID int64, fingerprint, publicKey, comment string) (UserKey, error)
	Users(ctx context.Context) ([]User, error)
	UserKeys(ctx context.Context, userID int64) ([]UserKey, error)
	UserByKey(ctx context.Context, fingerprint string) (User, error)
	RemoveUserKey(ctx context.Context, userID int64, fingerprint string) error
	UserWorkspaces(ctx context.Context, userID int64) ([]WorkspaceRole, error)
	WorkspaceBySlug(ctx context.Context, slug string) (Workspace, error)
	SetMember(ctx context.Context, workspaceID, userID int64, role Role) error
	RemoveMember(ctx context.Context, workspaceID, userID int64) error
	AppendAudit(ctx context.Context, e AuditEntry) (AuditEntry, error)
}

// Admin runs the platform-wide admin commands. Each one authorises its
// actor and leaves one audit row per attempt, refused ones included; the
// store only stores.
type Admin struct {
	store AdminStore
	log   *slog.Logger
}

// NewAdmin returns the admin use cases over store; log may be nil.
func NewAdmin(store AdminStore, log *slog.Logger) *Admin {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Admin{store: store, log: log}
}

// attempt is one audited admin action: begin authorises, finish records.
type attempt struct {
	store  AuditAppender
	log    *slog.Logger
	actor  Actor
	action string
	state  map[string]any
	wsID   *int64 // the workspace acted on, once known, so its rows are found by workspace
}

func (a *Admin) begin(ctx context.Context, actor Actor, action string, need Action, state map[string]any) (*attempt, error) {
	at := &attempt{store: a.store, log: a.log, actor: actor, action: action, state: state}
	if err := Authorize(actor, need, 0); err != nil {
		return at, at.fail(ctx, err)
	}
	return at, nil
}

// fail records the attempt as failed and returns err.
func (at *attempt) fail(ctx context.Context, err error) error {
	at.record(ctx, OutcomeFailed, err)
	return err
}

func (at *attempt) ok(ctx context.Context) { at.record(ctx, OutcomeOK, nil) }

func (at *attempt) record(ctx context.Context, outcome Outcome, err error) {
	e := at.actor.auditEntry(at.action, outcome, err)
	if len(at.state) > 0 {
		e.After = jsonObject(at.state)
	}
	if at.wsID != nil {
		e.WorkspaceID = at.wsID
	}
	recordAudit(ctx, at.store, at.log, e)
}

func jsonObject(m map[string]any) json.RawMessage {
	b, _ := json.Marshal(m)
	return b
}
