package model

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

// Change says in a few words what an audited attempt did: the error when it
// failed, else the fields that differ between before and after
// ("status paused→active"), then what only after holds ("reason …").
func (e AuditEntry) Change() string {
	if e.Error != "" {
		return e.Error
	}
	var before, after map[string]json.RawMessage
	_ = json.Unmarshal(e.Before, &before)
	_ = json.Unmarshal(e.After, &after)
	var parts []string
	for _, k := range sortedKeys(after) {
		if k == "version" || k == "campaign" || k == "workspace" || k == "wanted" {
			continue // bookkeeping, or already in their own columns
		}
		a := plain(after[k])
		b, had := before[k]
		switch {
		case had && !bytes.Equal(b, after[k]):
			parts = append(parts, fmt.Sprintf("%s %s→%s", k, plain(b), a))
		case !had:
			parts = append(parts, fmt.Sprintf("%s %s", k, a))
		}
	}
	if len(parts) == 0 && len(after) > 0 {
		return "no change"
	}
	return strings.Join(parts, ", ")
}

func sortedKeys(m map[string]json.RawMessage) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// plain shows a JSON value without quotes around strings.
func plain(v json.RawMessage) string {
	var s string
	if json.Unmarshal(v, &s) == nil {
		return s
	}
	var list []string
	if json.Unmarshal(v, &list) == nil {
		return strings.Join(list, ", ")
	}
	return string(v)
}
