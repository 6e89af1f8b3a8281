package n8n

import (
	"context"
	"iter"
	"net/url"
	"strconv"
)

// MaxPageSize is the largest page n8n serves (it refuses limit > 250).
const MaxPageSize = 250

// Page is one page of a list and the opaque cursor of the next ("" on the
// last page).
type Page[T any] struct {
	Data       []T     `json:"data"`
	NextCursor *string `json:"nextCursor"`
}

// Next is the cursor of the next page, "" when this is the last.
func (p Page[T]) Next() string {
	if p.NextCursor == nil {
		return ""
	}
	return *p.NextCursor
}

// pageQuery adds what every list takes (project, page size, cursor) to q.
func pageQuery(q url.Values, projectID string, limit int, cursor string) string {
	if projectID != "" {
		q.Set("projectId", projectID)
	}
	if limit == 0 {
		limit = MaxPageSize
	}
	q.Set("limit", strconv.Itoa(limit))
	if cursor != "" {
		q.Set("cursor", cursor)
	}
	return "?" + q.Encode()
}

// getPage reads one page of a list; lists are GETs, so they are retried.
func getPage[T any](ctx context.Context, c *Client, path string) (Page[T], error) {
	body, err := c.do(ctx, call{method: "GET", path: path, idempotent: true})
	if err != nil {
		return Page[T]{}, err
	}
	return decode[Page[T]](body, "GET", path)
}

// paginate walks pages until the last one, yielding each item; it stops at
// the first error (yielded with a zero item) or when the consumer stops.
func paginate[T any](ctx context.Context, fetch func(ctx context.Context, cursor string) (Page[T], error)) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		cursor := ""
		for {
			p, err := fetch(ctx, cursor)
			if err != nil {
				var zero T
				yield(zero, err)
				return
			}
			for _, item := range p.Data {
				if !yield(item, nil) {
					return
				}
			}
			next := p.Next()
			if next == "" || len(p.Data) == 0 {
				return
			}
			cursor = next
		}
	}
}
