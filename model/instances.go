package model

import (
	"context"
	"fmt"
	"strings"
)

// NewInstance is what registering an n8n instance records.
type NewInstance struct {
	Name           string
	BaseURL        string
	WebhookBaseURL string
	APIKey         string // encrypted before it leaves the process; never audited
	// InsecureHTTP allows plain http to a host other than this machine.
	InsecureHTTP bool
}

// Audit actions of the instance and key commands.
const (
	AuditInstanceAdd    = "instances.add"
	AuditInstanceRemove = "instances.remove"
	AuditInstanceSetKey = "instances.set_key"
	AuditInstanceSetURL = "instances.set_url"
	AuditKeysRotate     = "keys.rotate"
)

// CheckNewInstance validates what can be checked without the database and
// returns the instance with its URLs normalised.
func CheckNewInstance(in NewInstance) (NewInstance, error) {
	if err := CheckInstanceName(in.Name); err != nil {
		return in, err
	}
	var err error
	if in.BaseURL, err = CheckInstanceURL("--url", in.BaseURL, in.InsecureHTTP, "--insecure-http"); err != nil {
		return in, err
	}
	if in.WebhookBaseURL != "" {
		if in.WebhookBaseURL, err = CheckInstanceURL("--webhook-url", in.WebhookBaseURL, in.InsecureHTTP, "--insecure-http"); err != nil {
			return in, err
		}
	}
	if strings.TrimSpace(in.APIKey) == "" {
		return in, fmt.Errorf("%w: instance %s: the API key is empty", ErrInvalid, in.Name)
	}
	return in, nil
}

// AddInstance registers an n8n instance with its API key.
func (a *Admin) AddInstance(ctx context.Context, actor Actor, in NewInstance) (Instance, error) {
	at, err := a.begin(ctx, actor, AuditInstanceAdd, ActionManageInstances, map[string]any{"instance": in.Name})
	if err != nil {
		return Instance{}, err
	}
	if in, err = CheckNewInstance(in); err != nil {
		return Instance{}, at.fail(ctx, err)
	}
	at.state["base_url"] = in.BaseURL
	if in.WebhookBaseURL != "" {
		at.state["webhook_base_url"] = in.WebhookBaseURL
	}
	inst, err := a.store.AddInstance(ctx, in)
	if err != nil {
		return inst, at.fail(ctx, err)
	}
	at.state["key_id"] = inst.KeyID
	at.ok(ctx)
	return inst, nil
}

// RemoveInstance forgets an instance; the database refuses while
// workspaces live on it.
func (a *Admin) RemoveInstance(ctx context.Context, actor Actor, name string) error {
	at, err := a.begin(ctx, actor, AuditInstanceRemove, ActionManageInstances, map[string]any{"instance": name})
	if err != nil {
		return err
	}
	if err := CheckInstanceName(name); err != nil {
		return at.fail(ctx, err)
	}
	if cur, err := a.store.InstanceByName(ctx, name); err == nil {
		at.state["base_url"] = cur.BaseURL
	}
	if err := a.store.RemoveInstance(ctx, name); err != nil {
		return at.fail(ctx, err)
	}
	at.ok(ctx)
	return nil
}

// SetInstanceKey stores a new API key for an instance: the one explicit way
// the key the whole team shares is replaced.
func (a *Admin) SetInstanceKey(ctx context.Context, actor Actor, name, key string) (Instance, error) {
	at, err := a.begin(ctx, actor, AuditInstanceSetKey, ActionManageInstances, map[string]any{"instance": name})
	if err != nil {
		return Instance{}, err
	}
	if err := CheckInstanceName(name); err != nil {
		return Instance{}, at.fail(ctx, err)
	}
	if strings.TrimSpace(key) == "" {
		return Instance{}, at.fail(ctx, fmt.Errorf("%w: instance %s: the API key is empty", ErrInvalid, name))
	}
	inst, err := a.store.SetInstanceKey(ctx, name, key)
	if err != nil {
		return inst, at.fail(ctx, err)
	}
	at.state["key_id"], at.state["base_url"] = inst.KeyID, inst.BaseURL
	at.ok(ctx)
	return inst, nil
}

// SetInstanceURL moves an instance to a new base URL (and webhook URL),
// re-sealing its API key for the new URL.
func (a *Admin) SetInstanceURL(ctx context.Context, actor Actor, name, baseURL, webhookURL string, insecureHTTP bool) (Instance, error) {
	at, err := a.begin(ctx, actor, AuditInstanceSetURL, ActionManageInstances, map[string]any{"instance": name})
	if err != nil {
		return Instance{}, err
	}
	if err := CheckInstanceName(name); err != nil {
		return Instance{}, at.fail(ctx, err)
	}
	if baseURL, err = CheckInstanceURL("--url", baseURL, insecureHTTP, "--insecure-http"); err != nil {
		return Instance{}, at.fail(ctx, err)
	}
	if webhookURL != "" {
		if webhookURL, err = CheckInstanceURL("--webhook-url", webhookURL, insecureHTTP, "--insecure-http"); err != nil {
			return Instance{}, at.fail(ctx, err)
		}
	}
	at.state["base_url"] = baseURL
	if cur, err := a.store.InstanceByName(ctx, name); err == nil {
		at.state["old_base_url"] = cur.BaseURL
	}
	inst, err := a.store.SetInstanceURLs(ctx, name, baseURL, webhookURL)
	if err != nil {
		return inst, at.fail(ctx, err)
	}
	at.ok(ctx)
	return inst, nil
}

// RotateKeys re-encrypts every stored API key under the current master key
// (primary names it for the audit row) and binds any key still sealed the
// old, unbound way to its row.
func (a *Admin) RotateKeys(ctx context.Context, actor Actor, primary string) (int, error) {
	at, err := a.begin(ctx, actor, AuditKeysRotate, ActionManageInstances, map[string]any{"key_id": primary})
	if err != nil {
		return 0, err
	}
	n, err := a.store.RotateKeys(ctx)
	if err != nil {
		return 0, at.fail(ctx, err)
	}
	at.state["rotated"] = n
	at.ok(ctx)
	return n, nil
}
