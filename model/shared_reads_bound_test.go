package model

import (
	"fmt"
	"testing"
	"time"
)

// The shared reads stay bounded however many campaigns are watched.
func TestSharedReadsAreBoundedInCountAndBytes(t *testing.T) {
	r := newSharedReads(time.Now)
	big := make([]Execution, 250)
	for i := range big {
		big[i] = Execution{ID: fmt.Sprint(i), WorkflowID: "wf-0123456789abcdef", Status: "success", Mode: "webhook"}
	}
	for i := range 3 * maxSharedReads {
		r.keep(readKey{campaignID: int64(i), limit: 250}, int64(i%40), 0, 0, big)
		if len(r.entries) > maxSharedReads || r.bytes > maxSharedReadBytes {
			t.Fatalf("after %d lists: %d kept, %d bytes; bounds %d and %d", i+1, len(r.entries), r.bytes, maxSharedReads, maxSharedReadBytes)
		}
	}
	sum := 0
	for _, e := range r.entries {
		sum += e.size
	}
	if sum != r.bytes || len(r.entries) == 0 {
		t.Errorf("%d lists kept, their sizes sum to %d but %d are counted", len(r.entries), sum, r.bytes)
	}
	for i := range 3 * maxSharedReads {
		r.forgetCampaign(int64(i), int64(i)) // generations of many workspaces
	}
	if len(r.gen) > maxSharedReads {
		t.Errorf("%d workspace generations kept, bound %d", len(r.gen), maxSharedReads)
	}
}
