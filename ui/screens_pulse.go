package ui

import (
	"github.com/godmode-console/godmode/ui/views/pulse"
)

// A backend without the pulse's reads (a test's) gets screens that say
// they cannot read it.
func pulseOptions(e Env) (pulse.Backend, pulse.Options) {
	b, _ := e.Backend.(pulse.Backend)
	return b, pulse.Options{Actor: e.Options.Actor, Theme: e.Options.Theme, Now: e.Options.Now}
}

// pulseSpec is ":pulse" (and P on the fleet).
func pulseSpec() ScreenSpec {
	return ScreenSpec{ID: pulse.Screen, Title: "pulse", New: func(e Env) Screen { return pulse.New(pulseOptions(e)) },
		Commands: []Command{
			{Name: "pulse", Help: "the fleet's last hour and 24 hours, and the top failures across workspaces"},
		}}
}

// pulseGroupSpec is one failure group's executions, which enter on a
// group opens; enter on one of them opens forensics.
func pulseGroupSpec() ScreenSpec {
	return ScreenSpec{ID: pulse.GroupScreen, Title: "failure", New: func(e Env) Screen { return pulse.NewGroup(pulseOptions(e)) }}
}
