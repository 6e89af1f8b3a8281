package blueprint

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
)

// yourToken is the platform's placeholder, as detect finds it: YOUR_ then
// upper-case words joined by single underscores.
var yourToken = regexp.MustCompile(`YOUR_[A-Z0-9]+(?:_[A-Z0-9]+)*`)

// Render fills a stored workflow's YOUR_* placeholders with a workspace's
// values: every whole token named in values is replaced, in every string
// of the JSON tree (never in the text, so a value can never change the
// workflow's structure); tokens not in values are left as they are. It is
// the inverse of a capture's substitutions: capturing what Render made
// gives back the placeholders.
func Render(workflow json.RawMessage, values map[string]string) (json.RawMessage, error) {
	var doc any
	dec := json.NewDecoder(bytes.NewReader(workflow))
	dec.UseNumber()
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("rendering a workflow: %w", err)
	}
	doc = walk(doc, "", func(_, s string) string {
		return yourToken.ReplaceAllStringFunc(s, func(tok string) string {
			if v, ok := values[tok]; ok {
				return v
			}
			return tok
		})
	})
	return canonical(doc)
}
