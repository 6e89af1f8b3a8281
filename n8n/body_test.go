package n8n

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strconv"
	"strings"
	"testing"
)

// endless answers every request with a body that never ends, as a hostile
// or broken n8n could.
func endless(t *testing.T) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"id":"1","data":"`))
		zeros := []byte(strings.Repeat("0", 1<<20))
		for {
			if _, err := w.Write(zeros); err != nil {
				return // the client hung up
			}
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

// An execution's body is cut at the cap (512 MB by default) with a clear
// error, not read until memory runs out, and costs about the cap.
func TestEndlessExecutionBodyIsCutAtTheCap(t *testing.T) {
	srv := endless(t)
	c := New(srv.URL, "k")
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err := c.GetExecution(t.Context(), "1", true)
	runtime.ReadMemStats(&after)
	var e *Error
	if !errors.As(err, &e) || !errors.Is(err, ErrTooLarge) || e.Attempts != 1 || !strings.Contains(err.Error(), "more than 512 MB") {
		t.Fatalf("endless execution body: %v", err)
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 900<<20 {
		t.Errorf("reading it allocated %d MB", alloc>>20)
	}
}

// Every other answer has a smaller cap, and an announced length past the
// cap is refused before a byte is read.
func TestOtherAnswersHaveTheirOwnCap(t *testing.T) {
	srv := endless(t)
	c := New(srv.URL, "k", WithMaxBody(1<<20), WithMaxExecutionBytes(4<<20))
	if _, err := c.GetExecutionInfo(t.Context(), "1"); !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), "more than 1 MB") {
		t.Errorf("endless execution summary: %v", err)
	}
	if _, err := c.GetExecution(t.Context(), "1", true); !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), "more than 4 MB") {
		t.Errorf("endless execution with data: %v", err)
	}
	var served int
	big := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		served++
		w.Header().Set("Content-Length", strconv.Itoa(2<<20))
		w.Write([]byte("{"))
	}))
	defer big.Close()
	c = New(big.URL, "k", WithMaxBody(1<<20))
	if _, err := c.GetExecutionInfo(t.Context(), "1"); !errors.Is(err, ErrTooLarge) || served != 1 {
		t.Errorf("a 2 MB Content-Length past a 1 MB cap: %v (served %d times)", err, served)
	}
}
