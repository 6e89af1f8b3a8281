package model

import (
	"context"
	"errors"
)

// ImportLeads is a stand-in so the import screen's branch builds; the
// import helper's real one replaces it at merge (delete this file).
func (c *Console) ImportLeads(ctx context.Context, actor Actor, req LeadImport) (LeadImportResult, error) {
	return LeadImportResult{Workspace: req.Workspace}, errors.New("leads import: not built on this branch")
}
