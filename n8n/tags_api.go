package n8n

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"unicode/utf8"
)

// Tags lists every tag.
func (c *Client) Tags(ctx context.Context) ([]Tag, error) {
	var out []Tag
	for t, err := range paginate(ctx, func(ctx context.Context, cursor string) (Page[Tag], error) {
		path := "/tags?limit=250"
		if cursor != "" {
			path += "&cursor=" + url.QueryEscape(cursor)
		}
		body, err := c.do(ctx, call{method: "GET", path: path, idempotent: true})
		if err != nil {
			return Page[Tag]{}, err
		}
		return decode[Page[Tag]](body, "GET", path)
	}) {
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, nil
}

// MaxTagName is the longest tag name n8n stores, in characters.
const MaxTagName = 24

// CreateTag creates a tag; a name already taken is ErrConflict. Names are
// 1 to 24 characters: n8n reports a longer or empty one as a duplicate, so
// the client refuses it before asking.
func (c *Client) CreateTag(ctx context.Context, name string) (Tag, error) {
	name = strings.TrimSpace(name)
	if n := utf8.RuneCountInString(name); n == 0 || n > MaxTagName {
		return Tag{}, &Error{Kind: ErrBadRequest, Method: "POST", Path: "/api/v1/tags",
			Message: fmt.Sprintf("tag name %q must be 1 to %d characters", name, MaxTagName)}
	}
	body, err := c.do(ctx, call{method: "POST", path: "/tags", body: map[string]string{"name": name}, okStatus: []int{201}})
	if err != nil {
		return Tag{}, err
	}
	return decode[Tag](body, "POST", "/tags")
}

// DeleteTag deletes a tag.
func (c *Client) DeleteTag(ctx context.Context, id string) error {
	_, err := c.do(ctx, call{method: "DELETE", path: "/tags/" + url.PathEscape(id)})
	return err
}
