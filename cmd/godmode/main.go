// Command godmode is the terminal console of a multi-tenant n8n platform:
// fleet panes, toggles, forensics and provisioning, and every action the
// screens offer as a plain subcommand for scripts.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
)

// command is one subcommand; the table below is the whole CLI.
type command struct {
	name    string
	args    string // usage after the name
	summary string
	help    string // longer text for `godmode NAME --help`
	run     func(ctx context.Context, g *globals, args []string) error
}

// globals are the flags every subcommand accepts.
type globals struct {
	configPath  string
	contextName string
	stdout      io.Writer
	stderr      io.Writer
	stdin       io.Reader
}

var commands []*command

func init() {
	commands = []*command{
		{name: "console", summary: "open the console on the configured context (the default)", run: runConsole,
			args: "[--read-only]",
			help: "Opens the console on the current context's database and n8n instances."},
		{name: "demo", summary: "open the console on a built-in demo fleet: no setup needed", run: runDemo,
			args: "[--read-only]",
			help: "Starts a throwaway Postgres and an in-process fake n8n seeded with a believable fleet,\nand opens the console on them as a super admin. Everything is removed on exit."},
		{name: "migrate", summary: "apply or report the database migrations", run: runMigrate,
			args: "up|status|down-to VERSION [--yes-destroy-data]",
			help: "Runs as the schema owner (GODMODE_OWNER_DATABASE_URL, or owner_database_url[_env] in the config);\nevery other command uses the runtime role and only checks the schema is current.\nup       apply every pending migration\nstatus   list the migrations and whether each is applied\ndown-to  roll back to VERSION (0 removes the whole schema); destroys data, so it needs\n         --yes-destroy-data or the database's name typed on a terminal, and it refuses\n         to drop an audit_log that holds rows"},
		{name: "audit", summary: "verify the audit trail's hash chain", run: runAudit,
			args: "verify",
			help: "verify  recompute every audit row's hash and name the first row that does not match\n        (content changed, row missing, link broken); prints the head hash to record\n        elsewhere, since rows cut off the end leave no trace in the chain"},
		{name: "instances", summary: "register, list and remove n8n instances", run: runInstances,
			args: "add NAME --url URL [--webhook-url URL] (--api-key-env VAR | --api-key-stdin) | list | remove NAME",
			help: "The API key is read from the named environment variable or standard input, never from\nthe command line, and is stored only encrypted under the master key."},
		{name: "keys", summary: "manage the master key that encrypts n8n API keys", run: runKeys,
			args: "generate | rotate | id",
			help: "generate  print a new random master key (put it in GODMODE_MASTER_KEY or a key file)\nrotate    re-encrypt every stored API key under the current key; older keys must be\n          listed in GODMODE_OLD_MASTER_KEYS (or later lines of the key file) to be read\nid        print the id of the current key"},
		{name: "workspace", summary: "freeze or unfreeze a workspace (kill switch)", run: runWorkspace,
			args: "freeze|unfreeze SLUG --reason TEXT"},
		{name: "sync", summary: "run the synchronization loop with n8n", run: runSync,
			args: "[--watch] [--listen ADDR]"},
		{name: "inspect", summary: "open forensics on an execution id or a saved execution file", run: runInspect,
			args: "ID|FILE.json [--summary|--json]"},
		{name: "version", summary: "print the version", run: func(_ context.Context, g *globals, args []string) error {
			if _, err := parse(g.flags("version"), args); err != nil {
				return err
			}
			fmt.Fprintln(g.stdout, "godmode", version)
			return nil
		}},
	}
}

var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run is main without the process: tests call it.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	g := &globals{stdout: stdout, stderr: stderr, stdin: stdin}
	fs := flag.NewFlagSet("godmode", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&g.configPath, "config", "", "config file (default $XDG_CONFIG_HOME/godmode/config.toml, or $GODMODE_CONFIG)")
	fs.StringVar(&g.contextName, "context", "", "context to use (default $GODMODE_CONTEXT, or current_context)")
	fs.Usage = func() { usage(stdout, fs) }
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	rest := fs.Args()
	name := "console"
	if len(rest) > 0 {
		if rest[0] == "help" {
			if len(rest) > 1 {
				rest = []string{rest[1], "--help"}
			} else {
				usage(stdout, fs)
				return 0
			}
		}
		if !strings.HasPrefix(rest[0], "-") {
			name, rest = rest[0], rest[1:]
		}
	}
	for _, c := range commands {
		if c.name == name {
			err := c.run(ctx, g, rest)
			switch {
			case err == nil:
				return 0
			case errors.Is(err, flag.ErrHelp):
				return 0
			case errors.Is(err, errUsage):
				return 2
			}
			fmt.Fprintf(stderr, "godmode %s: %v\n", name, err)
			return 1
		}
	}
	fmt.Fprintf(stderr, "godmode: unknown command %q (see godmode --help)\n", name)
	return 2
}

// errUsage means the flag package already said what was wrong.
var errUsage = errors.New("usage")

func usage(w io.Writer, fs *flag.FlagSet) {
	fmt.Fprintln(w, "godmode: the console of a multi-tenant n8n platform.")
	fmt.Fprintln(w, "\nUsage: godmode [--config FILE] [--context NAME] [COMMAND] [ARGS]")
	fmt.Fprintln(w, "\nCommands:")
	for _, c := range commands {
		fmt.Fprintf(w, "  %-10s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nGlobal flags:")
	fs.SetOutput(w)
	fs.PrintDefaults()
	fmt.Fprintln(w, "\nRun 'godmode COMMAND --help' for a command's own flags.")
}

// flags returns a flag set for a subcommand whose --help prints its usage.
func (g *globals) flags(name string) *flag.FlagSet {
	var c *command
	for _, x := range commands {
		if x.name == name {
			c = x
		}
	}
	fs := flag.NewFlagSet("godmode "+name, flag.ContinueOnError)
	fs.SetOutput(g.stderr)
	fs.Usage = func() {
		fmt.Fprintf(g.stdout, "Usage: godmode %s %s\n\n%s.\n", c.name, c.args, strings.ToUpper(c.summary[:1])+c.summary[1:])
		if c.help != "" {
			fmt.Fprintf(g.stdout, "\n%s\n", c.help)
		}
		var any bool
		fs.VisitAll(func(*flag.Flag) { any = true })
		if any {
			fmt.Fprintln(g.stdout, "\nFlags:")
			fs.SetOutput(g.stdout)
			fs.PrintDefaults()
			fs.SetOutput(g.stderr)
		}
	}
	return fs
}

// parse parses a subcommand's flags, allowing flags after positional args
// (`godmode instances add ohio --url …`).
func parse(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, errUsage
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}
