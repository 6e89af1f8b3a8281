package forensics

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

func TestSummaryTextAndJSONOnEveryFixture(t *testing.T) {
	for _, path := range fixtureNames(t) {
		name := filepath.Base(path)
		t.Run(name, func(t *testing.T) {
			e := openFixture(t, name)
			var text, js strings.Builder
			if err := WriteSummary(&text, e); err != nil {
				t.Fatal(err)
			}
			if err := WriteSummaryJSON(&js, e); err != nil {
				t.Fatal(err)
			}
			var s Summary
			if err := json.Unmarshal([]byte(js.String()), &s); err != nil {
				t.Fatalf("summary JSON does not parse: %v", err)
			}
			tl := e.Timeline()
			if s.ID != e.ID || s.Status != e.Status || len(s.Timeline) != len(tl) {
				t.Errorf("JSON: id %q status %q %d runs; execution %q %q %d runs", s.ID, s.Status, len(s.Timeline), e.ID, e.Status, len(tl))
			}
			out := text.String()
			if !strings.HasPrefix(out, "execution "+e.ID+"  "+strings.ToUpper(e.Status)) {
				t.Errorf("text header: %q", strings.SplitN(out, "\n", 2)[0])
			}
			// Every run is a row of the table, in timeline order.
			pos := 0
			for i, r := range tl {
				j := strings.Index(out[pos:], r.Node)
				if j < 0 {
					t.Fatalf("run %d (%s) missing from the text, or out of order", i, r.Node)
				}
				pos += j + len(r.Node)
			}
			f := e.FirstFailure()
			switch {
			case f != nil:
				if s.Failure == nil || s.Failure.Node != f.Node || s.Failure.Message != f.Error.Message || s.Failure.HTTPCode != f.Error.HTTPCode {
					t.Errorf("JSON failure %+v, want %s %q", s.Failure, f.Node, f.Error.Message)
				}
				if !strings.Contains(out, "FAILED at "+f.Node) || !strings.Contains(out, f.Error.Message) {
					t.Errorf("text does not name the failed node and message:\n%s", out)
				}
				if f.Error.HTTPCode != "" && !strings.Contains(out, "HTTP "+f.Error.HTTPCode) {
					t.Errorf("text does not give the HTTP code:\n%s", out)
				}
			case s.Failure != nil || strings.Contains(out, "FAILED"):
				t.Errorf("a successful execution is reported as failed")
			}
			if e.Status == "waiting" && (s.Waiting == nil || s.Waiting.Node != "Wait 3 Days" || !strings.Contains(out, "WAITING at Wait 3 Days until 2026-11-24T23:16:43.453Z")) {
				t.Errorf("waiting: %+v\n%s", s.Waiting, out)
			}
		})
	}
}

func TestSummaryOfLoopCountsRuns(t *testing.T) {
	var js strings.Builder
	if err := WriteSummaryJSON(&js, openFixture(t, "execution-success-loop.json")); err != nil {
		t.Fatal(err)
	}
	var s Summary
	if err := json.Unmarshal([]byte(js.String()), &s); err != nil {
		t.Fatal(err)
	}
	runs := map[string]int{}
	for _, r := range s.Timeline {
		runs[r.Node]++
		if r.Runs != map[string]int{"Loop Over Items": 6, "Classify": 5, "Is Positive?": 5}[r.Node] && r.Runs != 1 {
			t.Errorf("%s says %d runs", r.Node, r.Runs)
		}
	}
	if runs["Loop Over Items"] != 6 || runs["Classify"] != 5 {
		t.Errorf("runs %v", runs)
	}
}
