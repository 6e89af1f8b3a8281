package common

import "github.com/godmode-console/godmode/model"

// WhyNoImport says why this session may not import leads into a
// workspace ("": it may try; the model decides and audits). The fleet
// hides its i on it and the import screen shows it, so both say the same.
func WhyNoImport(actor model.Actor, readOnly bool, workspaceID int64) string {
	if readOnly {
		return "read-only session: importing is off (restart without --read-only)"
	}
	if err := model.Authorize(actor, model.ActionImportLeads, workspaceID); err != nil {
		return "importing leads needs an owner's or an admin's role in the workspace"
	}
	return ""
}
