-- API keys bound to their row: the AES-GCM associated data names the
-- instance's id and the base URL the key was sealed for, which this column
-- records so a URL changed outside godmode is reported as such instead of
-- as a broken ciphertext. NULL marks a key sealed before this migration
-- (associated data constant); `godmode keys rotate` re-seals those.

-- +goose Up
ALTER TABLE n8n_instances ADD COLUMN api_key_sealed_url text;

-- +goose Down
ALTER TABLE n8n_instances DROP COLUMN api_key_sealed_url;
