package n8ntest

import (
	"encoding/base64"
	"encoding/json"
	"strconv"
)

// Cursors are base64 JSON like n8n's: {"limit","offset"} for workflows
// and tags, {"lastId","limit"} for executions.
type cursor struct {
	Limit  int     `json:"limit"`
	Offset *int    `json:"offset,omitempty"`
	LastID *string `json:"lastId,omitempty"`
}

func encodeOffset(limit, offset int) string {
	b, _ := json.Marshal(map[string]int{"limit": limit, "offset": offset})
	return base64.StdEncoding.EncodeToString(b)
}

func encodeLastID(lastID, limit int) string {
	b, _ := json.Marshal(struct {
		LastID string `json:"lastId"`
		Limit  int    `json:"limit"`
	}{strconv.Itoa(lastID), limit})
	return base64.StdEncoding.EncodeToString(b)
}

func decodeCursor(s string) (cursor, bool) {
	var c cursor
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return c, false
	}
	if json.Unmarshal(b, &c) != nil {
		return c, false
	}
	return c, true
}
