package instances

import (
	"strconv"
	"strings"

	"github.com/godmode-console/godmode/model"
)

// capabilities is what the sync probe found the instance can do: the
// major it behaves like, then the features it has beyond 1.x's: pub
// (publish/unpublish), cred (credential listing), wait (waiting
// executions in lists). Short, so the last error keeps its room.
func capabilities(i model.InstanceHealth) string {
	c := i.Capabilities
	if c == nil {
		return "? unprobed"
	}
	parts := []string{strconv.Itoa(c.Major) + ".x"}
	if c.Publish {
		parts = append(parts, "pub")
	}
	if c.ListCredentials {
		parts = append(parts, "cred")
	}
	if c.WaitingInLists {
		parts = append(parts, "wait")
	}
	return strings.Join(parts, " ")
}

func capabilitiesRank(i model.InstanceHealth) int {
	if i.Capabilities == nil {
		return 0
	}
	return i.Capabilities.Major
}
