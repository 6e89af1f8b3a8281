package n8n

import (
	"context"
	"iter"
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
