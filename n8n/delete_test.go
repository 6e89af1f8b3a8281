package n8n_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/godmode-console/godmode/n8n"
)

// n8n 2.x answers a delete right after the deactivation with "still being
// unpublished", or a 500 while its publication queue holds the workflow
// (after which the delete may have happened: a 404 then means done). The
// client's delete waits both out, boundedly.
func TestDeleteWaitsOutUnpublishing(t *testing.T) {
	fast := n8n.WithUnpublishRetry(n8n.RetryPolicy{MaxAttempts: 4, BaseDelay: time.Millisecond, MaxDelay: time.Millisecond})
	cases := []struct {
		name    string
		deletes []string // status and message of each DELETE answer
		wantErr error
		calls   int
	}{
		{"still unpublishing, then gone", []string{"409 Workflow is still being unpublished. Please try again in a few moments.", "200 "}, nil, 2},
		{"500, then 404", []string{"500 Internal server error", "404 Not Found"}, nil, 2},
		{"plain 404", []string{"404 Not Found"}, n8n.ErrNotFound, 1},
		{"never done", []string{"409 Workflow is still being unpublished.", "409 Workflow is still being unpublished.", "409 Workflow is still being unpublished.", "409 Workflow is still being unpublished.", "200 "}, n8n.ErrNotYetUnpublished, 4},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var deletes int
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				_, _ = io.Copy(io.Discard, r.Body)
				if r.Method == "POST" {
					_, _ = io.WriteString(w, `{"id":"wf1","active":false}`)
					return
				}
				status, m, _ := strings.Cut(c.deletes[deletes], " ")
				deletes++
				code := map[string]int{"200": 200, "404": 404, "409": 409, "500": 500}[status]
				w.WriteHeader(code)
				if code == 200 {
					_, _ = io.WriteString(w, `{"id":"wf1","active":false}`)
					return
				}
				_, _ = io.WriteString(w, `{"message":"`+m+`"}`)
			}))
			defer srv.Close()
			w, err := n8n.New(srv.URL, "k", fast).DeleteWorkflow(context.Background(), "wf1")
			if c.wantErr == nil && (err != nil || w.ID != "wf1") || c.wantErr != nil && !errors.Is(err, c.wantErr) {
				t.Errorf("delete: %v (%+v), want %v", err, w, c.wantErr)
			}
			if deletes != c.calls {
				t.Errorf("%d DELETEs, want %d", deletes, c.calls)
			}
		})
	}
}
