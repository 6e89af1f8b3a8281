package forensics

import (
	"strings"
	"testing"
)

// A lead's address is found in the runs that carried it, each with the
// node, the run and the path an operator would open.
func TestSearchFindsAValueWithItsNodeRunAndPath(t *testing.T) {
	e := openFixture(t, "execution-success-loop.json")
	if !MayHold(e.Bytes(), "lead3@ohio-roofing.com") {
		t.Fatal("MayHold misses a value the execution holds")
	}
	hits, total, err := e.Search("lead3@ohio-roofing.com", 10)
	if err != nil {
		t.Fatal(err)
	}
	if total != 2 || len(hits) != 2 {
		t.Fatalf("hits %+v (total %d), want the two runs that carried lead 3", hits, total)
	}
	want := []Hit{
		{Node: "Fetch Replies", Run: 0, Path: "data.main.0.3.json.from", Text: "lead3@ohio-roofing.com"},
		{Node: "Loop Over Items", Run: 0, Path: "data.main.1.3.json.from", Text: "lead3@ohio-roofing.com"},
	}
	for i, w := range want {
		if hits[i] != w {
			t.Errorf("hit %d = %+v, want %+v", i, hits[i], w)
		}
	}
}

func TestSearchIsSmartCaseAndBounded(t *testing.T) {
	e := openFixture(t, "execution-success-loop.json")
	lower, total, _ := e.Search("thanks for reaching", 3)
	if len(lower) != 3 || total <= 3 {
		t.Fatalf("lower case: %d hits of %d, want 3 shown of more", len(lower), total)
	}
	if got, _, _ := e.Search("THANKS for reaching", 3); len(got) != 0 {
		t.Errorf("an upper-case query matched %+v: smart case is off", got)
	}
	if !strings.Contains(lower[0].Text, "Thanks for reaching out") || len([]rune(lower[0].Text)) > excerptWidth+2 {
		t.Errorf("excerpt %q", lower[0].Text)
	}
	if MayHold(e.Bytes(), "no such lead anywhere") {
		t.Error("MayHold holds a string the execution lacks")
	}
	if hits, _, _ := e.Search("no such lead anywhere", 3); hits != nil {
		t.Errorf("hits for a missing string: %+v", hits)
	}
}

// A quoted phrase is found as JSON writes it, and a hit's text arrives
// cleaned of what a crafted value could do to a terminal.
func TestSearchFindsEscapedTextAndCleansIt(t *testing.T) {
	raw := `{"id":"9","status":"success","data":{"resultData":{"runData":{"Set":[{"startTime":1,"executionTime":1,"executionStatus":"success",` +
		`"data":{"main":[[{"json":{"note":"say \"hi\" \u001b[2J now","k":"plain"}}]]}}]}}}}`
	e, err := Open([]byte(raw))
	if err != nil {
		t.Fatal(err)
	}
	hits, _, err := e.Search(`say "hi"`, 5)
	if err != nil || len(hits) != 1 {
		t.Fatalf("hits %+v, %v", hits, err)
	}
	// The text is read as a person reads the string: escapes undone, the
	// escape character shown as a picture, not sent.
	if hits[0].Path != "data.main.0.0.json.note" || hits[0].Text != `say "hi" ␛[2J now` {
		t.Errorf("hit %+v", hits[0])
	}
}
