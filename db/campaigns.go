package db

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/godmode-console/godmode/model"
)

const campaignCols = `id, workspace_id, instance_id, name, n8n_workflow_id, status, pending_status, pending_since,
	pending_actor, pending_actor_user_id, pending_action,
	last_error, version, webhook_url, blueprint_version_id, last_exec_id, last_exec_status, last_exec_at,
	failures_24h, last_synced_at, created_at, updated_at`

// NewCampaign is what is recorded when a workflow becomes a campaign.
type NewCampaign struct {
	WorkspaceID        int64
	Name               string
	N8nWorkflowID      string
	Status             model.CampaignStatus
	WebhookURL         string
	BlueprintVersionID *int64
}

// CreateCampaign records a campaign on its workspace's n8n instance.
func (s *Store) CreateCampaign(ctx context.Context, c NewCampaign) (model.Campaign, error) {
	if c.Status == "" {
		c.Status = model.CampaignPaused
	}
	rows, err := s.pool.Query(ctx, `INSERT INTO campaigns (workspace_id, instance_id, name, n8n_workflow_id, status, webhook_url, blueprint_version_id)
		SELECT w.id, w.instance_id, $2, $3, $4, $5, $6 FROM workspaces w WHERE w.id = $1
		RETURNING `+campaignCols, c.WorkspaceID, c.Name, c.N8nWorkflowID, c.Status, c.WebhookURL, c.BlueprintVersionID)
	camp, err := one[model.Campaign](fmt.Sprintf("campaign %q", c.Name), rows, err)
	if err != nil {
		return camp, fmt.Errorf("%w (the workspace must exist and live on an n8n instance)", err)
	}
	return camp, nil
}

// Campaign returns one campaign by id.
func (s *Store) Campaign(ctx context.Context, id int64) (model.Campaign, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+campaignCols+` FROM campaigns WHERE id = $1`, id)
	return one[model.Campaign](fmt.Sprintf("campaign %d", id), rows, err)
}

// CampaignByWorkflow finds the campaign that owns an n8n workflow.
func (s *Store) CampaignByWorkflow(ctx context.Context, instanceID int64, workflowID string) (model.Campaign, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+campaignCols+` FROM campaigns WHERE instance_id = $1 AND n8n_workflow_id = $2`, instanceID, workflowID)
	return one[model.Campaign](fmt.Sprintf("workflow %s", workflowID), rows, err)
}

// Campaigns lists a workspace's campaigns by name, each with its lead count
// (lead_counts, kept by triggers: no lead is read).
func (s *Store) Campaigns(ctx context.Context, workspaceID int64) ([]model.Campaign, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+campaignCols+`,
			coalesce((SELECT lc.n FROM lead_counts lc WHERE lc.workspace_id = campaigns.workspace_id AND lc.campaign_id = campaigns.id), 0) AS leads
		FROM campaigns WHERE workspace_id = $1 ORDER BY name`, workspaceID)
	return collect[model.Campaign]("campaigns", rows, err)
}

// InstanceCampaigns lists every campaign on an n8n instance, for sync.
func (s *Store) InstanceCampaigns(ctx context.Context, instanceID int64) ([]model.Campaign, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+campaignCols+` FROM campaigns WHERE instance_id = $1 ORDER BY id`, instanceID)
	return collect[model.Campaign]("campaigns", rows, err)
}

// SetCampaignStatus writes a status if the campaign is still at version
// (optimistic concurrency) and bumps the version. It returns model.ErrStale
// when someone else changed the campaign first.
func (s *Store) SetCampaignStatus(ctx context.Context, id, version int64, status model.CampaignStatus, lastError string) (model.Campaign, error) {
	rows, err := s.pool.Query(ctx, `UPDATE campaigns SET status = $3, last_error = $4, version = version + 1,
			pending_status = NULL, pending_since = NULL
		WHERE id = $1 AND version = $2 RETURNING `+campaignCols, id, version, status, lastError)
	c, err := one[model.Campaign](fmt.Sprintf("campaign %d", id), rows, err)
	if err != nil && errors.Is(err, model.ErrNotFound) {
		return c, fmt.Errorf("campaign %d changed since version %d: %w", id, version, model.ErrStale)
	}
	return c, err
}

// ExecutionSummary is what the campaigns pane shows of a campaign's runs.
type ExecutionSummary struct {
	LastID      string
	LastStatus  string
	LastAt      *time.Time
	Failures24h int
}

// SetExecutionSummary records a campaign's latest execution and failure
// count, as read from n8n. It does not bump the version: it says nothing
// about the campaign's own state.
func (s *Store) SetExecutionSummary(ctx context.Context, campaignID int64, sum ExecutionSummary) error {
	_, err := s.pool.Exec(ctx, `UPDATE campaigns SET last_exec_id = $2, last_exec_status = $3, last_exec_at = $4, failures_24h = $5,
			last_synced_at = now()
		WHERE id = $1`, campaignID, sum.LastID, sum.LastStatus, sum.LastAt, sum.Failures24h)
	return dbErr(fmt.Sprintf("campaign %d", campaignID), err)
}
