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
	coalesce(last_latency_ms, 0)::bigint * 1000000 AS last_latency, last_error, last_checked_at, down_since, created_at, capabilities`

// NewInstance is what registering an instance records.
type NewInstance = model.NewInstance

// placeholderCiphertext fills a new row until its real ciphertext, which
// is bound to the row's id, can be made; both happen in one transaction.
var placeholderCiphertext = make([]byte, 29)

// AddInstance records an n8n instance, its API key encrypted with the
// keyring's current key and bound to the new row's id and base URL.
func (s *Store) AddInstance(ctx context.Context, in NewInstance) (model.Instance, error) {
	if s.keys == nil {
		return model.Instance{}, errors.New("adding an instance needs a master key to encrypt its API key")
	}
	if strings.TrimSpace(in.APIKey) == "" {
		return model.Instance{}, fmt.Errorf("instance %q: %w: the API key is empty", in.Name, model.ErrInvalid)
	}
	what := fmt.Sprintf("instance %q", in.Name)
	var inst model.Instance
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		if err := s.checkKeyring(ctx, tx); err != nil {
			return err
		}
		rows, err := tx.Query(ctx, `INSERT INTO n8n_instances (name, base_url, webhook_base_url, api_key_ciphertext, api_key_key_id)
			VALUES ($1, $2, $3, $4, '') RETURNING `+instanceCols,
			in.Name, strings.TrimRight(in.BaseURL, "/"), strings.TrimRight(in.WebhookBaseURL, "/"), placeholderCiphertext)
		if inst, err = one[model.Instance](what, rows, err); err != nil {
			return err
		}
		inst.KeyID, err = s.sealInto(ctx, tx, inst.ID, inst.BaseURL, []byte(in.APIKey))
		return err
	})
	return inst, dbErr(what, err)
}

// sealInto encrypts an API key for the row id, bound to baseURL, and
// writes it with the URL it was sealed for.
func (s *Store) sealInto(ctx context.Context, q querier, id int64, baseURL string, key []byte) (string, error) {
	ct, kid := s.keys.Seal(key, APIKeyAAD(id, baseURL))
	_, err := q.Exec(ctx, `UPDATE n8n_instances SET api_key_ciphertext = $2, api_key_key_id = $3, api_key_sealed_url = $4,
		updated_at = now() WHERE id = $1`, id, ct, kid, baseURL)
	return kid, err
}

// checkKeyring refuses a master key that opens none of the stored API keys:
// sealing new rows with it would split the fleet between two keys, one of
// which nobody may hold.
func (s *Store) checkKeyring(ctx context.Context, q querier) error {
	var ids []string
	if err := q.QueryRow(ctx, `SELECT coalesce(array_agg(DISTINCT api_key_key_id ORDER BY api_key_key_id), '{}')
		FROM n8n_instances WHERE api_key_key_id <> ''`).Scan(&ids); err != nil {
		return err
	}
	for _, id := range ids {
		if s.keys.Has(id) {
			return nil
		}
	}
	if len(ids) == 0 {
		return nil
	}
	return fmt.Errorf("this master key (id %s) is not the one the stored API keys were sealed with (ids %s): check %s / the key file",
		s.keys.Primary(), strings.Join(ids, ", "), EnvMasterKey)
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

// UseAPIKeyInProcess makes InstanceAPIKey answer key for the instance in
// this process only: a key from one person's environment must not replace
// the key the whole team shares.
func (s *Store) UseAPIKeyInProcess(id int64, key string) {
	s.overrideMu.Lock()
	defer s.overrideMu.Unlock()
	if s.overrides == nil {
		s.overrides = map[int64]string{}
	}
	s.overrides[id] = key
}

// InstanceAPIKey decrypts an instance's API key (or returns the one this
// process was given for it). Callers hand it straight to an n8n client and
// keep it nowhere else.
func (s *Store) InstanceAPIKey(ctx context.Context, id int64) (string, error) {
	s.overrideMu.Lock()
	key, ok := s.overrides[id]
	s.overrideMu.Unlock()
	if ok {
		return key, nil
	}
	if s.keys == nil {
		return "", errors.New("reading an instance's API key needs the master key")
	}
	var r sealedRow
	if err := s.pool.QueryRow(ctx, `SELECT id, name, base_url, api_key_ciphertext, api_key_key_id, api_key_sealed_url
		FROM n8n_instances WHERE id = $1`, id).Scan(&r.id, &r.name, &r.baseURL, &r.ct, &r.kid, &r.sealedURL); err != nil {
		return "", dbErr(fmt.Sprintf("instance %d", id), err)
	}
	if r.sealedURL != nil && *r.sealedURL != r.baseURL {
		return "", fmt.Errorf("the stored API key of instance %s was sealed for URL %s, the row now says %s: set the key again with godmode instances set-key %s",
			r.name, *r.sealedURL, r.baseURL, r.name)
	}
	pt, err := s.open(r)
	if err != nil {
		return "", err
	}
	return string(pt), nil
}

// sealedRow is an instance's encrypted key and what it is bound to.
type sealedRow struct {
	id        int64
	name      string
	baseURL   string
	ct        []byte
	kid       string
	sealedURL *string // nil: sealed before keys were bound to their row
}

// open decrypts a row's key with the associated data it was sealed with.
func (s *Store) open(r sealedRow) ([]byte, error) {
	ad := legacyAAD
	if r.sealedURL != nil {
		ad = APIKeyAAD(r.id, *r.sealedURL)
	}
	pt, err := s.keys.Open(r.ct, r.kid, ad)
	if err != nil && !s.keys.Has(r.kid) {
		return nil, fmt.Errorf("instance %s API key: %w", r.name, err)
	}
	if err != nil {
		return nil, fmt.Errorf("instance %s API key: %w; or the ciphertext was copied from another row: set the key again with godmode instances set-key %s", r.name, err, r.name)
	}
	return pt, nil
}

// LegacySealedKeys counts API keys still sealed the pre-00006 way (not
// bound to their row), which `godmode keys rotate` re-seals.
func (s *Store) LegacySealedKeys(ctx context.Context) (int, error) {
	var n int
	err := s.pool.QueryRow(ctx, `SELECT count(*) FROM n8n_instances WHERE api_key_sealed_url IS NULL`).Scan(&n)
	return n, dbErr("instances", err)
}

// SetInstanceKey replaces an instance's stored API key.
func (s *Store) SetInstanceKey(ctx context.Context, name, key string) (model.Instance, error) {
	if s.keys == nil {
		return model.Instance{}, errors.New("setting an API key needs the master key")
	}
	if strings.TrimSpace(key) == "" {
		return model.Instance{}, fmt.Errorf("instance %q: %w: the API key is empty", name, model.ErrInvalid)
	}
	what := fmt.Sprintf("instance %q", name)
	var inst model.Instance
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		if err := s.checkKeyring(ctx, tx); err != nil {
			return err
		}
		rows, err := tx.Query(ctx, `SELECT `+instanceCols+` FROM n8n_instances WHERE name = $1 FOR UPDATE`, name)
		if inst, err = one[model.Instance](what, rows, err); err != nil {
			return err
		}
		if inst.KeyID, err = s.sealInto(ctx, tx, inst.ID, inst.BaseURL, []byte(key)); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `UPDATE n8n_instances SET healthy = NULL, last_error = '', down_since = NULL WHERE id = $1`, inst.ID)
		return err
	})
	return inst, dbErr(what, err)
}

// SetInstanceURLs moves an instance to new URLs, re-sealing its API key for
// the new base URL; a key that does not open under its current binding is
// not carried over (set it again).
func (s *Store) SetInstanceURLs(ctx context.Context, name, baseURL, webhookURL string) (model.Instance, error) {
	if s.keys == nil {
		return model.Instance{}, errors.New("changing an instance's URL needs the master key to re-seal its API key")
	}
	what := fmt.Sprintf("instance %q", name)
	baseURL, webhookURL = strings.TrimRight(baseURL, "/"), strings.TrimRight(webhookURL, "/")
	var inst model.Instance
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		r, err := lockSealed(ctx, tx, `name = $1`, name)
		if err != nil {
			return err
		}
		if r.sealedURL != nil && *r.sealedURL != r.baseURL {
			return fmt.Errorf("the stored API key of instance %s was sealed for URL %s, the row now says %s: set the key again with godmode instances set-key %s",
				r.name, *r.sealedURL, r.baseURL, r.name)
		}
		pt, err := s.open(r)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE n8n_instances SET base_url = $2, webhook_base_url = $3, healthy = NULL, last_error = '', down_since = NULL WHERE id = $1`,
			r.id, baseURL, webhookURL); err != nil {
			return err
		}
		if _, err := s.sealInto(ctx, tx, r.id, baseURL, pt); err != nil {
			return err
		}
		rows, err := tx.Query(ctx, `SELECT `+instanceCols+` FROM n8n_instances WHERE id = $1`, r.id)
		inst, err = one[model.Instance](what, rows, err)
		return err
	})
	return inst, dbErr(what, err)
}

func lockSealed(ctx context.Context, q querier, where string, args ...any) (sealedRow, error) {
	var r sealedRow
	err := q.QueryRow(ctx, `SELECT id, name, base_url, api_key_ciphertext, api_key_key_id, api_key_sealed_url
		FROM n8n_instances WHERE `+where+` FOR UPDATE`, args...).Scan(&r.id, &r.name, &r.baseURL, &r.ct, &r.kid, &r.sealedURL)
	if err != nil {
		return r, dbErr(fmt.Sprintf("instance %v", args), err)
	}
	return r, nil
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
// down_since keeps the first failure of a run of failures, so a console
// says how long an instance has been down, not when it was last tried.
func (s *Store) RecordInstanceHealth(ctx context.Context, id int64, healthy bool, latency time.Duration, lastErr string) error {
	_, err := s.pool.Exec(ctx, `UPDATE n8n_instances SET healthy = $2, last_latency_ms = $3, last_error = $4, last_checked_at = now(),
		down_since = CASE WHEN $2 THEN NULL ELSE coalesce(down_since, now()) END WHERE id = $1`,
		id, healthy, latency.Milliseconds(), lastErr)
	return dbErr("instance health", err)
}

// RotateKeys re-encrypts every API key not under the keyring's current key,
// and binds every key still sealed the pre-00006 way to its row, in one
// transaction: either every row moves or none does. A key whose row's URL
// was changed outside godmode keeps the URL it was sealed for, so rotating
// never launders the change.
func (s *Store) RotateKeys(ctx context.Context) (rotated int, err error) {
	if s.keys == nil {
		return 0, errors.New("rotating keys needs the master keys")
	}
	err = s.inTx(ctx, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `SELECT id, name, base_url, api_key_ciphertext, api_key_key_id, api_key_sealed_url FROM n8n_instances
			WHERE api_key_key_id <> $1 OR api_key_sealed_url IS NULL ORDER BY id FOR UPDATE`, s.keys.Primary())
		if err != nil {
			return err
		}
		var todo []sealedRow
		for rows.Next() {
			var r sealedRow
			if err := rows.Scan(&r.id, &r.name, &r.baseURL, &r.ct, &r.kid, &r.sealedURL); err != nil {
				return err
			}
			todo = append(todo, r)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		for _, r := range todo {
			pt, err := s.open(r)
			if err != nil {
				return err
			}
			bound := r.baseURL
			if r.sealedURL != nil {
				bound = *r.sealedURL
			}
			if _, err := s.sealInto(ctx, tx, r.id, bound, pt); err != nil {
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
