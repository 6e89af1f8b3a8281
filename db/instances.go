package db

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/godmode-console/godmode/model"
)

const instanceCols = `id, name, base_url, webhook_base_url, api_key_key_id AS key_id, healthy,
	coalesce(last_latency_ms, 0)::bigint * 1000000 AS last_latency, last_error, last_checked_at, created_at, capabilities`

// NewInstance is what `godmode instances add` records.
type NewInstance struct {
	Name           string
	BaseURL        string
	WebhookBaseURL string
	APIKey         string // encrypted before it leaves this process
}

// AddInstance records an n8n instance, its API key encrypted with the
// keyring's current key.
func (s *Store) AddInstance(ctx context.Context, in NewInstance) (model.Instance, error) {
	if s.keys == nil {
		return model.Instance{}, errors.New("adding an instance needs a master key to encrypt its API key")
	}
	if strings.TrimSpace(in.APIKey) == "" {
		return model.Instance{}, fmt.Errorf("instance %q: %w: the API key is empty", in.Name, model.ErrInvalid)
	}
	ct, kid := s.keys.Seal([]byte(in.APIKey))
	rows, err := s.pool.Query(ctx, `INSERT INTO n8n_instances (name, base_url, webhook_base_url, api_key_ciphertext, api_key_key_id)
		VALUES ($1, $2, $3, $4, $5) RETURNING `+instanceCols,
		in.Name, strings.TrimRight(in.BaseURL, "/"), strings.TrimRight(in.WebhookBaseURL, "/"), ct, kid)
	return one[model.Instance](fmt.Sprintf("instance %q", in.Name), rows, err)
}

// Instances lists every instance by name.
func (s *Store) Instances(ctx context.Context) ([]model.Instance, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+instanceCols+` FROM n8n_instances ORDER BY name`)
	return collect[model.Instance]("instances", rows, err)
}

// Instance returns one instance by id.
func (s *Store) Instance(ctx context.Context, id int64) (model.Instance, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+instanceCols+` FROM n8n_instances WHERE id = $1`, id)
	return one[model.Instance](fmt.Sprintf("instance %d", id), rows, err)
}

// InstanceByName returns one instance by name.
func (s *Store) InstanceByName(ctx context.Context, name string) (model.Instance, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+instanceCols+` FROM n8n_instances WHERE name = $1`, name)
	return one[model.Instance](fmt.Sprintf("instance %q", name), rows, err)
}

// InstanceAPIKey decrypts an instance's API key. Callers hand it straight to
// an n8n client and keep it nowhere else.
func (s *Store) InstanceAPIKey(ctx context.Context, id int64) (string, error) {
	if s.keys == nil {
		return "", errors.New("reading an instance's API key needs the master key")
	}
	var ct []byte
	var kid string
	if err := s.pool.QueryRow(ctx, `SELECT api_key_ciphertext, api_key_key_id FROM n8n_instances WHERE id = $1`, id).Scan(&ct, &kid); err != nil {
		return "", dbErr(fmt.Sprintf("instance %d", id), err)
	}
	pt, err := s.keys.Open(ct, kid)
	if err != nil {
		return "", fmt.Errorf("instance %d API key: %w", id, err)
	}
	return string(pt), nil
}

// RemoveInstance deletes an instance; it is refused while workspaces live on it.
func (s *Store) RemoveInstance(ctx context.Context, name string) error {
	tag, err := s.pool.Exec(ctx, `DELETE FROM n8n_instances WHERE name = $1`, name)
	if err != nil {
		return dbErr(fmt.Sprintf("removing instance %q (move or delete its workspaces first)", name), err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("instance %q: %w", name, model.ErrNotFound)
	}
	return nil
}

// RecordInstanceHealth stores the outcome of the last call to an instance.
func (s *Store) RecordInstanceHealth(ctx context.Context, id int64, healthy bool, latency time.Duration, lastErr string) error {
	_, err := s.pool.Exec(ctx, `UPDATE n8n_instances SET healthy = $2, last_latency_ms = $3, last_error = $4, last_checked_at = now() WHERE id = $1`,
		id, healthy, latency.Milliseconds(), lastErr)
	return dbErr("instance health", err)
}

// RotateKeys re-encrypts every API key not under the keyring's current key,
// in one transaction: either every row moves or none does.
func (s *Store) RotateKeys(ctx context.Context) (rotated int, err error) {
	if s.keys == nil {
		return 0, errors.New("rotating keys needs the master keys")
	}
	err = s.inTx(ctx, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `SELECT id, name, api_key_ciphertext, api_key_key_id FROM n8n_instances
			WHERE api_key_key_id <> $1 ORDER BY id FOR UPDATE`, s.keys.Primary())
		if err != nil {
			return err
		}
		type row struct {
			id   int64
			name string
			ct   []byte
			kid  string
		}
		var todo []row
		for rows.Next() {
			var r row
			if err := rows.Scan(&r.id, &r.name, &r.ct, &r.kid); err != nil {
				return err
			}
			todo = append(todo, r)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		for _, r := range todo {
			pt, err := s.keys.Open(r.ct, r.kid)
			if err != nil {
				return fmt.Errorf("instance %q: %w", r.name, err)
			}
			ct, kid := s.keys.Seal(pt)
			if _, err := tx.Exec(ctx, `UPDATE n8n_instances SET api_key_ciphertext = $2, api_key_key_id = $3 WHERE id = $1`, r.id, ct, kid); err != nil {
				return err
			}
		}
		rotated = len(todo)
		return nil
	})
	if err != nil {
		return 0, dbErr("rotating keys", err)
	}
	return rotated, nil
}

// EnsureInstance records an instance named in the configuration: added if
// new, its URLs and key brought up to date if they changed. It says what it
// did ("added", "updated", "unchanged").
func (s *Store) EnsureInstance(ctx context.Context, in NewInstance) (string, error) {
	cur, err := s.InstanceByName(ctx, in.Name)
	if errors.Is(err, model.ErrNotFound) {
		_, err = s.AddInstance(ctx, in)
		return "added", err
	}
	if err != nil {
		return "", err
	}
	key, err := s.InstanceAPIKey(ctx, cur.ID)
	if err != nil {
		return "", err
	}
	base, hook := strings.TrimRight(in.BaseURL, "/"), strings.TrimRight(in.WebhookBaseURL, "/")
	if cur.BaseURL == base && cur.WebhookBaseURL == hook && key == in.APIKey {
		return "unchanged", nil
	}
	ct, kid := s.keys.Seal([]byte(in.APIKey))
	_, err = s.pool.Exec(ctx, `UPDATE n8n_instances SET base_url = $2, webhook_base_url = $3, api_key_ciphertext = $4, api_key_key_id = $5,
			healthy = NULL, last_error = '' WHERE id = $1`, cur.ID, base, hook, ct, kid)
	if err != nil {
		return "", dbErr(fmt.Sprintf("instance %q", in.Name), err)
	}
	return "updated", nil
}
