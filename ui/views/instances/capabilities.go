package instances

import (
	"strconv"
	"strings"

	"github.com/godmode-console/godmode/model"
)

// capabilities is what the sync probe found the instance can do: the
// major it behaves like, then the features it has beyond 1.x's
// (publish/unpublish, credential listing, waiting executions in lists).
func capabilities(i model.InstanceHealth) string {
	c := i.Capabilities
	if c == nil {
		return "? not probed yet"
	}
	parts := []string{strconv.Itoa(c.Major) + ".x"}
	if c.Publish {
		parts = append(parts, "+publish")
	}
	if c.ListCredentials {
		parts = append(parts, "+creds")
	}
	if c.WaitingInLists {
		parts = append(parts, "+waiting")
	}
	return strings.Join(parts, " ")
}

func capabilitiesRank(i model.InstanceHealth) int {
	if i.Capabilities == nil {
		return 0
	}
	return i.Capabilities.Major
}
