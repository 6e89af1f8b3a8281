package main

import (
	"errors"

	"github.com/charmbracelet/x/term"
)

// errNoTerminal refuses a full-screen command whose input or output is not
// a terminal (a pipe, a file, /dev/null), which would otherwise fail deep
// in the terminal library with an error about epoll or ioctl.
var errNoTerminal = errors.New("godmode needs a terminal; for scripts use the subcommands")

// needTerminal says whether the command's stdin and stdout are both a
// terminal; it is asked before connecting to anything.
func (g *globals) needTerminal() error {
	for _, f := range []any{g.stdin, g.stdout} {
		fd, ok := f.(interface{ Fd() uintptr })
		if !ok || !term.IsTerminal(fd.Fd()) {
			return errNoTerminal
		}
	}
	return nil
}
