package sshd

import (
	"errors"
	"fmt"
	"io"
	"runtime/debug"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/ssh"
	"charm.land/wish/v2"
	gossh "golang.org/x/crypto/ssh"

	"github.com/godmode-console/godmode/forensics/safetext"
)

// session is the ssh.Session the Guard hands down the middleware chain: it
// notes each read of the client's input for the idle timeout, and carries
// why the session is being closed, so that the message reaches the client
// after the console has given the terminal back.
type session struct {
	ssh.Session
	g           *Guard
	user        string
	fingerprint string
	remote      string
	start       time.Time
	lastInput   atomic.Int64 // unix nanoseconds
	done        chan struct{}

	mu      sync.Mutex
	reason  Reason
	message string
	told    bool
	program *tea.Program
	timer   *time.Timer
}

// Read is what Bubble Tea (or a command reading stdin) reads the client's
// input through; bytes read are the activity the idle timeout counts.
//
// The end of a console's input ends the console: a client that closes
// one session of a shared connection (OpenSSH's ControlMaster) closes
// its channel, not the connection, and Bubble Tea would otherwise go on
// drawing into it, holding its slot, until the connection ends.
func (s *session) Read(p []byte) (int, error) {
	n, err := s.Session.Read(p)
	if n > 0 {
		s.lastInput.Store(time.Now().UnixNano())
	}
	if errors.Is(err, io.EOF) {
		s.mu.Lock()
		prog := s.program
		s.mu.Unlock()
		if prog != nil {
			go prog.Quit() // from the input goroutine: Quit waits on the event loop
		}
	}
	return n, err
}

// stateOf finds the Guard's session under s, or nil when s did not come
// through Middleware.
func stateOf(s ssh.Session) *session {
	st, _ := s.(*session)
	return st
}

// Middleware is the Guard's session middleware: it refuses a session over
// a cap, logs connects and disconnects, starts the idle timeout and
// contains a panic of everything after it to this session. Put it
// outermost (last in wish.WithMiddleware).
func (g *Guard) Middleware() wish.Middleware {
	return func(next ssh.Handler) ssh.Handler {
		return func(sess ssh.Session) {
			ctx := sess.Context()
			s := &session{
				Session: sess, g: g, user: g.user(ctx),
				fingerprint: Fingerprint(sess.PublicKey()),
				remote:      sess.RemoteAddr().String(),
				start:       time.Now(),
				done:        make(chan struct{}),
			}
			s.lastInput.Store(s.start.UnixNano())
			g.forgiveAuth(ctx) // it authenticated, even if a cap refuses it now
			if !g.admit(s) {
				return
			}
			g.metrics.sessionsTotal.Add(1)
			_, _, pty := sess.Pty()
			g.log.Info("ssh session opened", s.attrs("pty", pty, "command", commandName(sess))...)
			s.startIdle()
			defer func() {
				if r := recover(); r != nil {
					s.panicked(r, debug.Stack())
				}
				s.finish()
				g.release(s)
			}()
			next(s)
		}
	}
}

// attrs are the log attributes that name the session, then extra.
func (s *session) attrs(extra ...any) []any {
	return append([]any{"user", s.user, "fingerprint", s.fingerprint, "remote", s.remote}, extra...)
}

// commandName is the first word of a session's command ("" for the
// console): enough to tell what ran, without arguments that may hold data.
func commandName(sess ssh.Session) string {
	c := sess.Command()
	if len(c) == 0 {
		return ""
	}
	return safetext.Line(c[0])
}

// admit counts s in, or refuses it with a message when a cap is reached.
func (g *Guard) admit(s *session) bool {
	g.mu.Lock()
	var r Reason
	var msg string
	switch {
	case g.draining:
		r, msg = ReasonShuttingDown, "godmode: the server is shutting down; try again in a minute"
	case g.cfg.MaxSessions > 0 && g.open >= g.cfg.MaxSessions:
		r, msg = ReasonCapTotal, "godmode: the server has its maximum of "+sessionCount(g.cfg.MaxSessions)+" open; try again later"
	case g.cfg.MaxSessionsPerUser > 0 && g.perUser[s.user] >= g.cfg.MaxSessionsPerUser:
		r, msg = ReasonCapUser, "godmode: you have "+sessionCount(g.cfg.MaxSessionsPerUser)+" open, the most one user may; close one or try again later"
	default:
		g.open++
		g.perUser[s.user]++
	}
	g.mu.Unlock()
	if r == "" {
		return true
	}
	g.metrics.refused(r)
	g.log.Warn("ssh session refused", s.attrs("reason", string(r))...)
	fmt.Fprintln(s.Stderr(), msg)
	_ = s.Exit(1)
	return false
}

// release logs the end of s and gives back its place; in that order, so
// that whoever sees the place free finds the line logged.
func (g *Guard) release(s *session) {
	g.log.Info("ssh session closed", s.attrs("reason", string(s.closeReason()), "duration", time.Since(s.start).Round(time.Millisecond).String())...)
	g.mu.Lock()
	g.open--
	if g.perUser[s.user]--; g.perUser[s.user] <= 0 {
		delete(g.perUser, s.user)
	}
	g.mu.Unlock()
}

func (s *session) closeReason() Reason {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.reason == "" {
		return "ended"
	}
	return s.reason
}

// startIdle arms the idle timeout. The timer does not move on each
// keystroke: when it fires it checks the time of the last input and sleeps
// again for what is left, so a read costs one atomic store.
func (s *session) startIdle() {
	d := s.g.cfg.IdleTimeout
	if d <= 0 {
		return
	}
	var check func()
	check = func() {
		left := d - time.Since(time.Unix(0, s.lastInput.Load()))
		if left > 0 {
			s.mu.Lock()
			if s.reason == "" {
				s.timer = time.AfterFunc(left, check)
			}
			s.mu.Unlock()
			return
		}
		s.closeFor(ReasonIdle, fmt.Sprintf("godmode: closed after %s without a keystroke", shortDuration(d)))
	}
	s.mu.Lock()
	s.timer = time.AfterFunc(d, check)
	s.mu.Unlock()
}

// closeFor ends the session for r: a console is asked to quit (it gives the
// terminal back, then finish prints the message); anything else is told
// and its channel closed now. Whatever has not ended within the grace has
// its connection cut.
func (s *session) closeFor(r Reason, msg string) {
	s.mu.Lock()
	if s.reason != "" {
		s.mu.Unlock()
		return
	}
	s.reason, s.message = r, msg
	p := s.program
	s.mu.Unlock()
	s.g.metrics.refused(r)
	s.g.log.Info("ssh session closing", s.attrs("reason", string(r))...)
	if p != nil {
		p.Quit()
	} else {
		s.tell()
	}
	go func() {
		select {
		case <-s.done:
		case <-time.After(s.g.closeGrace):
			s.tell()
			s.cutConnection()
		}
	}()
}

// setProgram tells the session which console runs in it, so that closeFor
// can ask it to quit rather than pull the channel from under it.
func (s *session) setProgram(p *tea.Program) {
	s.mu.Lock()
	s.program = p
	closing := s.reason != ""
	s.mu.Unlock()
	if closing {
		p.Quit()
	}
}

// panicked records a panic of this session's handler or console: logged
// with the user and the stack, counted, and the client told on the way out.
func (s *session) panicked(r any, stack []byte) {
	s.mu.Lock()
	if s.reason == "" {
		s.reason = ReasonPanic
		s.message = "godmode: this session hit an internal error and was closed; the error is logged"
	}
	s.mu.Unlock()
	s.g.metrics.refused(ReasonPanic)
	s.g.log.Error("ssh session panicked", s.attrs("panic", fmt.Sprint(r), "stack", string(stack))...)
}

// finish runs when the handler chain returned (or panicked): it stops the
// idle timer and gives the client the message of why it was closed.
func (s *session) finish() {
	close(s.done)
	s.mu.Lock()
	if s.timer != nil {
		s.timer.Stop()
	}
	s.mu.Unlock()
	s.tell()
}

// tell writes the closing message, once, and ends the session with exit
// status 1; a session closed for no reason is left to the library.
func (s *session) tell() {
	s.mu.Lock()
	if s.told || s.reason == "" {
		s.mu.Unlock()
		return
	}
	s.told = true
	msg := s.message
	s.mu.Unlock()
	fmt.Fprintln(s.Stderr(), msg)
	_ = s.Exit(1)
}

// cutConnection closes the session's whole SSH connection: the last resort
// for a handler that ignores its closed channel.
func (s *session) cutConnection() {
	if c, ok := s.Context().Value(ssh.ContextKeyConn).(*gossh.ServerConn); ok {
		_ = c.Close()
	}
}

func sessionCount(n int) string {
	if n == 1 {
		return "1 session"
	}
	return fmt.Sprintf("%d sessions", n)
}

// shortDuration prints d as a person says it: 30m, not 30m0s.
func shortDuration(d time.Duration) string {
	t := d.String()
	if strings.HasSuffix(t, "m0s") {
		t = strings.TrimSuffix(t, "0s")
	}
	if strings.HasSuffix(t, "h0m") {
		t = strings.TrimSuffix(t, "0m")
	}
	return t
}
