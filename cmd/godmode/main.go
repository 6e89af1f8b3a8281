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
	"sync"
	"syscall"

	"github.com/godmode-console/godmode/forensics/safetext"
	"github.com/godmode-console/godmode/model"
)

// command is one subcommand; the table below is the whole CLI.
type command struct {
	name    string
	args    string // usage after the name
	summary string
	help    string // longer text for `godmode NAME --help`
	run     func(ctx context.Context, g *globals, args []string) error
	// access says what each action of the command (its first argument; ""
	// for a command without actions) does, so a test can run every writing
	// path as a mere member and see it refused and audited.
	access map[string]access
}

// access is what a command path does to the platform.
type access int

const (
	reads       access = iota + 1 // changes nothing
	writes                        // changes something: authorised and audited in model
	interactive                   // a session whose every action is authorised and audited in model
	automatic                     // the sync loop: acts as the sync actor, not as a person
)

// globals are the flags every subcommand accepts.
type globals struct {
	configPath  string
	contextName string
	stdout      io.Writer
	stderr      io.Writer
	stdin       io.Reader
	cfg         *Context // loaded on first use
	// remote is set when the command runs inside godmode serve for an SSH
	// session: it acts as that session's user over the process's store.
	remote *remote
}

var commands []*command

func init() {
	commands = []*command{
		{name: "console", summary: "open the console on the configured context (the default)", run: runConsole,
			args: "[--read-only] [--no-sync | --sync-every DURATION]", access: map[string]access{"": interactive},
			help: "Opens the console on the current context's database and n8n instances."},
		{name: "demo", summary: "open the console on a built-in demo fleet: no setup needed", run: runDemo,
			args: "[--read-only]", access: map[string]access{"": interactive},
			help: "Starts a throwaway Postgres and an in-process fake n8n seeded with a believable fleet,\nand opens the console on them as a super admin. Everything is removed on exit."},
		{name: "migrate", summary: "apply or report the database migrations", run: runMigrate,
			args: "up|status|down-to VERSION [--yes-destroy-data]", access: map[string]access{"up": writes, "status": reads, "down-to": writes},
			help: "Runs as the schema owner (GODMODE_OWNER_DATABASE_URL, or owner_database_url[_env] in the config);\nevery other command uses the runtime role and only checks the schema is current.\nup       apply every pending migration\nstatus   list the migrations and whether each is applied\ndown-to  roll back to VERSION (0 removes the whole schema); destroys data, so it needs\n         --yes-destroy-data or the database's name typed on a terminal, and while audit_log\n         holds rows it refuses to drop it or its hash chain (below 00004)"},
		{name: "instances", summary: "register, list and remove n8n instances and set their API keys", run: runInstances,
			args:   "add NAME --url URL [--webhook-url URL] [--insecure-http] (--api-key-env VAR | --api-key-stdin) | list | remove NAME | set-key NAME (--api-key-env VAR | --api-key-stdin) | set-url NAME --url URL [--webhook-url URL] [--insecure-http]",
			access: map[string]access{"add": writes, "list": reads, "remove": writes, "set-key": writes, "set-url": writes},
			help:   "The API key is read from the named environment variable or standard input, never from\nthe command line, and is stored only encrypted under the master key, bound to the\ninstance and its base URL. set-key is the one way to replace a stored key; set-url\nmoves an instance and re-seals its key for the new URL. Plain http is refused for\nanything but this machine unless --insecure-http. Super admins only; every attempt\nis audited."},
		{name: "users", summary: "register people and the SSH keys that prove who they are", run: runUsers,
			args:   "add (EMAIL | --email EMAIL) [--key PUBKEY_FILE|-] [--name NAME] [--super-admin] | keys add EMAIL PUBKEY_FILE|- | keys remove EMAIL FINGERPRINT | add-key EMAIL PUBKEY_FILE|- | grant EMAIL --workspace SLUG --role owner|admin|member|viewer | revoke EMAIL --workspace SLUG | list [--json]",
			access: map[string]access{"add": writes, "add-key": writes, "keys add": writes, "keys remove": writes, "grant": writes, "revoke": writes, "list": reads},
			help:   "A registered person acts as themselves with GODMODE_USER=EMAIL, proven by one of their\nregistered keys held in the SSH agent at SSH_AUTH_SOCK. add --key registers the person and\nthat key in one step; add-key is keys add's older name. grant sets (or replaces) a role in\na workspace, revoke takes it away; sessions already open are held to it from their next\naction. list shows each person's workspaces, roles and key fingerprints. Super admins\nonly; every attempt (list included) is audited."},
		{name: "keys", summary: "manage the master key that encrypts n8n API keys", run: runKeys,
			args: "generate | rotate | id", access: map[string]access{"generate": reads, "rotate": writes, "id": reads},
			help: "generate  print a new random master key (put it in GODMODE_MASTER_KEY or a key file)\nrotate    re-encrypt every stored API key under the current key (and bind keys stored\n          before godmode bound them to their instance); older keys must be\n          listed in GODMODE_OLD_MASTER_KEYS (or later lines of the key file) to be read\nid        print the id of the current key"},
		{name: "workspace", summary: "create, list, show, archive and restore workspaces; freeze or unfreeze one (kill switch)", run: runWorkspace,
			args:   "create SLUG --name NAME --instance NAME | list | show SLUG | archive SLUG | restore SLUG | freeze|unfreeze SLUG --reason TEXT [--json]",
			access: map[string]access{"create": writes, "list": reads, "show": reads, "archive": writes, "restore": writes, "freeze": writes, "unfreeze": writes},
			help: "create   record a workspace on an n8n instance, status awaiting setup: nothing is provisioned; adopt\n" +
				"         its workflows with godmode adopt or from the console's :unmanaged view, or provision it\n" +
				"         from a blueprint with godmode provision. A slug is\n" +
				"         " + model.SlugRule + ".\n" +
				"list     the workspaces you may see, with status, instance and campaign counts\n" +
				"show     one workspace: instance, status, campaign counts and members\n" +
				"archive  retire a workspace and its campaigns for good (kept, with their audit trail); refused while\n" +
				"         a campaign is active or switching: pause them or freeze the workspace first. Activating a\n" +
				"         campaign of an archived workspace is refused; pausing one is not\n" +
				"restore  bring an archived workspace back to the status it had (a frozen one stays frozen), and the\n" +
				"         campaigns its archive retired back to paused or error; nothing is switched on\n" +
				"freeze   prints \"workspace SLUG frozen\" (or unfrozen); with --json {workspace, action, status}, the\n" +
				"         status being the workspace's after it (suspended, active)\n" +
				"create, archive, restore, freeze and unfreeze are for super admins only; every attempt is audited."},
		{name: "blueprint", summary: "import, capture, list, show, diff and export blueprints (versioned sets of workflows), edit their lead schema", run: runBlueprint,
			args:   "import NAME FILE…|DIR|- [--allow-secret NODE:FIELD]… | capture NAME --workspace SLUG [--tokenize VALUE=NAME]… | list | show NAME[@V] | values NAME[@V] | diff NAME@V1 NAME@V2 | export NAME[@V] DIR [--force] | lead-schema NAME[@V] [--add COL]… [--remove COL]… | editable NAME VAR… [--off]  [--json]",
			access: map[string]access{"import": writes, "capture": writes, "list": reads, "show": reads, "values": reads, "diff": reads, "export": writes, "lead-schema": writes, "editable": writes},
			help:   blueprintHelp},
		{name: "campaigns", summary: "list the campaigns you may see", run: runCampaigns,
			args: "[--workspace SLUG] [--json]", access: map[string]access{"": reads},
			help: "Prints one line per campaign: WORKSPACE/CAMPAIGN, its status (and a toggle still pending), its\ninstance, failures in 24h, last execution and last error; --json prints the same fields.\nA member or viewer sees their workspaces only; asking for another is refused and audited."},
		{name: "toggle", summary: "activate or pause a campaign, as the console's toggle", run: runToggle,
			args: "WORKSPACE/CAMPAIGN --on|--off [--json]", access: map[string]access{"": writes},
			help: "Same rights, locks and audit as the console. Prints \"WORKSPACE/CAMPAIGN: now paused\" (or\n\"already paused\"); --json prints {workspace, campaign, id, wanted, outcome, status, error}, refusals\nincluded. Exits 1 when refused or when n8n failed, with n8n's words on stderr."},
		{name: "executions", summary: "list a campaign's latest executions, asked of n8n", run: runExecutions,
			args: "WORKSPACE/CAMPAIGN [--status STATUS] [--limit N] [--data TEXT] [--json]", access: map[string]access{"": reads},
			help: "Prints id, status, mode, start, duration and what each execution retries, newest first.\n--data TEXT reads the latest executions instead (50, or --limit, at most 200; four at a time) and\nprints each place their data holds TEXT: execution, node, run, path and value, then what could not\nbe read and why."},
		{name: "pulse", summary: "print the fleet's last hour and 24 hours, and its top failures across workspaces", run: runPulse,
			args: "[--group KEY] [--json]", access: map[string]access{"": reads}, help: pulseHelp},
		{name: "retry", summary: "retry an execution, as the forensics screen does", run: runRetry,
			args: "EXECUTION_ID [--saved-workflow] [--instance NAME] [--json]", access: map[string]access{"": writes},
			help: "Needs the retry right on the workspace of the campaign that ran it; every attempt is audited.\nPrints the new execution's id and status."},
		{name: "audit", summary: "print the audit trail you may see, or verify its hash chain", run: runAudit,
			args: "[--workspace SLUG] [--since DURATION|TIME] [--limit N] [--json] | verify", access: map[string]access{"": reads, "verify": reads},
			help: "Prints time, actor, action, workspace, campaign, outcome and what changed, newest first.\nA member or viewer sees the rows of their workspaces only.\n\nverify  recompute every audit row's hash and name the first row that does not match\n        (content changed, row missing, link broken); prints the head hash to record\n        elsewhere, since rows cut off the end leave no trace in the chain"},
		{name: "drift", summary: "print what the sync loop found out of step between n8n and Postgres", run: runDrift,
			args: "[--kind KIND] [--open] [--limit N] [--json]", access: map[string]access{"": reads},
			help: "Prints kind, instance, workspace, campaign, workflow, state (open, corrected, resolved),\nlast seen and detail of each finding you may see, newest first."},
		{name: "unmanaged", summary: "print the n8n workflows no campaign owns", run: runUnmanaged,
			args: "[--limit N] [--json]", access: map[string]access{"": reads},
			help: "Prints the open orphan_workflow findings, in drift's columns: the workflow's id and name, its instance,\nand the workspace its tag names. Those of no workspace are shown to super admins only."},
		{name: "adopt", summary: "turn n8n workflows no campaign owns into campaigns of a workspace", run: runAdopt,
			args: "--workspace SLUG WORKFLOW_ID... | --workspace SLUG --tagged [--json]", access: map[string]access{"": writes},
			help: "Each workflow becomes a campaign named as in n8n, active or paused as it is there, with its\nrecent executions read at once (last run, failures in 24h). --tagged adopts every unmanaged\nworkflow of the workspace's instance tagged ws:SLUG (or SLUG). Prints one line per campaign;\n--json prints {adopted: [{workflow_id, workflow, campaign, id, status, backfilled, last_exec_status,\nlast_exec_at, failures_24h, error}]}. Super admins only; every attempt is audited, one row a workflow."},
		{name: "provision", summary: "provision a workspace from a blueprint version: plan, apply, resume or roll back a run", run: runProvision,
			args:   "--workspace SLUG --blueprint NAME@V --values FILE [--plan|--apply] [--activate] | --resume RUN --values FILE | --rollback RUN [--values FILE] | --workspace SLUG --set VAR=VALUE… | runs [--workspace SLUG] | show RUN [--json]",
			access: map[string]access{"": writes, "runs": reads, "show": reads},
			help: "--plan (the default) prints the ordered n8n calls and applies nothing. --apply opens a run (one at a\n" +
				"time per workspace, enforced in Postgres) on a workspace awaiting setup: each step is recorded before\n" +
				"and after its call; credentials, workflows (named SLUG - NAME, tagged ws:SLUG and bp:NAME@vV), tags,\n" +
				"activation with --activate, one campaign per workflow with its webhook URL. The workspace goes\n" +
				"provisioning, then active (or error). Applied again with the same values on an active workspace it\n" +
				"sends nothing. --resume RUN continues a stopped run from its first step not done, each step once: a\n" +
				"create whose outcome is unknown first looks in n8n for what it made (n8n 1.x cannot list credentials:\n" +
				"it refuses, naming the credential). --rollback RUN deletes, newest first, what the run made; --values\n" +
				"lets it look for creates of unknown outcome. Secrets go to n8n only. Super admins only; audited with\n" +
				"the variables' names and which were secret, never values. --set VAR=VALUE (repeatable) changes the\n" +
				"variables the blueprint marks admin_editable (blueprint editable) and re-applies the workspace, every\n" +
				"other value taken from its last succeeded run: for its owners and admins too; it reads no file, so it\n" +
				"works over SSH. A change the record cannot rebuild (a secret, a credential) is refused: a super admin\n" +
				"re-applies with the values file."},
		{name: "leads", summary: "import leads from CSV, move a legacy per-client table in, export them", run: runLeads,
			args:   "import --workspace SLUG [--campaign NAME] [--as-text] [--duplicates merge|skip] [--skip-invalid] [--rejects FILE] [--json] FILE.csv|- | migrate-legacy --table TABLE --workspace SLUG [--dry-run] [--skip-invalid] [--json] | export --workspace SLUG [--filter EXPR] [--campaign NAME]",
			access: map[string]access{"import": writes, "migrate-legacy": writes, "export": reads},
			help:   leadsHelp},
		{name: "campaign", summary: "re-link a campaign whose workflow is gone to another workflow, or archive it", run: runCampaign,
			args: "relink WORKSPACE/CAMPAIGN --workflow ID | archive WORKSPACE/CAMPAIGN [--json]", access: map[string]access{"relink": writes, "archive": writes},
			help: "relink   point the campaign at another workflow of its instance that no campaign owns; refused while\n         its own workflow is still in n8n. Its executions are those of the new workflow, read at once.\narchive  set the campaign archived (sync leaves it alone); refused while its workflow is active in n8n.\nSuper admins only; every attempt is audited."},
		{name: "sync", summary: "run the synchronization loop with n8n", run: runSync,
			args: "[--watch] [--listen ADDR]", access: map[string]access{"": automatic},
			help: "Without --watch, one cycle over every instance, then a table. With --watch, until SIGINT or\nSIGTERM. Retention (execution_retention, finding_retention) is applied by each instance's leader."},
		{name: "serve", summary: "serve the console and the commands over SSH to every registered key", run: runServe,
			args: "--listen ADDR --host-key PATH [--save-dir DIR] [--read-only] [--no-sync | --sync-every DURATION] [--log-format text|json]", access: map[string]access{"": interactive},
			help: serveHelp},
		{name: "inspect", summary: "open forensics on an execution id or a saved execution file", run: runInspect,
			args: "ID|FILE.json|- [--summary|--json] [--instance NAME] [--max-bytes SIZE]", access: map[string]access{"": reads}},
		{name: "version", summary: "print the version", access: map[string]access{"": reads}, run: func(_ context.Context, g *globals, args []string) error {
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
	return runAs(ctx, &globals{stdout: stdout, stderr: stderr, stdin: stdin}, args)
}

// runAs is run with the globals made: godmode serve runs each SSH
// session's command with globals of its own.
func runAs(ctx context.Context, g *globals, args []string) int {
	stdout, stderr := g.stdout, g.stderr
	fs := flag.NewFlagSet("godmode", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&g.configPath, "config", "", "config file (default $XDG_CONFIG_HOME/godmode/config.toml, or $GODMODE_CONFIG)")
	fs.StringVar(&g.contextName, "context", "", "context to use (default $GODMODE_CONTEXT, or current_context)")
	fs.Usage = func() {} // --help prints to stdout; a mistake is said on stderr, without the whole usage
	fs.SetOutput(io.Discard)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			g.usage(stdout, fs)
			return 0
		}
		fmt.Fprintf(stderr, "godmode: %v (see godmode --help)\n", err)
		return 2
	}
	rest := fs.Args()
	name := "console"
	if len(rest) > 0 {
		if rest[0] == "help" {
			if len(rest) > 1 {
				rest = []string{rest[1], "--help"}
			} else {
				g.usage(stdout, fs)
				return 0
			}
		}
		if !strings.HasPrefix(rest[0], "-") {
			name, rest = rest[0], rest[1:]
		}
	}
	if err := g.refuseOverSSH(name); err != nil {
		fmt.Fprintf(stderr, "godmode: %v\n", err)
		return 2
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
				if err != errUsage { // the usage was not printed: say what was wrong
					fmt.Fprintf(stderr, "godmode %s: %v\n", name, err)
				}
				return 2
			case errors.Is(err, errNoTerminal):
				// Said as is: it is about godmode, not the subcommand.
				if err == errNoTerminal {
					err = fmt.Errorf("%w (godmode --help lists them)", err)
				}
				fmt.Fprintln(stderr, err)
				return 2
			}
			// Errors quote n8n's answers and names from data: cleaned.
			fmt.Fprintf(stderr, "godmode %s: %s\n", name, safetext.Text(err.Error()))
			return 1
		}
	}
	fmt.Fprintf(stderr, "godmode: unknown command %q (see godmode --help)\n", name)
	return 2
}

// errUsage means the command's usage was printed, which said what was wrong.
var errUsage = errors.New("usage")

// usageError is a mistake on the command line, said in one line; it exits
// 2 like errUsage.
type usageError struct{ msg string }

func (e usageError) Error() string        { return e.msg }
func (e usageError) Is(target error) bool { return target == errUsage }

// helpOut is where each subcommand's --help goes: its stdout. Its usage
// printed for a mistake goes to its stderr (the flag set's output).
var helpOut sync.Map // *flag.FlagSet → io.Writer

// usage is godmode's own help: over SSH, what an SSH session may run.
func (g *globals) usage(w io.Writer, fs *flag.FlagSet) {
	if g.remote != nil {
		sshUsage(w)
		return
	}
	usage(w, fs)
}

func usage(w io.Writer, fs *flag.FlagSet) {
	fmt.Fprintln(w, "godmode: the console of a multi-tenant n8n platform.")
	fmt.Fprintln(w, "\nUsage: godmode [--config FILE] [--context NAME] [COMMAND] [ARGS]")
	fmt.Fprintln(w, "\nCommands:")
	width := 0 // the longest name sets the column, so a new command never shifts it
	for _, c := range commands {
		width = max(width, len(c.name))
	}
	for _, c := range commands {
		fmt.Fprintf(w, "  %-*s  %s\n", width, c.name, c.summary)
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
	helpOut.Store(fs, g.stdout)
	fs.Usage = func() {
		w := fs.Output()
		fmt.Fprintf(w, "Usage: %s\n\n%s.\n", strings.TrimSpace("godmode "+c.name+" "+c.args), strings.ToUpper(c.summary[:1])+c.summary[1:])
		if c.help != "" {
			fmt.Fprintf(w, "\n%s\n", c.help)
		}
		var any bool
		fs.VisitAll(func(*flag.Flag) { any = true })
		if any {
			fmt.Fprintln(w, "\nFlags:")
			fs.PrintDefaults()
		}
	}
	return fs
}

// parse parses a subcommand's flags, allowing flags after positional args
// (`godmode instances add ohio --url …`).
func parse(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	usage, out := fs.Usage, fs.Output()
	// The flag set is done with after this parse: forgetting it keeps a
	// long-lived godmode serve, which parses for every SSH command, from
	// holding every flag set it ever made.
	defer func() { fs.Usage = usage; fs.SetOutput(out); helpOut.Delete(fs) }()
	for {
		// The flag package would print the whole usage for any mistake;
		// the mistake is said in one line instead, --help prints the usage.
		fs.Usage = func() {}
		fs.SetOutput(io.Discard)
		err := fs.Parse(args)
		fs.Usage = usage
		fs.SetOutput(out)
		if err != nil {
			if errors.Is(err, flag.ErrHelp) {
				if w, ok := helpOut.Load(fs); ok {
					fs.SetOutput(w.(io.Writer))
				}
				usage()
				return nil, err
			}
			return nil, usageError{fmt.Sprintf("%v (see %s --help)", err, fs.Name())}
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}
