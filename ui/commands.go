package ui

import (
	"fmt"
	"slices"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/godmode-console/godmode/model"
	"github.com/godmode-console/godmode/themes"
	"github.com/godmode-console/godmode/ui/common"
	"github.com/godmode-console/godmode/ui/views/audit"
	"github.com/godmode-console/godmode/ui/views/fleet"
)

// Command is one ":" command. The table of commands is data: a later view
// adds its own through Options.Commands.
type Command struct {
	Name    string
	Aliases []string
	Args    string // usage of the arguments, for help
	Help    string
	Run     func(r *Root, args []string) tea.Cmd
	// SuperAdmin commands are not offered to anyone else: what they show
	// spans every tenant, and the model refuses it to others anyway.
	SuperAdmin bool
	// ReadWrite commands change things: a read-only session does not
	// offer them (and says why when one is typed anyway).
	ReadWrite bool
}

// DefaultCommands is the built-in command table: the commands of the
// registered screens, then those of the console itself.
func DefaultCommands() []Command { return commandsOf(builtinScreens()) }

// commandsOf is the palette: each screen's commands in the order of the
// registry (a command without Run opens its screen), then the console's.
func commandsOf(specs []ScreenSpec) []Command {
	var out []Command
	for _, spec := range specs {
		for _, c := range spec.Commands {
			if c.Run == nil {
				c.Run = showScreen(spec.ID, c.Name)
			}
			out = append(out, c)
		}
	}
	return append(out, consoleCommands()...)
}

// consoleCommands open no screen.
func consoleCommands() []Command {
	return []Command{
		{Name: "ctx", Aliases: []string{"context"}, Help: "show the context", Run: func(r *Root, _ []string) tea.Cmd {
			return statusCmd(common.Note(fmt.Sprintf("context %q (switch contexts with godmode --context <name>)", r.context())))
		}},
		{Name: "theme", Args: "<name>", Help: "switch theme", Run: runTheme},
		{Name: "refresh", Aliases: []string{"r"}, Help: "poll now", Run: func(r *Root, _ []string) tea.Cmd { return r.refreshAll() }},
		{Name: "help", Aliases: []string{"h", "?"}, Help: "all keys and commands", Run: func(r *Root, _ []string) tea.Cmd {
			r.showHelp, r.helpTop = true, 0
			return nil
		}},
		{Name: "quit", Aliases: []string{"q", "q!"}, Help: "leave godmode", Run: func(*Root, []string) tea.Cmd { return tea.Quit }},
	}
}

// showScreen is the Run of a command that only opens its screen.
func showScreen(id, name string) func(*Root, []string) tea.Cmd {
	return func(r *Root, args []string) tea.Cmd {
		if len(args) > 0 {
			return statusCmd(common.Problem(":" + name + " takes no arguments"))
		}
		return r.Show(id)
	}
}

// showFleet brings the fleet back (closing what is above it) with a pane
// in focus.
func showFleet(p fleet.Pane) func(*Root, []string) tea.Cmd {
	return func(r *Root, _ []string) tea.Cmd {
		cmd := r.Show(screenFleet)
		r.fleet.SetFocus(p)
		return cmd
	}
}

func runAudit(r *Root, args []string) tea.Cmd {
	var f audit.Filter
	for _, a := range args {
		k, v, ok := strings.Cut(a, "=")
		if !ok {
			return statusCmd(common.Problem(fmt.Sprintf(":audit %s: write filters as key=value, e.g. ws=acme outcome=failed", a)))
		}
		switch k {
		case "ws", "workspace":
			f.Workspace = v
		case "actor":
			f.Actor = v
		case "outcome":
			f.Outcome = model.Outcome(v)
		default:
			return statusCmd(common.Problem(fmt.Sprintf(":audit: unknown filter %q; use ws=, actor= or outcome=", k)))
		}
	}
	s, _ := r.screen(screenAudit)
	a := s.(auditScreen)
	a.SetWorkspaces(r.fleet.Workspaces())
	// The load SetFilter starts is dropped: Show loads the screen as its
	// newest request.
	if _, err := a.SetFilter(f); err != nil {
		return statusCmd(common.Problem(":audit: " + err.Error()))
	}
	return r.Show(screenAudit)
}

func runTheme(r *Root, args []string) tea.Cmd {
	names, err := themes.Available(r.opts.ThemeFile)
	if err != nil {
		names = themes.Builtin()
	}
	if len(args) != 1 {
		return statusCmd(common.Note("theme " + r.theme.Name + "; choose with :theme <" + strings.Join(names, "|") + ">"))
	}
	th, err := themes.Load(args[0], r.opts.ThemeFile)
	if err != nil {
		return statusCmd(common.Problem(":theme: " + err.Error()))
	}
	r.setTheme(th)
	return statusCmd(common.Done("theme " + th.Name))
}

// lookup finds a command by name or alias.
func (r *Root) lookup(name string) (Command, bool) {
	for _, c := range r.commands {
		if c.Name == name || slices.Contains(c.Aliases, name) {
			return c, true
		}
	}
	return Command{}, false
}

// run executes a command line typed after ":".
func (r *Root) run(line string) tea.Cmd {
	fields := strings.Fields(line)
	if len(fields) == 0 {
		return nil
	}
	c, ok := r.lookup(fields[0])
	if !ok {
		// A hidden command typed in full is refused, saying why, before
		// completion could turn it into another one (":provision" in a
		// read-only session is not ":provisioning").
		for _, h := range r.superOnly {
			if h.Name == fields[0] || slices.Contains(h.Aliases, fields[0]) {
				if h.ReadWrite && r.opts.ReadOnly && (!h.SuperAdmin || r.opts.Actor.SuperAdmin) {
					return statusCmd(common.Problem(fmt.Sprintf(":%s changes things: this session is read-only (restart without --read-only)", h.Name)))
				}
				return statusCmd(common.Problem(fmt.Sprintf(":%s is for super admins only", h.Name)))
			}
		}
		c, ok = r.complete(fields[0])
	}
	if !ok {
		return statusCmd(common.Problem(fmt.Sprintf("unknown command :%s — :help lists them", fields[0])))
	}
	return c.Run(r, fields[1:])
}

// complete finds the one command whose name or alias starts with prefix,
// so ":au" runs ":audit" as the completion hint promised.
func (r *Root) complete(prefix string) (Command, bool) {
	var found []Command
	for _, c := range r.commands {
		for _, n := range append([]string{c.Name}, c.Aliases...) {
			if strings.HasPrefix(n, prefix) {
				found = append(found, c)
				break
			}
		}
	}
	if len(found) == 1 {
		return found[0], true
	}
	return Command{}, false
}

// commandNames feeds the command line's completion.
func (r *Root) commandNames() []string {
	var out []string
	for _, c := range r.commands {
		out = append(out, c.Name)
		out = append(out, c.Aliases...)
	}
	return out
}

func statusCmd(s common.StatusMsg) tea.Cmd { return func() tea.Msg { return s } }
