package model

import (
	"errors"
	"strings"
	"testing"
)

func TestCheckInstanceURL(t *testing.T) {
	for _, tc := range []struct {
		raw      string
		insecure bool
		want     string // the normalised URL, or a piece of the error
		ok       bool
	}{
		{"https://ohio.example.com/", false, "https://ohio.example.com", true},
		{"http://127.0.0.1:5678", false, "http://127.0.0.1:5678", true},
		{"http://[::1]:5678/", false, "http://[::1]:5678", true},
		{"http://localhost:5678", false, "http://localhost:5678", true},
		{"http://ohio.example.com", false, "plain http to another machine", false},
		{"http://ohio.example.com", true, "http://ohio.example.com", true},
		{"http://127.0.0.1.evil.net", false, "plain http", false},
		{"https://u:p@ohio.example.com", false, "carries credentials", false},
		{"https://u@ohio.example.com", true, "carries credentials", false},
		{"ftp://ohio.example.com", false, "is not an http(s) URL", false},
		{"ohio.example.com", false, "is not an http(s) URL", false},
		{"https://ohio.example.com/?x=1", false, "query or fragment", false},
	} {
		got, err := CheckInstanceURL("--url", tc.raw, tc.insecure, "--insecure-http")
		switch {
		case tc.ok && (err != nil || got != tc.want):
			t.Errorf("%q: %q, %v; want %q", tc.raw, got, err, tc.want)
		case !tc.ok && (err == nil || !strings.Contains(err.Error(), tc.want) || !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "--url")):
			t.Errorf("%q: %q, %v; want an error naming --url and saying %q", tc.raw, got, err, tc.want)
		case !tc.ok && strings.Contains(err.Error(), "u:p"):
			t.Errorf("%q: the error repeats the credentials: %v", tc.raw, err)
		}
	}
}
