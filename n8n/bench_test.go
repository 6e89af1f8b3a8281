package n8n_test

import (
	"context"
	"strconv"
	"testing"

	"github.com/godmode-console/godmode/n8n"
	"github.com/godmode-console/godmode/n8n/n8ntest"
)

// BenchmarkListWorkflows10k lists 10,000 workflows from the fake through
// the iterator: 40 pages of 250, so 40 requests per listing.
func BenchmarkListWorkflows10k(b *testing.B) {
	srv := n8ntest.New()
	defer srv.Close()
	for i := range 10000 {
		if _, err := srv.AddWorkflow(webhookWorkflow("campaign "+strconv.Itoa(i), "bench-"+strconv.Itoa(i))); err != nil {
			b.Fatal(err)
		}
	}
	c := srv.Client()
	ctx := context.Background()
	srv.ResetRequests()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		n := 0
		for _, err := range c.Workflows(ctx, n8n.WorkflowFilter{}) {
			if err != nil {
				b.Fatal(err)
			}
			n++
		}
		if n != 10000 {
			b.Fatalf("listed %d workflows, want 10000", n)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(srv.Requests())/float64(b.N), "requests/op")
}
