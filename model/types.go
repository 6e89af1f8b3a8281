package model

import (
	"encoding/json"
	"time"

	"github.com/godmode-console/godmode/n8n"
)

// WorkspaceStatus is the life-cycle state of a tenant.
type WorkspaceStatus string

const (
	WorkspaceAwaitingSetup WorkspaceStatus = "awaiting_setup"
	WorkspaceProvisioning  WorkspaceStatus = "provisioning"
	WorkspaceActive        WorkspaceStatus = "active"
	WorkspaceSuspended     WorkspaceStatus = "suspended"
	WorkspaceError         WorkspaceStatus = "error"
	WorkspaceArchived      WorkspaceStatus = "archived" // kept, no longer run (migration 00012)
)

// WorkspaceStatuses lists every workspace status in display order.
var WorkspaceStatuses = []WorkspaceStatus{WorkspaceAwaitingSetup, WorkspaceProvisioning, WorkspaceActive, WorkspaceSuspended, WorkspaceError, WorkspaceArchived}

// CampaignStatus says whether a campaign's workflow runs in n8n.
type CampaignStatus string

const (
	CampaignActive   CampaignStatus = "active"
	CampaignPaused   CampaignStatus = "paused"
	CampaignArchived CampaignStatus = "archived"
	CampaignError    CampaignStatus = "error"
)

// CampaignStatuses lists every campaign status in display order.
var CampaignStatuses = []CampaignStatus{CampaignActive, CampaignPaused, CampaignArchived, CampaignError}

// Outcome is how an audited attempt ended.
type Outcome string

const (
	OutcomeOK         Outcome = "ok"
	OutcomeNoop       Outcome = "noop"
	OutcomeFailed     Outcome = "failed"
	OutcomeRolledBack Outcome = "rolled_back"
)

// Outcomes lists every audit outcome.
var Outcomes = []Outcome{OutcomeOK, OutcomeNoop, OutcomeFailed, OutcomeRolledBack}

// Instance is one n8n server godmode talks to. The API key is never part of
// this type: it is decrypted only when a client is built.
type Instance struct {
	ID             int64
	Name           string
	BaseURL        string
	WebhookBaseURL string
	KeyID          string // which master key encrypts the API key
	Healthy        *bool  // nil: never checked
	LastLatency    time.Duration
	LastError      string
	LastCheckedAt  *time.Time
	DownSince      *time.Time // first failure of the current run of failures
	CreatedAt      time.Time
	// Capabilities are what the last probe found it can do (nil: never
	// probed); use cases ask these, never a version.
	Capabilities *n8n.Capabilities
}

// Workspace is one tenant.
type Workspace struct {
	ID           int64
	Slug         string
	Name         string
	Status       WorkspaceStatus
	InstanceID   *int64
	FreezeReason string
	FrozenAt     *time.Time
	// A freeze started and not finished (its process may have died):
	// sync finishes it.
	FreezingSince *time.Time
	FreezingBy    string
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

// User is a person who may open the console.
type User struct {
	ID         int64
	Email      string
	Name       string
	SuperAdmin bool
	CreatedAt  time.Time
}

// UserKey is an SSH public key that identifies a user.
type UserKey struct {
	ID          int64
	UserID      int64
	Fingerprint string
	PublicKey   string
	Comment     string
	CreatedAt   time.Time
}

// Member ties a user to a workspace with a role.
type Member struct {
	WorkspaceID int64
	UserID      int64
	Role        Role
	CreatedAt   time.Time
}

// WorkspaceRole is one of a user's workspaces and their role in it.
type WorkspaceRole struct {
	WorkspaceID int64
	Slug        string
	Role        Role
}

// Campaign is one n8n workflow run for a workspace.
type Campaign struct {
	ID            int64
	WorkspaceID   int64
	InstanceID    int64
	Name          string
	N8nWorkflowID string
	Status        CampaignStatus
	PendingStatus *CampaignStatus // a toggle wished for but not settled
	PendingSince  *time.Time
	// Who wished it and through what (toggle, freeze, unfreeze), so a
	// toggle cut off by a crash still names its actor in the audit trail.
	PendingActor       string
	PendingActorUserID *int64
	PendingAction      string
	LastError          string
	Version            int64 // optimistic concurrency
	WebhookURL         string
	BlueprintVersionID *int64
	LastExecID         string
	LastExecStatus     string
	LastExecAt         *time.Time
	Failures24h        int
	Leads              int64 // leads assigned to the campaign; filled by the list of a workspace's campaigns only
	LastSyncedAt       *time.Time
	CreatedAt          time.Time
	UpdatedAt          time.Time
}

// AuditEntry is one row of the append-only audit trail.
type AuditEntry struct {
	ID             int64
	At             time.Time
	ActorUserID    *int64
	ActorName      string // user email, or "sync"
	KeyFingerprint string
	Action         string
	WorkspaceID    *int64
	CampaignID     *int64
	WorkspaceSlug  string // as it is now, or "" if the workspace is gone
	CampaignName   string // as it is now, or as the entry recorded it
	Before         json.RawMessage
	After          json.RawMessage
	Outcome        Outcome
	Error          string
}

// Blueprint is a named, versioned set of workflows.
type Blueprint struct {
	ID          int64
	Name        string
	Description string
	CreatedAt   time.Time
}

// BlueprintVersion is one immutable version of a blueprint.
type BlueprintVersion struct {
	ID              int64
	BlueprintID     int64
	Version         int
	Workflows       json.RawMessage
	Variables       json.RawMessage
	CredentialSlots json.RawMessage
	WebhookNodes    json.RawMessage
	LeadSchema      json.RawMessage
	ContentHash     string
	CreatedBy       *int64
	CreatedAt       time.Time
	// Files names the file each workflow came from, Report is the
	// detector's report, AllowedSecrets the reviewed exceptions (masked),
	// Origin "import" or "capture", Substitutions where a capture turned
	// the workspace's values into variables (migration 00011).
	Files          json.RawMessage
	Report         json.RawMessage
	AllowedSecrets json.RawMessage
	Origin         string
	Substitutions  json.RawMessage
	// Who last edited the lead schema and when (nil: as detected;
	// migration 00014).
	LeadSchemaEditedBy *int64
	LeadSchemaEditedAt *time.Time
}

// RunStatus is the state of a provisioning run.
type RunStatus string

const (
	RunPlanned    RunStatus = "planned"
	RunApplying   RunStatus = "applying"
	RunSucceeded  RunStatus = "succeeded"
	RunFailed     RunStatus = "failed"
	RunRolledBack RunStatus = "rolled_back"
)

// ProvisioningRun is one application of a blueprint version to a workspace.
type ProvisioningRun struct {
	ID                 int64
	WorkspaceID        int64
	BlueprintVersionID int64
	Status             RunStatus
	StartedBy          *int64
	Error              string
	StartedAt          time.Time
	FinishedAt         *time.Time
	Activate           bool // the run activates the workflows that have a trigger
}

// ProvisioningStep is one n8n call made by a run, with what n8n gave back,
// so the run can be resumed or rolled back.
type ProvisioningStep struct {
	ID        int64
	RunID     int64
	Seq       int
	Kind      string // e.g. create_credential, create_workflow, activate
	Ref       string // the blueprint item the step is for
	N8nID     string // the id n8n returned
	Status    string // started, done, failed, undone
	Error     string
	CreatedAt time.Time
	// Fingerprint is a hash of what the step sends, from the masked
	// preview: a resume with other values is refused.
	Fingerprint string
}

// Lead is one prospect of a workspace; anything beyond the fixed columns
// goes into Metadata.
type Lead struct {
	ID          int64
	WorkspaceID int64
	CampaignID  *int64
	Email       string
	Status      string
	Metadata    json.RawMessage
	CreatedAt   time.Time
	UpdatedAt   time.Time
}
