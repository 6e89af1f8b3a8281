package n8n

import (
	"context"
	"net/url"
	"strings"
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

// CreateTag creates a tag; a name already taken is ErrConflict.
func (c *Client) CreateTag(ctx context.Context, name string) (Tag, error) {
	body, err := c.do(ctx, call{method: "POST", path: "/tags", body: map[string]string{"name": strings.TrimSpace(name)}, okStatus: []int{201}})
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
