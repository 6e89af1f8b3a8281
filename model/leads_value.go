package model

import (
	"encoding/json"
	"strings"
)

// LeadValueText is a metadata value as one cell of text, the same on the
// :leads screen and in an export: a string as it is, null or absent as
// nothing, anything else (numbers, booleans, objects, arrays) as its JSON
// text.
func LeadValueText(v json.RawMessage) string {
	if len(v) == 0 || string(v) == "null" {
		return ""
	}
	if v[0] == '"' {
		var s string
		if json.Unmarshal(v, &s) == nil {
			return s
		}
	}
	return strings.TrimSpace(string(v))
}
