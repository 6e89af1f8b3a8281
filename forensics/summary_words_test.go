package forensics

import (
	"strings"
	"testing"
)

func TestSummarySaysTheFailingLineOnce(t *testing.T) {
	var b strings.Builder
	if err := WriteSummary(&b, openFixture(t, "execution-error-code-node.json")); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	if n := strings.Count(out, "line 1"); n != 1 {
		t.Errorf("the failing line is said %d times, want once:\n%s", n, out)
	}
}
