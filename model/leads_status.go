package model

import "slices"

// The statuses a lead goes through, the ones the platform tracks (the
// leads table's leads_status_check holds the same list).
const (
	LeadNew          = "new"
	LeadContacted    = "contacted"
	LeadReplied      = "replied"
	LeadBounced      = "bounced"
	LeadUnsubscribed = "unsubscribed"
	LeadDoNotContact = "do_not_contact"
)

// LeadStatuses are the statuses in the order a lead moves through them.
var LeadStatuses = []string{LeadNew, LeadContacted, LeadReplied, LeadBounced, LeadUnsubscribed, LeadDoNotContact}

// IsLeadStatus says whether s is one of LeadStatuses, as written.
func IsLeadStatus(s string) bool { return slices.Contains(LeadStatuses, s) }
