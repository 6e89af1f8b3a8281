package db

import (
	"context"
	"fmt"

	"github.com/godmode-console/godmode/model"
)

// InstanceAppliedVersions are the applied hashes of an instance's
// provisioned campaigns, with the blueprint version each came from, for
// sync's version_mismatch.
func (s *Store) InstanceAppliedVersions(ctx context.Context, instanceID int64) (map[int64]model.AppliedVersion, error) {
	what := fmt.Sprintf("applied versions of instance %d", instanceID)
	rows, err := s.pool.Query(ctx, `SELECT c.id, c.applied_hash, COALESCE(b.name, ''), COALESCE(v.version, 0)
		FROM campaigns c
		LEFT JOIN blueprint_versions v ON v.id = c.blueprint_version_id
		LEFT JOIN blueprints b ON b.id = v.blueprint_id
		WHERE c.instance_id = $1 AND c.applied_hash <> ''`, instanceID)
	if err != nil {
		return nil, dbErr(what, err)
	}
	defer rows.Close()
	out := map[int64]model.AppliedVersion{}
	for rows.Next() {
		var a model.AppliedVersion
		if err := rows.Scan(&a.CampaignID, &a.Hash, &a.Blueprint, &a.Version); err != nil {
			return nil, dbErr(what, err)
		}
		out[a.CampaignID] = a
	}
	return out, dbErr(what, rows.Err())
}
