package model

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"github.com/godmode-console/godmode/model/genesis"
	"github.com/godmode-console/godmode/n8n"
)

// ProvisionN8n is what a provisioning run calls in n8n; *n8n.Client has
// it. It is apart from N8n so the clients of reads and toggles need not.
type ProvisionN8n interface {
	N8n
	CreateCredential(ctx context.Context, cr n8n.Credential) (n8n.CredentialInfo, error)
	ListCredentials(ctx context.Context, limit int, cursor string) (n8n.Page[n8n.CredentialInfo], error)
	DeleteCredential(ctx context.Context, id string) error
	CredentialSchema(ctx context.Context, credentialType string) (json.RawMessage, error)
	CreateWorkflow(ctx context.Context, w n8n.Workflow) (n8n.Workflow, error)
	UpdateWorkflow(ctx context.Context, id string, w n8n.Workflow) (n8n.Workflow, error)
	DeleteWorkflow(ctx context.Context, id string) (n8n.Workflow, error)
	Tags(ctx context.Context) ([]n8n.Tag, error)
	CreateTag(ctx context.Context, name string) (n8n.Tag, error)
	DeleteTag(ctx context.Context, id string) error
	SetWorkflowTags(ctx context.Context, id string, tagIDs []string) ([]n8n.Tag, error)
}

// maxCredentialPages bounds the look for a credential of unknown outcome.
const maxCredentialPages = 40

// provisionRemote is genesis.Remote over one instance's client.
type provisionRemote struct{ c ProvisionN8n }

func (r provisionRemote) CreateCredential(ctx context.Context, nc genesis.NewCredential) (string, error) {
	info, err := r.c.CreateCredential(ctx, n8n.Credential{Name: nc.Name, Type: nc.Type, Data: nc.Payload()})
	return info.ID, err
}

func (r provisionRemote) FindCredentials(ctx context.Context, name, typ string) ([]string, error) {
	var out []string
	cursor := ""
	for page := 1; ; page++ {
		if page > maxCredentialPages {
			return nil, fmt.Errorf("listing credentials: more than %d pages; the cursor may loop", maxCredentialPages)
		}
		p, err := r.c.ListCredentials(ctx, n8n.MaxPageSize, cursor)
		if errors.Is(err, n8n.ErrNotSupported) {
			return nil, fmt.Errorf("%w (n8n 1.x lists no credentials)", genesis.ErrCannotLook)
		}
		if err != nil {
			return nil, err
		}
		for _, c := range p.Data {
			if c.Name == name && c.Type == typ && !slices.Contains(out, c.ID) {
				out = append(out, c.ID)
			}
		}
		if cursor = p.Next(); cursor == "" || len(p.Data) == 0 {
			return out, nil
		}
	}
}

func (r provisionRemote) DeleteCredential(ctx context.Context, id string) error {
	err := r.c.DeleteCredential(ctx, id)
	if errors.Is(err, n8n.ErrNotFound) {
		return nil // already gone: what a rollback wants
	}
	return err
}

func (r provisionRemote) CreateWorkflow(ctx context.Context, body []byte) (string, error) {
	var wf n8n.Workflow
	if err := json.Unmarshal(body, &wf); err != nil {
		return "", fmt.Errorf("the rendered workflow does not parse: %w", err)
	}
	got, err := r.c.CreateWorkflow(ctx, wf)
	return got.ID, err
}

// UpdateWorkflow PUTs the workflow: n8n keeps its id, webhook URLs and
// active state, and runs the new version without a re-publish (n8n/doc.go,
// "Update in place"), so no deactivation is needed around it.
func (r provisionRemote) UpdateWorkflow(ctx context.Context, id string, body []byte) error {
	var wf n8n.Workflow
	if err := json.Unmarshal(body, &wf); err != nil {
		return fmt.Errorf("the rendered workflow does not parse: %w", err)
	}
	_, err := r.c.UpdateWorkflow(ctx, id, wf)
	return err
}

func (r provisionRemote) FindWorkflows(ctx context.Context, name string, tags []string) ([]string, error) {
	var out []string
	cursor := ""
	for page := 1; ; page++ {
		if page > maxWorkflowPages {
			return nil, fmt.Errorf("listing workflows: more than %d pages; the cursor may loop", maxWorkflowPages)
		}
		p, err := r.c.ListWorkflows(ctx, n8n.WorkflowFilter{Limit: n8n.MaxPageSize}, cursor)
		if err != nil {
			return nil, err
		}
		for _, wf := range p.Data {
			if wf.Name != name || wf.IsArchived || slices.Contains(out, wf.ID) {
				continue
			}
			ours := true
			for _, t := range wf.Tags {
				ours = ours && slices.Contains(tags, t.Name)
			}
			if ours {
				out = append(out, wf.ID)
			}
		}
		if cursor = p.Next(); cursor == "" || len(p.Data) == 0 {
			return out, nil
		}
	}
}

func (r provisionRemote) SetTags(ctx context.Context, id string, names []string) error {
	have, err := r.c.Tags(ctx)
	if err != nil {
		return err
	}
	byName := map[string]string{}
	for _, t := range have {
		byName[t.Name] = t.ID
	}
	var ids []string
	for _, n := range names {
		tid, ok := byName[n]
		if !ok {
			t, err := r.c.CreateTag(ctx, n)
			if errors.Is(err, n8n.ErrConflict) {
				// Another run on this instance made it since the listing
				// (the blueprint's tag is shared by its workspaces): use it.
				t, err = r.tagNamed(ctx, n)
			}
			if err != nil {
				return fmt.Errorf("creating tag %q: %w", n, err)
			}
			tid = t.ID
		}
		ids = append(ids, tid)
	}
	_, err = r.c.SetWorkflowTags(ctx, id, ids)
	return err
}

// tagNamed reads the tag called name again, after a create refused it as
// already there.
func (r provisionRemote) tagNamed(ctx context.Context, name string) (n8n.Tag, error) {
	have, err := r.c.Tags(ctx)
	if err != nil {
		return n8n.Tag{}, err
	}
	for _, t := range have {
		if t.Name == name {
			return t, nil
		}
	}
	return n8n.Tag{}, fmt.Errorf("n8n says the tag exists but does not list it: %w", n8n.ErrConflict)
}

func (r provisionRemote) Activate(ctx context.Context, id string) error {
	_, err := r.c.Activate(ctx, id)
	return err
}

func (r provisionRemote) DeleteWorkflow(ctx context.Context, id string) error {
	_, err := r.c.DeleteWorkflow(ctx, id)
	if errors.Is(err, n8n.ErrNotFound) {
		return nil
	}
	return err
}

func (r provisionRemote) DeleteUnusedTags(ctx context.Context, names []string) error {
	used := map[string]bool{}
	cursor := ""
	for page := 1; ; page++ {
		if page > maxWorkflowPages {
			return fmt.Errorf("listing workflows: more than %d pages; the cursor may loop", maxWorkflowPages)
		}
		p, err := r.c.ListWorkflows(ctx, n8n.WorkflowFilter{Limit: n8n.MaxPageSize}, cursor)
		if err != nil {
			return err
		}
		for _, wf := range p.Data {
			for _, t := range wf.Tags {
				used[t.Name] = true
			}
		}
		if cursor = p.Next(); cursor == "" || len(p.Data) == 0 {
			break
		}
	}
	tags, err := r.c.Tags(ctx)
	if err != nil {
		return err
	}
	for _, t := range tags {
		if slices.Contains(names, t.Name) && !used[t.Name] {
			if err := r.c.DeleteTag(ctx, t.ID); err != nil && !errors.Is(err, n8n.ErrNotFound) {
				return fmt.Errorf("tag %q: %w", t.Name, err)
			}
		}
	}
	return nil
}
