package db

import (
	"context"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/godmode-console/godmode/model"
)

// ExplainLeads is the plan of the page (count false) or the count of f,
// in the transaction the screen's reads run in.
func (s *Store) ExplainLeads(ctx context.Context, workspaceID int64, f model.LeadFilter, count bool) (string, error) {
	q, args := leadsPageSQL(workspaceID, f, model.LeadPageRequest{})
	if count {
		q, args = countLeadsSQL(workspaceID, f, model.LeadCountCap)
	}
	var plan []string
	err := s.inLeadsRead(ctx, workspaceID, f, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, "EXPLAIN "+q, args...)
		if err != nil {
			return err
		}
		plan, err = pgx.CollectRows(rows, pgx.RowTo[string])
		return err
	})
	return strings.Join(plan, "\n"), err
}
