package ui

import (
	"time"

	"github.com/godmode-console/godmode/model"
	"github.com/godmode-console/godmode/themes"
)

// MinPoll is the shortest poll interval allowed; DefaultPoll is used when
// none is given.
const (
	MinPoll     = time.Second
	DefaultPoll = 3 * time.Second
	// MaxBackoff caps the wait between polls while n8n or Postgres fail.
	MaxBackoff = time.Minute
	// MinWidth and MinHeight are the smallest terminal the console draws in.
	MinWidth, MinHeight = 80, 24
)

// Options configure a console session.
type Options struct {
	Actor        model.Actor
	ReadOnly     bool          // hide and refuse every action that changes anything
	Context      string        // the configuration context shown in the header
	PollInterval time.Duration // raised to MinPoll when lower; DefaultPoll when zero
	Theme        *themes.Theme // nil: themes.Load(themes.Default, ThemeFile)
	ThemeFile    string        // user themes, for ":theme <name>"
	Now          func() time.Time
	// ToggleBound is the model's bound on a toggle's n8n call, when
	// configured: the switch's spinner ends at most a few seconds after it.
	ToggleBound time.Duration
	// Commands adds ":" commands that open no screen of their own.
	Commands []Command
	// SaveDir is where x saves an execution ("": the working directory);
	// NoSave, when set, refuses x with that reason (an SSH session whose
	// operator named no folder for it).
	SaveDir, NoSave string
	// Screens registers screens besides the built-in ones (builtinScreens):
	// each with its id, title and the commands that open it.
	Screens []ScreenSpec
}

func (o Options) withDefaults() Options {
	if o.PollInterval == 0 {
		o.PollInterval = DefaultPoll
	}
	o.PollInterval = max(o.PollInterval, MinPoll)
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Theme == nil {
		th, err := themes.Load(themes.Default, o.ThemeFile)
		if err != nil {
			th, _ = themes.Load(themes.Default, "")
		}
		o.Theme = th
	}
	return o
}
