package model_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/godmode-console/godmode/forensics/safetext"
	"github.com/godmode-console/godmode/model"
)

func TestNormaliseMessageGroupsTheSameFailure(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, want string }{
		{"The service is receiving too many requests from you", "The service is receiving too many requests from you"},
		{"Request failed with status code 429", "Request failed with status code 429"},
		{"HTTP 503 after 3 retries", "HTTP 503 after <n> retries"},
		{"Lead 4711 not found", "Lead <n> not found"},
		{"Lead 12 not found.", "Lead <n> not found."},
		{"no lead for ana.chen@solar-co.com", "no lead for <email>"},
		{"GET https://api.example.com/v1/leads/8842?key=abc&x=1 failed", "GET https://api.example.com/v1/leads/<id>?… failed"},
		{"POST https://user:secret@hooks.example.com/a/b failed", "POST https://hooks.example.com/a/b failed"},
		{"execution 3f2a9c1e-77b4-4e0a-9a51-0c7d2b6e1f00 timed out", "execution <id> timed out"},
		{"Rate limit reached for org-a8f3k29x on tokens", "Rate limit reached for <id> on tokens"},
		{`Column "first_name" does not exist`, `Column "<v>" does not exist`},
		{"Invalid value 'pending-42' for status", "Invalid value '<v>' for status"},
		{"it's the client's 'x' field", "it's the client's '<v>' field"},
		{`429 - {"error":{"message":"Rate limit reached for gpt-4 in organization org-abc123 on requests per min"}}`,
			`<n> - {"error":{"message":"Rate limit reached for gpt-4 in organization <id> on requests per min"}}`},
		{"line\none\x1b[2J\ttwo   three", "line one [2J two three"},
		{"SMTP 550: mailbox unavailable for bounce@target.com [line 2]", "SMTP 550: mailbox unavailable for <email> [line <n>]"},
		{"", ""},
	} {
		if got := model.NormaliseMessage(tc.in); got != tc.want {
			t.Errorf("NormaliseMessage(%q)\n got %q\nwant %q", tc.in, got, tc.want)
		}
	}
	// The point of it: the same failure in two workspaces is one text.
	a := model.NormaliseMessage("Failed to send to lead 991 (ana@ohio-co.com): quota 'q-20931' exceeded")
	b := model.NormaliseMessage("Failed to send to lead 17 (jon@texas-co.com): quota 'q-7' exceeded")
	if a != b {
		t.Errorf("one failure, two texts:\n%q\n%q", a, b)
	}
	long := model.NormaliseMessage(strings.Repeat("word ", 100))
	if n := utf8.RuneCountInString(long); n > model.MaxNormalisedMessage || !strings.HasSuffix(long, " …") {
		t.Errorf("a long message is %d runes (cap %d): %q", n, model.MaxNormalisedMessage, long)
	}
}

func FuzzNormaliseMessage(f *testing.F) {
	for _, s := range []string{"HTTP 429 from https://api.openai.com/v1/chat?x=1", `"a":"b 12 c d e f g h i j k l m n o p"`, "it's 'x'",
		"a@b.co 123 abc123def", "\x1b]52;c;aGk=\x07", "status 404.", strings.Repeat("ab1 ", 80), "'\"`", "http://10.0.0.5:5678/x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := model.NormaliseMessage(s)
		if !utf8.ValidString(got) {
			t.Fatalf("invalid UTF-8: %q", got)
		}
		if safetext.Line(got) != got {
			t.Fatalf("control characters left: %q", got)
		}
		if n := utf8.RuneCountInString(got); n > model.MaxNormalisedMessage {
			t.Fatalf("%d runes, over the cap: %q", n, got)
		}
		if again := model.NormaliseMessage(got); again != got {
			t.Fatalf("not idempotent:\n once %q\ntwice %q", got, again)
		}
	})
}
