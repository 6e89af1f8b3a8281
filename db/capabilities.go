package db

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/godmode-console/godmode/n8n"
)

// SetInstanceCapabilities stores what a probe found the instance can do,
// and reports whether that differs from what was stored (the time of the
// probe aside): an unchanged answer writes nothing, so the column's
// probedAt is when the instance last changed, or was first probed.
func (s *Store) SetInstanceCapabilities(ctx context.Context, id int64, caps n8n.Capabilities) (changed bool, err error) {
	b, err := json.Marshal(caps)
	if err != nil {
		return false, fmt.Errorf("instance %d capabilities: %w", id, err)
	}
	tag, err := s.pool.Exec(ctx, `UPDATE n8n_instances SET capabilities = $2
		WHERE id = $1 AND (capabilities IS NULL OR capabilities - 'probedAt' IS DISTINCT FROM $2::jsonb - 'probedAt')`, id, b)
	if err != nil {
		return false, dbErr("instance capabilities", err)
	}
	return tag.RowsAffected() == 1, nil
}
