package db_test

import (
	"context"
	"net"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/godmode-console/godmode/db"
)

func TestConnectErrorsAreQuickOneLineAndKeepThePasswordSecret(t *testing.T) {
	// A port that accepts TCP but never speaks: the worst kind of dead server.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			defer c.Close()
		}
	}()
	closed, _ := net.Listen("tcp", "127.0.0.1:0")
	closedAddr := closed.Addr().String()
	closed.Close()

	cases := []struct {
		name, url string
		want      string
	}{
		{"refused", "postgres://ana:hunter2secret@" + closedAddr + "/godmode", "unreachable"},
		{"silent", "postgres://ana:hunter2secret@" + ln.Addr().String() + "/godmode", "no answer within 5s"},
		{"malformed", "postgres://ana:hunter2secret@localhost:notaport/godmode", "malformed"},
		{"not a url", "postgres://ana:hunter2secret@[::1/godmode", "malformed"},
		{"empty", "", "no URL configured"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			start := time.Now()
			pool, err := db.Connect(context.Background(), tc.url)
			took := time.Since(start)
			if err == nil {
				pool.Close()
				t.Fatal("connected")
			}
			msg := err.Error()
			if !strings.Contains(msg, tc.want) {
				t.Errorf("error %q does not say %q", msg, tc.want)
			}
			if strings.Contains(msg, "hunter2secret") {
				t.Errorf("error shows the password: %q", msg)
			}
			if strings.Contains(msg, "\n") {
				t.Errorf("error is not one line: %q", msg)
			}
			if took > db.ConnectTimeout+time.Second {
				t.Errorf("took %s", took)
			}
		})
	}
}

func TestThrowawayRunsAndCleansUp(t *testing.T) {
	ctx := context.Background()
	s, err := db.StartThrowaway(ctx, db.ThrowawayOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(s.URL(), "host=%2F") {
		t.Errorf("not on a unix socket: %s", s.URL())
	}
	pool, err := db.Connect(ctx, s.URL())
	if err != nil {
		t.Fatal(err)
	}
	var user string
	pool.QueryRow(ctx, "SELECT current_user").Scan(&user)
	pool.Close()
	if user != "postgres" {
		t.Errorf("connected as %q", user)
	}
	dir := s.URL()[strings.Index(s.URL(), "host=")+5:]
	dir = strings.ReplaceAll(dir[:strings.Index(dir, "&")], "%2F", "/")
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("socket dir %s still there after Close: %v", dir, err)
	}
}
