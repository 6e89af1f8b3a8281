package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	tea "charm.land/bubbletea/v2"
	"charm.land/ssh"

	"github.com/godmode-console/godmode/forensics/safetext"
	"github.com/godmode-console/godmode/model"
	"github.com/godmode-console/godmode/themes"
)

// sshSession is what one SSH session owns; the process owns the rest.
type sshSession struct {
	sv    *server
	actor model.Actor
	view  *model.ActorConsole // the process's use cases as actor sees them
	env   []string            // the client's environment (TERM, COLORTERM, NO_COLOR …)
}

type sessionCtxKey struct{}

// sessionOf is the session identify made for s, nil if none.
func sessionOf(s ssh.Session) *sshSession {
	sess, _ := s.Context().Value(sessionCtxKey{}).(*sshSession)
	return sess
}

// identify checks again that the key the session authenticated with is
// the one the public-key callback accepted, builds its actor, and tears
// the session down when the chain returns.
func (sv *server) identify(next ssh.Handler) ssh.Handler {
	return func(s ssh.Session) {
		authFP, _ := s.Context().Permissions().Extensions[extKeyFingerprint]
		fp, err := checkSessionKey(authFP, s.PublicKey())
		if err != nil {
			sv.refuse(s, "key mismatch", err, "key", authFP)
			return
		}
		actor, err := sv.actorFor(s.Context(), fp)
		if err != nil {
			sv.refuse(s, "unknown key", err, "key", fp)
			return
		}
		// The guard logs the session's opening and closing (user, key,
		// address, command, duration).
		sess := &sshSession{sv: sv, actor: actor, view: sv.proc.console.As(actor).RefuseHostFiles(hostFilesOverSSH), env: s.Environ()}
		s.Context().SetValue(sessionCtxKey{}, sess)
		defer sess.close()
		next(s)
	}
}

// refuse ends a session that passed authentication but may not go on.
func (sv *server) refuse(s ssh.Session, reason string, err error, kv ...any) {
	sv.log.Warn("ssh session refused", append([]any{"reason", reason, "err", err.Error(), "remote", s.RemoteAddr().String(), "ssh_user", s.User()}, kv...)...)
	fmt.Fprintf(s.Stderr(), "godmode: session refused: %s\r\n", reason)
	_ = s.Exit(1)
}

// close is the one place a session is torn down: whatever a session
// holds of the process is let go here.
func (sess *sshSession) close() {
	sess.view.Close() // its change feed subscription
}

// commandName is the subcommand for the log: its name only, since later
// arguments may be anything a person typed.
func commandName(args []string) string {
	for _, a := range args {
		if !strings.HasPrefix(a, "-") {
			return safetext.Line(a)
		}
	}
	return ""
}

// console is the Bubble Tea middleware's model: the console for a
// session with a terminal and no command; nil hands the session on to
// the commands. The guard adds the session's input, output, window size,
// colour profile and environment (not the server's terminal).
func (sv *server) console(s ssh.Session) (tea.Model, []tea.ProgramOption) {
	_, _, pty := s.Pty()
	sess := sessionOf(s)
	if !pty || len(s.Command()) > 0 || sess == nil {
		return nil, nil
	}
	o := sessionOptions{actor: sess.actor, theme: sess.theme()}
	o.saveDir, o.noSave = sv.saveFolder(sess.actor)
	root := sv.proc.newRoot(sess.view, o)
	return root, []tea.ProgramOption{tea.WithContext(s.Context()), tea.WithoutSignalHandler()}
}

// theme is the context's theme as this client's terminal takes it: a
// client that says NO_COLOR gets the colourless variant.
func (sess *sshSession) theme() *themes.Theme {
	cfg := sess.sv.proc.cfg
	noColor := false
	for _, kv := range sess.env {
		if v, ok := strings.CutPrefix(kv, "NO_COLOR="); ok && v != "" {
			noColor = true
		}
	}
	th, err := themes.LoadWith(cfg.themeName(), cfg.ThemeFile, noColor)
	if err != nil {
		th, _ = themes.LoadWith(themes.Default, "", noColor) // checked at start; the file may have changed since
	}
	return th
}

// saveFolder is where x saves for actor over SSH: DIR/<email>/ under the
// operator's --save-dir, created 0700. Without --save-dir saving is
// refused, since the server's working directory is nobody's to fill.
func (sv *server) saveFolder(actor model.Actor) (dir, refused string) {
	if sv.opts.saveDir == "" {
		return "", "saving is off over SSH: the operator enables it with godmode serve --save-dir DIR (files then land in DIR/<your email>/)"
	}
	dir = filepath.Join(sv.opts.saveDir, safetext.FileName(actor.Name))
	if err := os.MkdirAll(dir, 0o700); err != nil {
		sv.log.Error("save folder", "user", actor.Name, "dir", dir, "err", err.Error())
		return "", "saving is unavailable on this server: its folder could not be made (the operator's log says why)"
	}
	if err := os.Chmod(dir, 0o700); err != nil {
		sv.log.Error("save folder", "user", actor.Name, "dir", dir, "err", err.Error())
		return "", "saving is unavailable on this server: its folder could not be made private (the operator's log says why)"
	}
	return dir, ""
}

// checkSaveRoot checks --save-dir at start: a directory the process can
// write.
func checkSaveRoot(dir string) error {
	st, err := os.Stat(dir)
	if err != nil {
		return fmt.Errorf("--save-dir %s: %w", dir, err)
	}
	if !st.IsDir() {
		return fmt.Errorf("--save-dir %s is not a directory", dir)
	}
	return nil
}

// hostFilesOverSSH is why a served console does not import files: they
// would be the server's, not those of the person at the keyboard.
const hostFilesOverSSH = "importing files is off over SSH: they would be read on the server; pipe the file instead: ssh HOST blueprint import NAME - < FILE"
